"""Background jobs with real worker processes: imports by the command, a worker killed
mid-batch, and a failing story. Workers are separate processes on the test database, as
workers on other machines would be."""

import asyncio
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from procrastinate.contrib.django import app

from articles import services, tasks
from articles.management import workers
from articles.management.commands.worker import DATABASE_WAIT_SECONDS
from articles.management.workers import workers_started
from articles.models import Article, ImportBatch, Person, PersonMention
from tests.test_ingest import BROKEN, story

pytestmark = pytest.mark.django_db(transaction=True)
WAIT_SECONDS = 240


def stories(count: int) -> list[tuple[str, bytes]]:
    return [
        (
            f"story-{number:02d}.txt",
            story(
                title=f"Harbour Council Meeting Number {number}",
                url=f"https://harbourpost.example/council/{number}/",
                paragraphs=[
                    f"Mayor Ilse Varrow opened council meeting number {number} on Tuesday.",
                    "The Port Authority asked for a new budget for the northern pier.",
                    "We will not raise fees this year, Varrow said.",
                ],
            ).encode(),
        )
        for number in range(count)
    ]


def wait_for(predicate, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    raise AssertionError(f"still waiting after {seconds} s")


def job_running() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM procrastinate_jobs WHERE status = 'doing' LIMIT 1")
        return cursor.fetchone() is not None


def queue_idle() -> bool:
    """No job running and none due: a worker is waiting for the next one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM procrastinate_jobs WHERE status = 'doing' OR (status = 'todo' AND "
            "(scheduled_at IS NULL OR scheduled_at <= now())) LIMIT 1"
        )
        return cursor.fetchone() is None


def batch_done_count(batch) -> int:
    batch.refresh_from_db()
    return batch.done_count


def test_import_command_with_worker_processes(tmp_path):
    for name, content in stories(3):
        (tmp_path / name).write_bytes(content)
    (tmp_path / "broken.txt").write_bytes(BROKEN)
    out = StringIO()
    with pytest.raises(Exception) as caught:  # one file rejected: exit status 1
        call_command("import_articles", "--workers", "1", str(tmp_path), stdout=out)
    assert "1 file(s) rejected" in str(caught.value)
    assert "3 created, 0 updated, 0 unchanged, 1 rejected, 0 failed" in out.getvalue()
    assert Article.objects.count() == 3
    # The worker extracted each story: the mayor is one person named in all three.
    assert PersonMention.objects.filter(person__name="Ilse Varrow").count() == 3
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.origin) == ("done", "command")


def test_a_worker_killed_mid_batch_loses_nothing():
    count = 48
    files = stories(count)
    batch = services.batch_stage(files)
    services.batch_confirm(batch, files_per_job=6)  # eight jobs of six
    with workers_started(1) as [worker]:
        # Killed inside a job, after two stories: between two jobs no job would be left to
        # retry (with six small stories a job, that moment is rare but real).
        wait_for(lambda: batch_done_count(batch) >= 2 and job_running())
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    batch.refresh_from_db()
    assert batch.status == "running" and batch.done_count < count
    # Another worker takes over once the dead one is known dead (its heartbeat stopped). Run
    # in a thread of its own: a browser test may have left an event loop in this one.
    retried = 0
    with ThreadPoolExecutor(1) as thread:
        for _attempt in range(5):  # the dead worker's last heartbeat may be this very instant
            retried += thread.submit(
                asyncio.run, tasks.stalled_jobs_retry(app.job_manager, 0)
            ).result()
            if retried:
                break
            time.sleep(0.5)
    assert retried == 1
    with workers_started(1):
        wait_for(lambda: batch_done_count(batch) == count)
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.rejected_count) == ("done", count, 0)
    assert Article.objects.count() == count
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(
        f"Harbour Council Meeting Number {number}" for number in range(count)
    )
    # No story half-stored: each has its people, and the counts agree with the mentions.
    assert PersonMention.objects.filter(person__name="Ilse Varrow").count() == count
    assert not batch.files.filter(outcome="pending").exists()


def test_a_worker_rides_out_a_database_outage_and_goes_on_working():
    """A fail-over cuts every connection and refuses new ones for a while. Procrastinate's own
    worker exits at its next query; `manage.py worker` waits, runs it again and imports."""
    earlier = latest_worker() or 0
    with workers_started(1) as [worker]:
        wait_for(lambda: (latest_worker() or 0) > earlier)
        first = latest_worker()
        # Jobs earlier tests left (archive resolution after their batches) done first: an
        # outage in the middle of a job fails that job, and the worker, which was not asking
        # for another, may never see the database gone (CI, 2026-12-01).
        wait_for(queue_idle, 120)
        with database_closed():
            # Past the pool's wait for a connection (worker.DATABASE_WAIT_SECONDS): the
            # worker's own fetch of the next job fails.
            time.sleep(DATABASE_WAIT_SECONDS + 3)
        # The same process registers as a worker again.
        wait_for(lambda: latest_worker() > first, 60)
        assert worker.poll() is None
        batch = services.batch_stage(stories(3))
        services.batch_confirm(batch)
        wait_for(lambda: batch_done_count(batch) == 3, 120)
        assert worker.poll() is None
    batch.refresh_from_db()
    assert (batch.status, batch.created_count) == ("done", 3)


@contextmanager
def database_closed():
    """The test database refuses connections and its open ones are cut, except this test's."""
    name = connection.settings_dict["NAME"]
    params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> %s",
                [name, connection.connection.info.backend_pid],
            )
            yield
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


