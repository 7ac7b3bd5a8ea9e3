"""bench/exports.py at tiny sizes, so the benchmark never rots: it fills a database of its own,
exports every story through the streamed view, and drops the database."""

import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "exports.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_exports", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_small_run(bench, tmp_path, django_db_blocker, monkeypatch):
    from django.db import connection

    from articles.api import exports

    # Several chunks even at this size, so the stream is exercised as at full size.
    monkeypatch.setattr(exports, "CHUNK_ROWS", 40)
    monkeypatch.setattr(exports, "QUOTE_CHUNK_STORIES", 25)
    test_name = connection.settings_dict.get("TEST", {}).get("NAME") or (
        "test_" + connection.settings_dict["NAME"]
    )
    results = tmp_path / "results"

    with django_db_blocker.unblock():
        report = bench.main(
            ["--rows", "60,150", "--database", f"{test_name}_exports", "--results", str(results)]
        )

    assert report["sizes"] == [60, 150]
    assert report["chunk_rows"] == 40
    runs = report["runs"]
    assert [(run["stories"], run["format"], run["row_per"]) for run in runs] == [
        (size, output_format, row_per)
        for size in (60, 150)
        for output_format, row_per in (("csv", "story"), ("jsonl", "story"), ("csv", "quote"))
    ]
    for run in runs:
        # Every story (or its one quote) came out, in a body of some size, at some memory.
        assert run["complete"] and run["rows"] == run["stories"]
        assert 0 < run["first_byte_seconds"] <= run["seconds"]
        assert run["output_mb"] > 0 and run["python_peak_mb"] > 0
    assert json.loads((results / "exports.json").read_text()) == report
    # The run dropped its database and left the connection where it found it.
    assert not connection.settings_dict["NAME"].endswith("_exports")
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [f"{test_name}_exports"])
        assert cursor.fetchone() is None
