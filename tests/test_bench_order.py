"""bench/order.py and bench/train_order.py at small sizes, so the benchmark never rots."""

import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not (CORPUS / "large").is_dir() or not (CORPUS / "eval_seedlike").is_dir(),
    reason="the shared corpus (../shared/corpus) is absent",
)


def _load(name):
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bench():
    return _load("order")


@pytest.fixture(scope="module")
def training():
    return _load("train_order")


def test_kendall_tau_is_one_in_order_minus_one_reversed(bench):
    assert bench.kendall_tau([0, 1, 2, 3]) == 1.0
    assert bench.kendall_tau([3, 2, 1, 0]) == -1.0
    assert bench.kendall_tau([1, 0, 2, 3]) == pytest.approx(4 / 6)


def test_twins_are_matched_by_their_stripped_text(bench):
    original = ["Russia’s “plan” is new.", "It is old.", "It is old."]
    shuffled = ["It is old.", "Russias plan is new.", "It is old."]

    assert bench.twins_matched(original, shuffled) == [1, 0, 2]
    assert bench.twins_matched(original, ["Something else.", "It is old.", "It is old."]) is None


def test_figures_of_stories_shuffled_here(bench):
    story = [
        "WASHINGTON (Reuters) - Senator Jane Holloway on Tuesday won a vote on a harbour bill.",
        "Holloway said the bill would pay for dredging in 40 ports.",
        "But critics said the cost was too high.",
        "Reporting by Tom Reed; Editing by Ann Lowe",
    ]
    stories = [
        ("Senate passes harbour bill", *bench.shuffled(story, random.Random(seed)))
        for seed in range(5)
    ]

    measured = bench.figures(stories)

    assert measured["stories"] == 5
    assert measured["model"]["first_right"] == 1.0
    assert measured["model"]["tau_mean"] > measured["file_order"]["tau_mean"]
    assert measured["ms_per_story_mean"] > 0


def test_the_held_out_split_is_fixed_by_the_story_id(training):
    held = [training.held_out(f"story-{number}") for number in range(2000)]

    assert held == [training.held_out(f"story-{number}") for number in range(2000)]
    assert 0.07 < sum(held) / len(held) < 0.13


@needs_corpus
def test_a_small_run_on_the_corpus(bench, tmp_path):
    results = tmp_path / "order.json"

    report = bench.main(["--large", "30", "--results", str(results)])

    assert json.loads(results.read_text()) == report
    assert report["eval"]["stories"] == 200  # every eval_seedlike story found its twin
    assert report["large_held_out"]["stories"] == 30
    for measured in report.values():
        assert measured["model"]["tau_mean"] > measured["random"]["tau_mean"]
        assert measured["model"]["first_right"] > measured["file_order"]["first_right"]


@needs_corpus
def test_a_small_training_run_writes_weights_that_order(training, tmp_path):
    from articles.ingest.order import OrderModel, reading_order

    weights = tmp_path / "weights.json"

    about = training.main(
        [
            *("--stories", "60", "--held-out", "30", "--lexicon-stories", "300"),
            "--out",
            str(weights),
        ]
    )

    model = OrderModel.from_json(weights.read_text())
    assert about["training_stories"] > 40
    assert 0.5 < about["held_out"]["pairwise_accuracy"] <= 1
    assert sorted(reading_order(["b", "a", "c"], "", model)) == [0, 1, 2]
