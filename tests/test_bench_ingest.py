"""bench/ingest.py at tiny sizes, so the benchmark never rots: a real worker process stores
invented stories, and a small zip is previewed. Needs nothing outside the repository."""

import importlib.util
import json
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from articles.ingest.parse import parse

BENCH = Path(__file__).resolve().parent.parent / "bench" / "ingest.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_ingest", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_stories_parse_and_have_distinct_urls(bench):
    stories = bench.generated_stories(30)

    parsed = [parse(raw, filename=name) for name, raw in stories]
    assert len({story.url for story in parsed}) == 30
    assert len({name for name, _raw in stories}) == 30
    assert all(len(story.paragraphs) >= 6 for story in parsed)
    assert stories == bench.generated_stories(30)


def test_stories_load_falls_back_to_invented_stories_without_the_corpus(bench, tmp_path):
    stories, source = bench.stories_load(tmp_path / "absent.jsonl.gz", 4, generated=False)

    assert [name for name, _raw in stories] == [name for name, _raw in bench.generated_stories(4)]
    assert source == {"corpus": None, "generated": 4}


def test_zip_build_holds_every_story(bench):
    stories = bench.generated_stories(3)

    with zipfile.ZipFile(BytesIO(bench.zip_build(stories))) as archive:
        assert archive.namelist() == [f"stories/{name}" for name, _raw in stories]
        assert archive.read(f"stories/{stories[1][0]}") == stories[1][1]


def test_a_small_run_with_a_worker_process(bench, tmp_path, django_db_blocker):
    from django.db import connection

    test_name = connection.settings_dict.get("TEST", {}).get("NAME") or (
        "test_" + connection.settings_dict["NAME"]
    )
    results = tmp_path / "results"

    with django_db_blocker.unblock():
        report = bench.main(
            [
                *("--generated", "--stories", "6", "--workers-list", "1"),
                *("--zip-files", "20", "--preview-runs", "2"),
                *("--database", f"{test_name}_ingest", "--results", str(results)),
            ]
        )

    assert report["source"] == {"corpus": None, "generated": 20}
    [run] = report["runs"]
    assert run["workers"] == 1
    assert run["status"] == "done"
    # Every story was created by the worker and is in the archive; none failed.
    assert run["outcomes"] == {"created": 6}
    assert run["articles_stored"] == 6
    assert run["stories_timed"] == 6
    assert run["stories_per_second"] > 0
    assert 0 < run["story_seconds_p50"] <= run["story_seconds_p95"]
    assert 0 < run["latency_seconds_p50"] <= run["latency_seconds_p95"] <= run["seconds"]
    # Read from the live worker, which had loaded the language model by then.
    assert len(run["worker_peak_rss_mb"]) == 1
    assert run["worker_peak_rss_mb"][0] >= run["worker_rss_mb"][0] > 50
    # The worker spent CPU on the stories, and so did the database server when it runs here.
    assert run["worker_cpu_ms_per_story"] > 0
    if bench.database_cpu_seconds() is not None:
        assert run["database_cpu_ms_per_story"] > 0
    assert run["cpu_bound_stories_per_second"] > 0
    preview = report["preview"]
    assert (preview["files"], preview["runs"], len(preview["seconds"])) == (20, 2, 2)
    # The six stories stored are recognised; the other fourteen would be new.
    assert preview["expected"] == {"created": 14, "updated": 0, "unchanged": 6, "rejected": 0}
    assert preview["p50_seconds"] <= preview["p95_seconds"]
    assert json.loads((results / "ingest.json").read_text()) == report
    # The run dropped its database and left the connection where it found it.
    assert not connection.settings_dict["NAME"].endswith("_ingest")
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"{test_name}_ingest"])
        assert cursor.fetchone() is None
