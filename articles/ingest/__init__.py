"""Pure Python, no Django: the seed-format parser and the extractors."""

import os

# One BLAS thread per process, set before any module of the package loads numpy (OpenBLAS
# reads these once, at load; order.py and pipeline.py import numpy). By default OpenBLAS starts
# a thread per core and every matrix product spins them up: with a worker per core they compete,
# and a story's parse cost 83 ms of CPU instead of 45 (issue 11). Parallelism comes from worker
# processes instead.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
