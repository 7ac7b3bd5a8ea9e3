"""bench/load.py at a tiny size, so the load scenario never rots: the runner builds an archive
of invented stories, serves it with gunicorn under production settings, and three readers and
an editor (who signs in and imports a zip that a worker stores) use it for a few seconds.
Runs the benchmark as a process of its own, as an operator would: locust patches the standard
library for gevent, which this test process must not see."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
READER_CLASSES = {
    "search",
    "search + filter",
    "search, page 2-5",
    "article",
    "person",
    "organisation",
    "people / organisations index",
    "quotes",
    "home",
}
EDITOR_CLASSES = {
    "admin login page",
    "admin sign in",
    "admin import page",
    "admin upload (preview)",
    "admin batch page (preview)",
    "admin confirm",
    "admin batch page (progress)",
    "admin batch progress",
}


@pytest.mark.django_db
def test_a_small_load_run_serves_readers_and_an_editor_without_an_error(tmp_path):
    database = f"{connection.settings_dict['NAME']}_load"
    results = tmp_path / "results"

    run = subprocess.run(
        [
            sys.executable, "bench/load.py",
            "--readers", "3", "--editors", "1", "--seconds", "5", "--imports", "1",
            "--think", "0-0.2",
            "--generated", "6", "--import-workers", "1",
            "--database", database, "--results", str(results),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    report = json.loads((results / "load.json").read_text())
    assert report["archive"]["stories"] == 6
    assert report["archive"]["source"] == {"generated": 6}
    classes = report["classes"]
    # Readers went to several kinds of page (which ones is their random choice); the editor
    # went through a whole import: signed in, previewed a zip, confirmed it, saw its progress.
    assert len(READER_CLASSES & set(classes)) >= 3, classes
    assert EDITOR_CLASSES <= set(classes), classes
    assert set(classes) <= READER_CLASSES | EDITOR_CLASSES
    assert report["errors"] == []
    assert report["server_errors_logged"] == 0
    for label, row in classes.items():
        assert row["errors"] == 0, label
        assert row["requests"] > 0, label
        assert 0 < row["p50_ms"] <= row["p95_ms"], label
    overall = report["overall"]
    assert overall["requests"] == sum(row["requests"] for row in classes.values())
    assert overall["requests_per_second"] > 0
    assert report["gunicorn_cpu_ms_per_request"] > 0
    assert "requests" in run.stdout and "p95 ms" in run.stdout
    # The run dropped its database.
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        assert cursor.fetchone() is None
