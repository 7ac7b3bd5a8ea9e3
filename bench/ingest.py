"""End to end: stories per second from file in to story searchable, with worker processes.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ingest.py
    .venv/bin/python bench/ingest.py --stories 200 --workers-list 2 --zip-files 1000 --keep

For each worker count of --workers-list (1 and 2 by default), in a fresh database of its own
(archive_bench_ingest on the configured server, created and migrated, dropped at the end unless
--keep), it starts that many `manage.py worker` processes on the database
(articles/management/workers.py; with DATABASE_URL they connect over TCP, as workers on a
second machine would; DJANGO_DEBUG=0, as deployed), warms them up on two invented stories each
(the language model loads once per worker), then imports --stories stories as one batch the
way the admin does: staged (parsed, files kept in the database), confirmed (jobs deferred),
stored by the workers. The clock runs from staging to the batch's status "done", when every
story is searchable.

The stories are the first dated ones of ../shared/corpus/large/allsides_news_37k.jsonl.gz,
converted to the seed format by bench/entities.py; when that file is absent (or with
--generated), invented stories are used instead and the report says so.

Reported per run: stories/s; seconds per story in a worker (from the job's start and each
file's finish time: the gap between one file finishing and the next, per job); latency from
file in to searchable (p50/p95); the peak resident memory (VmHWM) of each worker process; the
CPU time a story costs in the workers and in the PostgreSQL server (when it runs on this
machine: every local postgres process counts, so keep the machine otherwise idle), and the
throughput that cost allows on this machine's cores.
Then the admin's preview (`batch_stage`) of one zip of --zip-files stories, timed over
--preview-runs runs against the last run's archive (the target is under 2 s for 5,000 files).
Writes bench/results/ingest.json.
"""

import argparse
import io
import json
import os
import platform
import random
import sys
import time
import zipfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

from bench.entities import DEFAULT_LARGE, _quantile, large_stories  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PREVIEW_TARGET_SECONDS = 2.0
WARMUP_STORIES_PER_WORKER = 2
WAIT_SECONDS = 3600
POLL_SECONDS = 0.2
PROGRESS_SECONDS = 30
# Workers run as deployed: in Django's debug mode every query is also recorded and logged.
WORKER_ENVIRONMENT = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-ingest-throwaway",
}

FIRST_NAMES = ["Ada", "Bram", "Cora", "Dax", "Elin", "Farid", "Greta", "Hugo", "Ines", "Jonas"]
SURNAMES = ["Quill", "Rensen", "Tanaka", "Oduya", "Marlowe", "Vesk", "Halden", "Brisco", "Lund"]
ORGANISATIONS = [
    "Harbour Council",
    "Port Authority",
    "Northern Rail Union",
    "Coastal Water Board",
    "Ministry of Fisheries",
    "Tidewater Energy",
]
WORDS = (
    "harbour council budget river bridge ferry pier storm season report vote plan "
    "fishing fleet schedule tariff market workers talks agreement coast district"
).split()
VERBS = ["said", "told reporters", "warned", "added"]


# --- The stories ---------------------------------------------------------------------------------


def generated_stories(count: int, *, seed: int = 1, host: str = "bench") -> list[tuple[str, bytes]]:
    """Invented stories in the seed format, with people, organisations and quotes to extract."""
    rng = random.Random(seed)
    stories = []
    for number in range(count):
        people = rng.sample([f"{first} {last}" for first in FIRST_NAMES for last in SURNAMES], 2)
        paragraphs = []
        for index in range(rng.randint(6, 10)):
            words = " ".join(rng.choices(WORDS, k=rng.randint(15, 30)))
            speaker = rng.choice(people)
            if index % 3 == 0:
                paragraphs.append(f"The {words}, {speaker} {rng.choice(VERBS)}.")
            else:
                organisation = rng.choice(ORGANISATIONS)
                paragraphs.append(f"{speaker} of the {organisation} spoke about the {words}.")
        title = f"Story {number}: " + " ".join(rng.choices(WORDS, k=6)).title()
        date = f"{rng.randint(2000, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        url = f"https://www.{host}{number % 7}.example/news/{number}/"
        text = "\n".join([title, date, url, *paragraphs]) + "\n"
        stories.append((f"{host}-{number:05d}.txt", text.encode()))
    return stories


