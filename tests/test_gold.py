"""The extraction keeps the quality the README promises on the hand-annotated seeds.

The README's extraction table gives people, organisations, quote-span and quote-with-speaker F1
on `tests/gold/`. A change to the rules that lowers any of them by more than `TOLERANCE` fails
here; one that raises them should raise the README's figures too (the test then guards the new
level). The scoring is bench/extraction.py's own, so the test and the benchmark cannot disagree.
"""

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import extraction  # noqa: E402  (bench/extraction.py)

TOLERANCE = 0.02
MEASURES = ("people", "organisations", "quote_spans", "quote_spans_speakers")
GOLD_ROW = re.compile(r"^\| `tests/gold/`[^|]*\|(?P<figures>( [0-9.]+ \|){4})\s*$", re.MULTILINE)


def readme_figures() -> dict[str, float]:
    """The four F1 figures of the README table's `tests/gold/` row."""
    found = GOLD_ROW.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no extraction table row for `tests/gold/`"
    values = [float(cell) for cell in found["figures"].split("|") if cell.strip()]
    return dict(zip(MEASURES, values, strict=True))


@pytest.fixture(scope="module")
def measured() -> dict:
    return extraction.score(extraction.GOLD)


@pytest.mark.parametrize("measure", MEASURES)
def test_gold_f1_holds_the_readme_figure(measured, measure):
    promised = readme_figures()[measure]
    f1 = measured[measure]["f1"]
    assert f1 >= promised - TOLERANCE, (
        f"{measure} F1 on tests/gold/ is {f1:.3f}, more than {TOLERANCE} below the README's "
        f"{promised:.3f}: run `bench/extraction.py -v` to see what is now missed"
    )


def test_the_readme_figures_are_the_measured_ones(measured):
    """A README figure more than the tolerance below the measure would let a regression of that
    size pass unseen: when the extraction improves, the README says so."""
    for measure, promised in readme_figures().items():
        assert measured[measure]["f1"] <= promised + TOLERANCE, (
            f"{measure} F1 on tests/gold/ is now {measured[measure]['f1']:.3f}: raise the "
            f"README's {promised:.3f} so that the gold guards the new level"
        )
