"""Streamed exports: time and peak memory of exporting every story of a search, by size.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/exports.py
    .venv/bin/python bench/exports.py --rows 5000,50000,200000 --keep

In a database of its own (archive_bench_exports on the configured server, created and migrated,
dropped at the end unless --keep) it stores invented stories, each naming three people and
two organisations and carrying one quote, up to each size of --rows in turn, and exports them
all through the export view (articles/api/exports.py), reading the streamed body as a client
would: CSV and JSON Lines with a row per story, and CSV with a row per quote. Each export is
timed (to the first byte and to the end) with nothing else watching, then run again under
tracemalloc for the peak of Python's own allocations; the peak resident memory of the process
during the timed run is read from VmHWM (reset before each run), less the memory it held
before. The output size is reported beside them: an export held in memory would need at
least that much. Writes bench/results/exports.json.
"""

import argparse
import gc
import json
import os
import platform
import random
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

from bench.ingest import WORDS, database_drop, database_fresh, database_restore  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SOURCES = 20
PEOPLE = 400
ORGANISATIONS = 150
INSERT_BATCH = 2000
# (format, rows): what each size is exported as.
EXPORTS = [("csv", "stories"), ("jsonl", "stories"), ("csv", "quotes")]


# --- The archive ---------------------------------------------------------------------------------


def archive_seed() -> dict:
    """The sources, people and organisations the stories name."""
    from articles.models import Organisation, Person, Source

    sources = Source.objects.bulk_create(
        Source(domain=f"news{n}.bench.example", name=f"News {n}", slug=f"news{n}-bench")
        for n in range(SOURCES)
    )
    # Names starting with a formula character are among them, so defusing is part of the cost.
    people = Person.objects.bulk_create(
        Person(name=f"{'=' if n % 50 == 0 else ''}Person {n}", slug=f"person-{n}")
        for n in range(PEOPLE)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {n}", slug=f"organisation-{n}")
        for n in range(ORGANISATIONS)
    )
    return {"sources": sources, "people": people, "organisations": organisations}


def stories_add(seed: dict, first: int, last: int) -> None:
    """Stories number `first` to `last - 1`, with their mentions and a quote each."""
    from articles.models import Article, OrganisationMention, PersonMention, Quote

    rng = random.Random(first)
    for start in range(first, last, INSERT_BATCH):
        numbers = range(start, min(last, start + INSERT_BATCH))
        articles = []
        for number in numbers:
            paragraphs = [" ".join(rng.choices(WORDS, k=rng.randint(20, 40))) for _ in range(5)]
            articles.append(
                Article(
                    title=f"Story {number}: " + " ".join(rng.choices(WORDS, k=6)).title(),
                    slug=f"story-{number}",
                    published=date(2000, 1, 1) + timedelta(days=rng.randint(0, 9000)),
                    url=f"https://news{number % SOURCES}.bench.example/story/{number}/",
                    source=seed["sources"][number % SOURCES],
                    body="\n".join(paragraphs),
                    content_hash=f"{number:064d}",
                )
            )
        articles = Article.objects.bulk_create(articles)
        people, organisations, quotes = [], [], []
        for article in articles:
            for rank, person in enumerate(rng.sample(seed["people"], 3)):
                people.append(PersonMention(article=article, person=person, count=3 - rank))
            for organisation in rng.sample(seed["organisations"], 2):
                organisations.append(
                    OrganisationMention(article=article, organisation=organisation)
                )
            speaker = people[-1].person
            quotes.append(
                Quote(
                    article=article,
                    person=speaker,
                    speaker_text=speaker.name,
                    text=article.body.split("\n", 1)[0][:120],
                    kind=Quote.Kind.DIRECT,
                    verb="said",
                    paragraph=0,
                    end=120,
                    confidence=0.9,
                )
            )
        PersonMention.objects.bulk_create(people)
        OrganisationMention.objects.bulk_create(organisations)
        Quote.objects.bulk_create(quotes)


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would have them on a live archive."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- Measuring -----------------------------------------------------------------------------------


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _export(output_format: str, rows: str):
    """Run the export view and read its whole body: (seconds to first byte, seconds, bytes,
    lines)."""
    from django.test import RequestFactory

    from articles.api import exports

    request = RequestFactory(HTTP_HOST="localhost").get(
        f"/search/export.{output_format}", {"rows": rows, "sort": "newest"}
    )
    start = time.perf_counter()
    response = exports.search_export(request, format=output_format)
    assert response.status_code == 200, response.content
    first_byte, size, lines = None, 0, 0
    for piece in response.streaming_content:
        if piece and first_byte is None:
            first_byte = time.perf_counter() - start
        size += len(piece)
        lines += piece.count(b"\n")
    response.close()
    return first_byte or 0.0, time.perf_counter() - start, size, lines


def export_measure(output_format: str, rows: str, expected_rows: int) -> dict:
    gc.collect()
    rss_before = _status_kb("VmRSS")
    peak_resettable = _reset_peak_rss()
    first_byte, seconds, size, lines = _export(output_format, rows)
    rss_peak = _status_kb("VmHWM")
    header = 1 if output_format == "csv" else 0
    complete = lines - header == expected_rows
    gc.collect()
    tracemalloc.start()
    _export(output_format, rows)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "format": output_format,
        "row_per": {"stories": "story", "quotes": "quote"}[rows],
        "rows": lines - header,
        "complete": complete,
        "seconds": round(seconds, 3),
        "first_byte_seconds": round(first_byte, 3),
        "rows_per_second": round((lines - header) / seconds) if seconds else None,
        "output_mb": round(size / 2**20, 2),
        "python_peak_mb": round(traced_peak / 2**20, 2),
        "rss_peak_growth_mb": round(max(0, rss_peak - rss_before) / 1024, 2)
        if peak_resettable
        else None,
        "rss_mb": round(rss_peak / 1024, 1),
    }


# --- Main ----------------------------------------------------------------------------------------


def arguments_parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows",
        default="5000,50000",
        type=lambda text: sorted(int(count) for count in text.split(",")),
        help="archive sizes (stories), one measurement each (comma-separated)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--database", default="archive_bench_exports")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for exports.json")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    arguments = arguments_parse(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from articles.api import exports

    # As in production: no query log growing with the export.
    debug_before, settings.DEBUG = settings.DEBUG, False
    original_name = connection.settings_dict["NAME"]
    report = {
        "sizes": arguments.rows,
        "chunk_rows": exports.CHUNK_ROWS,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": [round(load, 2) for load in os.getloadavg()],
        "runs": [],
    }
    try:
        database_fresh(arguments.database)
        seed = archive_seed()
        stored = 0
        for size in arguments.rows:
            started = time.perf_counter()
            stories_add(seed, stored, size)
            analyze()
            stored = size
            print(f"{size} stories stored in {time.perf_counter() - started:.1f} s", flush=True)
            for output_format, rows in EXPORTS:
                result = {"stories": size, **export_measure(output_format, rows, size)}
                report["runs"].append(result)
                print(json.dumps(result), flush=True)
    finally:
        if arguments.keep:
            print(f"kept the database {connection.settings_dict['NAME']}")
        else:
            database_drop(arguments.database)
        database_restore(original_name)
        settings.DEBUG = debug_before

    arguments.results.mkdir(parents=True, exist_ok=True)
    output = arguments.results / "exports.json"
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {output}")
    return report


if __name__ == "__main__":
    main()