def stories_load(corpus: Path, count: int, generated: bool) -> tuple[list, dict]:
    """`count` stories, from the corpus when it is there, and where they came from."""
    if not generated and corpus.is_file():
        stories, skipped = large_stories(corpus, count)
        source = {"corpus": str(corpus), "skipped_without_date_or_text": skipped}
    else:
        if not generated:
            print(f"{corpus} is absent: invented stories are used instead", flush=True)
        stories, source = [], {"corpus": None}
    if len(stories) < count:  # a corpus too small is topped up, and the report says by how many
        source["generated"] = count - len(stories)
        stories += generated_stories(count - len(stories))
    return stories, source


def zip_build(stories: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, raw in stories:
            archive.writestr(f"stories/{name}", raw)
    return buffer.getvalue()


# --- The database --------------------------------------------------------------------------------


def database_fresh(name: str) -> None:
    """Drop `name` if it exists, then create and migrate it and point the connection at it."""
    from django.db import connection

    database_drop(name)
    test_settings = connection.settings_dict.setdefault("TEST", {})
    test_name_before = test_settings.get("NAME")
    test_settings["NAME"] = name
    try:
        # Django's test-database machinery: create, migrate, and point the connection at it.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        test_settings["NAME"] = test_name_before


def database_drop(name: str) -> None:
    """Drop the database even while a stopped worker's server process still lingers on it."""
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_restore(original_name: str) -> None:
    from django.conf import settings
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = original_name
    settings.DATABASES[connection.alias]["NAME"] = original_name


def workers_connect() -> str:
    """How the worker processes reach the database: what a second machine would need."""
    from django.db import connection

    host = connection.settings_dict.get("HOST") or ""
    if not host or host.startswith("/"):
        return f"unix socket {host or '(default)'}"
    return f"tcp {host}:{connection.settings_dict.get('PORT') or 5432}"


# --- One run -------------------------------------------------------------------------------------


def batch_until_done(files, processes, *, files_per_job: int | None = None, report_every=None):
    """Stage and confirm a batch as the admin does, and wait for the workers to finish it.

    Unlike the command's wait (articles/management/workers.py), this one gives up when a
    worker process exits or WAIT_SECONDS pass, so a broken worker fails the run, not hangs it.
    """
    from django.utils import timezone

    from articles.services import batch_confirm, batch_stage
    from articles.services.uploads import FILES_PER_JOB

    filed = timezone.now()
    batch = batch_stage(files)
    batch_confirm(batch, files_per_job=files_per_job or FILES_PER_JOB)
    started = last_report = time.monotonic()
    while not batch.finished_work:
        time.sleep(POLL_SECONDS)
        batch.refresh_from_db()
        exited = [process.returncode for process in processes if process.poll() is not None]
        if exited:
            raise RuntimeError(f"a worker exited (status {exited}) with the batch {batch.status}")
        if time.monotonic() - started > WAIT_SECONDS:
            raise RuntimeError(f"the batch is not done after {WAIT_SECONDS} s: {batch.status}")
        if report_every and time.monotonic() - last_report > report_every:
            last_report = time.monotonic()
            print(f"  {batch.done_count}/{batch.total_count} files", flush=True)
    return batch, filed


def queue_idle(timeout: float = 120) -> None:
    """Wait until no import or resolution job waits or runs (those a warm-up left behind)."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing') "
                "AND task_name NOT LIKE %s",
                ["%retry_stalled_jobs"],
            )
            if cursor.fetchone()[0] == 0:
                return
        time.sleep(0.2)


def story_seconds(batch) -> tuple[list[float], int]:
    """Seconds each story took in a worker (ImportFile.started to finished), and how many
    jobs are left that ran more than once (succeeded jobs are deleted by the workers)."""
    from django.db import connection

    durations = [
        (finished - started).total_seconds()
        for started, finished in batch.files.exclude(started=None)
        .exclude(finished=None)
        .values_list("started", "finished")
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE %s AND attempts > 1 "
            "AND (args->>'batch_id')::bigint = %s",
            ["%import_files", batch.pk],
        )
        retried = cursor.fetchone()[0]
    return durations, retried


def memory_kb(pid: int) -> dict:
    """Peak (VmHWM) and current (VmRSS) resident memory of a live process, in kB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0])
    return fields