def latest_worker() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM procrastinate_workers")
        return cursor.fetchone()[0]


def test_a_story_that_fails_is_marked_failed_and_the_batch_goes_on(monkeypatch):
    from articles.services import ingest

    def extractor(paragraphs, known=None):
        if "number 1 " in paragraphs[0]:
            raise MemoryError("the story is too large")
        return ingest.Extraction()

    monkeypatch.setattr(ingest, "extraction_run", extractor)
    batch = services.batch_stage(stories(3))
    services.batch_confirm(batch, defer=False)
    tasks.import_files(batch_id=batch.pk, file_ids=list(batch.files.values_list("pk", flat=True)))
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.failed_count) == ("done", 2, 1)
    failed = batch.files.get(outcome="failed")
    assert failed.filename == "story-01.txt"
    assert failed.message == "extraction failed: the story is too large"


def test_two_imports_and_two_workers_at_once_never_deadlock_or_reject_a_good_file():
    """Two batches naming the same people and organisations, stored by two worker processes
    at once, one story a job so that they interleave as much as they can."""
    first, second = stories(12), stories(16)[4:]  # stories 4 to 11 are in both
    batches = [services.batch_stage(first), services.batch_stage(second)]
    for batch in batches:
        services.batch_confirm(batch, files_per_job=1)
    with workers_started(2):
        for batch in batches:
            wait_for(lambda batch=batch: batch_done_count(batch) == batch.total_count)
    for batch in batches:
        batch.refresh_from_db()
        assert (batch.status, batch.rejected_count, batch.failed_count) == ("done", 0, 0)
    assert Article.objects.count() == 16
    assert sum(batch.created_count + batch.unchanged_count for batch in batches) == 24
    mayor = Person.objects.get(name="Ilse Varrow")
    assert mayor.article_count == PersonMention.objects.filter(person=mayor).count() == 16


def test_the_command_stops_with_a_message_when_its_workers_die(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_bytes(stories(1)[0][1])
    monkeypatch.setattr(workers, "worker_command", lambda: [sys.executable, "-c", "exit(3)"])
    with pytest.raises(CommandError, match=r"the workers started here stopped \(exit status 3\)"):
        call_command("import_articles", "--workers", "1", str(tmp_path), stdout=StringIO())
    assert ImportBatch.objects.get().status == "queued"  # kept: a worker resumes it later


def test_a_small_batch_is_spread_over_several_jobs(monkeypatch):
    deferred = []
    monkeypatch.setattr(tasks.import_files, "defer", lambda **job: deferred.append(job))
    services.batch_confirm(services.batch_stage(stories(4)))
    assert [len(job["file_ids"]) for job in deferred] == [1, 1, 1, 1]
