"""bench/relevance.py: its queries and scores, and a whole small run on invented triplets (the
same event told three times, among stories of other events), so the benchmark never rots."""

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "relevance.py"
EVENTS = {
    "harbour": (
        "Harbour council closes the northern pier",
        ["Ilse Varrow"],
        [
            "Mayor Ilse Varrow said the harbour council voted to close the northern pier.",
            "The northern pier will shut in May, Varrow told the council on Tuesday.",
        ],
    ),
    "orchard": (
        "Growers protest the orchard levy",
        ["Orlen Growers Union"],
        [
            "Hundreds of growers marched to protest the new orchard levy on Monday.",
            "The Orlen Growers Union called the levy unfair to small farms.",
        ],
    ),
}


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_relevance", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_queries_join_the_entities_and_the_event_words_that_say_something(bench):
    triplet = bench.Triplet(
        key="t",
        corpus_set="reserve",
        event="Glenn Beck speaks at CPAC",
        entities=("Glenn Beck",),
        files=(),
    )
    assert triplet.queries() == {
        "entities and event words": "Glenn Beck speaks CPAC",
        "event as written": "Glenn Beck speaks at CPAC",
    }


def test_scores_count_the_relevant_stories_in_the_top_ten(bench):
    assert bench.scores([1, 2, 3], {1, 2, 3}) == {
        "recall@10": 1.0,
        "success@10": 1.0,
        "ndcg@10": 1.0,
    }
    missed = bench.scores([9, 8], {1, 2, 3})
    assert missed == {"recall@10": 0.0, "success@10": 0.0, "ndcg@10": 0.0}
    late = bench.scores([9, 1], {1, 2, 3})
    assert late["recall@10"] == pytest.approx(1 / 3) and 0 < late["ndcg@10"] < 1 / 3


def corpus_write(folder: Path) -> None:
    """Two invented triplets in the corpus' layout: eval_reserve/ files and the manifest."""
    (folder / "eval_reserve").mkdir(parents=True)
    lines = []
    for key, (event, entities, paragraphs) in EVENTS.items():
        for outlet in range(3):
            name = f"2021010{outlet + 1}_{key}-{outlet}.txt"
            url = f"https://outlet{outlet}.example/{key}/"
            story = [f"{event} ({outlet})", f"2021010{outlet + 1}", url, *paragraphs]
            (folder / "eval_reserve" / name).write_text("\n".join(story) + "\n")
            row = {"file": name, "set": "eval_reserve", "triplet": key, "title": event}
            lines.append(json.dumps(row | {"main_event": event, "main_entities": entities}))
    (folder / "eval_manifest.jsonl").write_text("\n".join(lines) + "\n")


def test_a_small_run_imports_the_triplets_and_scores_every_engine(
    bench, tmp_path, django_db_blocker
):
    from django.db import connection

    from bench.ingest import database_drop

    corpus_write(tmp_path / "corpus")
    original = connection.settings_dict["NAME"]
    test_name = connection.settings_dict.get("TEST", {}).get("NAME") or f"test_{original}"
    database = f"{test_name}_relevance"
    arguments = ["--corpus", str(tmp_path / "corpus"), "--database", database, "--set", "reserve"]
    arguments += ["--results", str(tmp_path / "results"), "--index-dir", str(tmp_path / "bm25")]
    try:
        with django_db_blocker.unblock():
            report = bench.main(arguments)
            again = bench.main(arguments)  # the stories are stored once
    finally:
        with django_db_blocker.unblock():
            database_drop(database)
    assert connection.settings_dict["NAME"] == original
    assert report["stories"] == again["stories"] == 6
    assert report["triplets"] == {"reserve": 2}
    written = json.loads((tmp_path / "results" / "relevance.json").read_text())
    assert written["scores"] == report["scores"]
    for kind in ("entities and event words", "event as written"):
        for engine in ("archive", "ts_rank", "bm25"):
            figures = report["scores"][f"reserve: {kind}"][engine]
            # Each event's three stories are the only ones holding its words.
            assert figures == {"recall@10": 1.0, "success@10": 1.0, "ndcg@10": 1.0, "queries": 2}
    assert set(report["time_per_query"]) == {"archive", "ts_rank", "bm25"}