def cpu_seconds(pid: int) -> float:
    """CPU time of a process, with that of its children it has waited for (the PostgreSQL
    server's ended backends count in its postmaster)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def database_cpu_seconds() -> float | None:
    """CPU time of the PostgreSQL processes on this machine; None when there are none (the
    server runs elsewhere)."""
    total, found = 0.0, False
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                total += cpu_seconds(int(entry.name))
                found = True
        except OSError:
            continue  # ended meanwhile
    return total if found else None


def run_workers(stories, workers: int, database: str) -> dict:
    """Import `stories` into a fresh archive with `workers` worker processes."""
    from articles.management.workers import workers_started
    from articles.models import Article

    database_fresh(database)
    warmup = generated_stories(WARMUP_STORIES_PER_WORKER * workers, seed=workers, host="warmup")
    spawned = time.perf_counter()
    with mock.patch.dict(os.environ, WORKER_ENVIRONMENT), workers_started(workers) as processes:
        # Warm up: each worker starts, loads the model and stores a story before the clock runs.
        batch_until_done(warmup, processes, files_per_job=1)
        warmup_seconds = time.perf_counter() - spawned
        queue_idle()
        cpu_before = sum(cpu_seconds(process.pid) for process in processes)
        database_before = database_cpu_seconds()
        batch, filed = batch_until_done(stories, processes, report_every=PROGRESS_SECONDS)
        memory = [memory_kb(process.pid) for process in processes]
        worker_cpu = sum(cpu_seconds(process.pid) for process in processes) - cpu_before
        database_after = database_cpu_seconds()
    seconds = (batch.finished - filed).total_seconds()
    per_story, retried = story_seconds(batch)
    latency = [
        (finished - filed).total_seconds()
        for finished in batch.files.exclude(finished=None).values_list("finished", flat=True)
    ]
    outcomes = {
        outcome: getattr(batch, f"{outcome}_count")
        for outcome in ("created", "updated", "unchanged", "rejected", "failed", "cancelled")
        if getattr(batch, f"{outcome}_count")
    }
    database_cpu = (
        database_after - database_before if None not in (database_before, database_after) else None
    )
    # The throughput these CPU costs allow when every core works on nothing else.
    cpu_per_story = (worker_cpu + (database_cpu or 0)) / len(stories)
    result = {
        "workers": workers,
        "stories": len(stories),
        "status": batch.status,
        "outcomes": outcomes,
        "articles_stored": Article.objects.count() - len(warmup),
        "seconds": round(seconds, 2),
        "stories_per_second": round(len(stories) / seconds, 2),
        "story_seconds_p50": round(_quantile(per_story, 0.5), 3),
        "story_seconds_p95": round(_quantile(per_story, 0.95), 3),
        "stories_timed": len(per_story),
        "latency_seconds_p50": round(_quantile(latency, 0.5), 2),
        "latency_seconds_p95": round(_quantile(latency, 0.95), 2),
        "worker_cpu_ms_per_story": round(1000 * worker_cpu / len(stories), 1),
        "database_cpu_ms_per_story": (
            round(1000 * database_cpu / len(stories), 1) if database_cpu is not None else None
        ),
        "cpu_bound_stories_per_second": round((os.cpu_count() or 1) / cpu_per_story, 1),
        "jobs_retried": retried,
        "warmup_stories": len(warmup),
        "warmup_seconds": round(warmup_seconds, 1),
        "worker_peak_rss_mb": [round(fields.get("VmHWM", 0) / 1024, 1) for fields in memory],
        "worker_rss_mb": [round(fields.get("VmRSS", 0) / 1024, 1) for fields in memory],
        "load_average_after": [round(load, 2) for load in os.getloadavg()],
    }
    print(
        f"{workers} worker(s): {len(stories)} stories in {seconds:.1f} s, "
        f"{result['stories_per_second']} stories/s; per story p50 "
        f"{result['story_seconds_p50']} s, p95 {result['story_seconds_p95']} s; latency p50 "
        f"{result['latency_seconds_p50']} s, p95 {result['latency_seconds_p95']} s; peak RSS "
        f"{result['worker_peak_rss_mb']} MB; CPU a story: workers "
        f"{result['worker_cpu_ms_per_story']} ms, database {result['database_cpu_ms_per_story']} "
        f"ms (at most {result['cpu_bound_stories_per_second']} stories/s on "
        f"{os.cpu_count()} cores); {outcomes}",
        flush=True,
    )
    return result


# --- The preview ---------------------------------------------------------------------------------


def preview_time(stories, runs: int) -> dict:
    """The admin's preview of one zip: `batch_stage` parses every member and keeps it."""
    from articles.models import ImportBatch
    from articles.services import batch_stage, preview_totals

    zipped = zip_build(stories)
    seconds, totals_seconds = [], []
    for _ in range(runs):
        started = time.perf_counter()
        batch = batch_stage([("stories.zip", zipped)])
        seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        totals = preview_totals(batch)  # what the preview page then shows at the top
        totals_seconds.append(time.perf_counter() - started)
        ImportBatch.objects.filter(pk=batch.pk).delete()
    result = {
        "files": len(stories),
        "zip_bytes": len(zipped),
        "runs": runs,
        "seconds": [round(value, 3) for value in seconds],
        "p50_seconds": round(_quantile(seconds, 0.5), 3),
        "p95_seconds": round(_quantile(seconds, 0.95), 3),
        "totals_query_p50_seconds": round(_quantile(totals_seconds, 0.5), 3),
        "target_seconds": PREVIEW_TARGET_SECONDS,
        "under_target": _quantile(seconds, 0.95) < PREVIEW_TARGET_SECONDS,
        "expected": {
            "created": totals.created,
            "updated": totals.updated,
            "unchanged": totals.unchanged,
            "rejected": totals.rejected,
        },
    }
    print(
        f"preview of a {len(stories):,}-file zip ({len(zipped) / 1e6:.1f} MB): p50 "
        f"{result['p50_seconds']} s, p95 {result['p95_seconds']} s over {runs} runs "
        f"(target < {PREVIEW_TARGET_SECONDS} s); {result['expected']}",
        flush=True,
    )
    return result


