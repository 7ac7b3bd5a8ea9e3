"""Running a batch from the command line: worker processes started here, or the workers of
the deployment, and a progress bar until the batch is done."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection
from tqdm import tqdm

from articles.models import ImportBatch
from articles.services import batch_confirm, batch_run_here

MANAGE_PY = Path(__file__).resolve().parent.parent.parent / "manage.py"
POLL_SECONDS = 0.5
# Said once when nothing moves for this long and no worker was started here.
IDLE_HINT_SECONDS = 10
# How long processes interrupted by Ctrl-C get to exit by themselves.
INTERRUPTED_EXIT_SECONDS = 15
# A worker that stopped is replaced after this long (the database may still be coming back).
REVIVE_SECONDS = 3


def worker_command() -> list[str]:
    return [sys.executable, str(MANAGE_PY), "worker"]


@contextmanager
def workers_started(count: int):
    """`count` worker processes on this machine, stopped on exit (see processes_stop).

    They use this process's database, so a command run against a test database is served
    by workers on that database too (DJANGO_DATABASE_NAME, read by archive/settings.py).
    """
    processes = [_worker_start() for _ in range(count)]
    try:
        yield processes
    except KeyboardInterrupt:
        processes_stop(processes, interrupted=True)
        raise
    finally:
        processes_stop(processes)


def _worker_start() -> subprocess.Popen:
    env = {**os.environ, "DJANGO_DATABASE_NAME": connection.settings_dict["NAME"]}
    return subprocess.Popen(worker_command(), env=env, stdout=subprocess.DEVNULL)


def workers_revive(processes: list[subprocess.Popen], write=print) -> None:
    """Start a new worker in place of each one that stopped (killed, out of memory; a
    database restart it rides out itself), at most once per REVIVE_SECONDS each."""
    for index, process in enumerate(processes):
        if process.poll() is None:
            continue
        stopped = getattr(process, "stopped_at", None)
        if stopped is None:
            process.stopped_at = stopped = time.monotonic()
        if time.monotonic() - stopped >= REVIVE_SECONDS:
            write(f"A worker stopped (exit status {process.returncode}): starting another.")
            processes[index] = _worker_start()


def processes_stop(processes, *, interrupted: bool = False) -> None:
    """Stop child processes: SIGTERM, then SIGKILL after 30 s. After Ctrl-C, which the
    terminal sent to every process of the group, first let them finish on their own: a second
    signal would cut their exit short (the embedded PostgreSQL's last user would not stop it)."""
    if interrupted:
        for process in processes:
            try:
                process.wait(timeout=INTERRUPTED_EXIT_SECONDS)
            except subprocess.TimeoutExpired:
                pass
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class WorkersDied(RuntimeError):
    """Every worker started here stopped before the batch was done."""


def batch_wait(batch: ImportBatch, *, show: bool, write=print, workers=()):
    """Follow a batch until it is done or cancelled, with a progress bar on a terminal.
    With no worker started here, say so once nothing moves; if the ones started here all
    die (a broken setting, say), raise WorkersDied rather than wait for ever."""
    progress = tqdm(
        total=batch.total_count,
        initial=batch.done_count,
        unit="file",
        file=sys.stderr,
        disable=not show or not sys.stderr.isatty(),
    )
    last_move, hinted = time.monotonic(), False
    with progress:
        while not batch.finished_work:
            time.sleep(POLL_SECONDS)
            batch.refresh_from_db()
            if batch.done_count != progress.n:
                progress.update(batch.done_count - progress.n)
                last_move = time.monotonic()
            elif workers and all(worker.poll() is not None for worker in workers):
                codes = ", ".join(str(worker.returncode) for worker in workers)
                raise WorkersDied(f"the workers started here stopped (exit status {codes})")
            elif not workers and not hinted and time.monotonic() - last_move > IDLE_HINT_SECONDS:
                write(
                    "Waiting for a worker: start one with `python manage.py worker`, "
                    "or pass --workers N."
                )
                hinted = True
    return batch


def batch_arguments(parser) -> None:
    """How a command runs its batch: --workers N (default), --inline or --no-wait."""
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="worker processes to start here (0: wait for the deployment's workers)",
    )
    how.add_argument("--inline", action="store_true", help="in this process, no jobs")
    how.add_argument("--no-wait", action="store_true", help="queue the jobs and return")


def batch_carry_out(
    batch: ImportBatch, *, workers: int, inline: bool, no_wait: bool, show: bool, write=print
) -> ImportBatch | None:
    """Run a staged batch as the command's arguments say; None when it was only queued."""
    if workers < 0:
        raise CommandError("--workers must be 0 or more")
    if inline:
        return batch_run_here(batch).batch
    batch_confirm(batch)
    if no_wait:
        write(f"Queued {batch}: {batch.total_count} file(s); the workers will carry it out.")
        return None
    return _batch_follow(batch, workers, show=show, write=write)


def _batch_follow(batch: ImportBatch, workers: int, *, show: bool, write) -> ImportBatch:
    """Follow a confirmed batch to its end, with `workers` worker processes started here (0:
    the deployment's workers)."""
    with workers_started(workers) as processes:
        try:
            return batch_wait(batch, show=show, write=write, workers=processes)
        except WorkersDied as error:
            raise CommandError(f"{error}; the batch is kept and resumes with a worker") from None