# --- Main ----------------------------------------------------------------------------------------


def arguments_parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=1000, help="stories imported per run")
    parser.add_argument(
        "--workers-list",
        default="1,2",
        type=lambda text: [int(count) for count in text.split(",")],
        help="worker counts, one run each (comma-separated)",
    )
    parser.add_argument("--zip-files", type=int, default=5000, help="files in the previewed zip")
    parser.add_argument("--preview-runs", type=int, default=3)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_LARGE, help="a large/*.jsonl.gz")
    parser.add_argument("--generated", action="store_true", help="invented stories, no corpus")
    parser.add_argument("--keep", action="store_true", help="keep the last run's database")
    parser.add_argument("--database", default="archive_bench_ingest")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for ingest.json")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    arguments = arguments_parse(argv)
    import django

    django.setup()
    from django.db import connection

    stories, source = stories_load(
        arguments.corpus, max(arguments.stories, arguments.zip_files), arguments.generated
    )
    original_name = connection.settings_dict["NAME"]
    report = {
        "stories": arguments.stories,
        "source": source,
        "workers_connect": workers_connect(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(load, 2) for load in os.getloadavg()],
        "runs": [],
    }
    try:
        for workers in arguments.workers_list:
            report["runs"].append(
                run_workers(stories[: arguments.stories], workers, arguments.database)
            )
        if arguments.zip_files:
            if not arguments.workers_list:
                database_fresh(arguments.database)
            report["preview"] = preview_time(stories[: arguments.zip_files], arguments.preview_runs)
    finally:
        if arguments.keep:
            print(f"kept the database {connection.settings_dict['NAME']}")
        else:
            database_drop(arguments.database)
        database_restore(original_name)

    arguments.results.mkdir(parents=True, exist_ok=True)
    output = arguments.results / "ingest.json"
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))
    print(f"wrote {output}")
    return report


if __name__ == "__main__":
    main()
