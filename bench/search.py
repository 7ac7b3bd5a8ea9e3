"""Search page latency over a generated archive of 100,000 stories.

    .venv/bin/python bench/search.py [--stories 100000] [--rounds 15] [--rebuild]

Builds (or reuses) the archive in a database of its own, `archive_bench` on the server named by
DATABASE_URL (default: the system PostgreSQL at 127.0.0.1:5432), never the team's database.
Story text comes from ../shared/corpus/large/*.jsonl.gz when present (read at run time, never
copied into the repository), cycled with shifted dates until there are enough stories; without
the corpus it falls back to synthetic text. People and organisations are found with a crude
capitalised-name heuristic, enough to make the facets and filters realistic.

Then it times GET /search/ through Django's test client, so every figure includes the
FilterSet, the candidate query, counting, facets, headlines and template rendering, for a fixed
mix (rare word, common word, phrase, name; each alone and with filters), and prints p50/p95 and
throughput, writing bench/results/search.json.
"""

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "large"
RESULTS = ROOT / "bench" / "results" / "search.json"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/archive_bench"

NAME = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+){1,2})\b")
ACRONYM = re.compile(r"\b([A-Z]{3,6})\b")
ORG_WORDS = re.compile(
    r"(Party|Department|Ministry|Council|Bank|Court|Committee|Agency|Association|Union|"
    r"Congress|Senate|House|Company|Corporation|University|Institute|Foundation|Service)$"
)
NOT_NAMES = {"The", "In", "But", "And", "It", "He", "She", "We", "They", "This", "That", "On"}


def ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    # Production settings: no debug bookkeeping, hashed static files (collected below).
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def corpus_records():
    files = sorted(CORPUS.glob("*.jsonl.gz")) if CORPUS.is_dir() else []
    records = []
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                paragraphs = [p for p in record.get("paragraphs") or [] if p.strip()]
                if record.get("title") and paragraphs and record.get("date"):
                    try:
                        published = datetime.strptime(record["date"], "%Y%m%d").date()
                    except ValueError:
                        continue
                    records.append(
                        (record["title"], published, record.get("source") or "Unknown", paragraphs)
                    )
    return records


def synthetic_records(count: int):
    rng = random.Random(5)
    words = [f"w{n}" for n in range(20000)]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    people = [f"Name{n} Surname{n}" for n in range(500)]
    records = []
    for n in range(count):
        cast = rng.sample(people, 3)
        paragraphs = [
            " ".join(rng.choices(words, weights, k=60)) + f" said {rng.choice(cast)}."
            for _ in range(6)
        ]
        published = date(2010, 1, 1) + timedelta(days=rng.randrange(4000))
        records.append(
            (f"Story {n} {rng.choice(words)}", published, f"Source {n % 40}", paragraphs)
        )
    return records


def entities_of(text: str):
    people, organisations = set(), set()
    for name in NAME.findall(text):
        if name.split(" ", 1)[0] in NOT_NAMES:
            continue
        (organisations if ORG_WORDS.search(name) else people).add(name)
    organisations.update(ACRONYM.findall(text))
    return people, organisations


def build(stories: int) -> None:
    from django.db import connection
    from django.utils.text import slugify

    from articles.models import (
        Article,
        Organisation,
        OrganisationMention,
        Person,
        PersonMention,
        Source,
    )

    started = time.perf_counter()
    records = corpus_records() or synthetic_records(stories)
    print(f"{len(records):,} source records; building {stories:,} stories", flush=True)
    found = [entities_of(" ".join(paragraphs[:12])) for _, _, _, paragraphs in records]
    person_df = Counter(name for people, _ in found for name in people)
    organisation_df = Counter(name for _, organisations in found for name in organisations)
    people = {name: pk for pk, (name, _) in enumerate(person_df.most_common(4000), start=1)}
    taken = {name.upper() for name in people}
    organisations = {
        name: pk
        for pk, (name, _) in enumerate(organisation_df.most_common(800), start=1)
        if name.upper() not in taken
    }
    sources = {name: pk for pk, name in enumerate(sorted({r[2] for r in records}), start=1)}
    now = datetime.now(UTC)
    tables = {
        model: model._meta.db_table
        for model in (Source, Article, Person, Organisation, PersonMention, OrganisationMention)
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE {}, {}, {}, {}, {}, {} RESTART IDENTITY CASCADE".format(*tables.values())
        )
        cursor.execute("DROP INDEX IF EXISTS article_search_vector_gin")
        raw = cursor.connection
        with raw.cursor().copy(
            f"COPY {tables[Source]} (id, domain, name, slug) FROM STDIN"
        ) as copy:
            for name, pk in sources.items():
                copy.write_row((pk, f"source{pk}.example.com", name, f"source-{pk}"))
        for model, names in ((Person, people), (Organisation, organisations)):
            columns = (
                "id, name, slug, aliases, spellings, confirmed, description, wikidata_id, "
                "former_slugs, not_an_entity, created, updated"
            )
            with raw.cursor().copy(f"COPY {tables[model]} ({columns}) FROM STDIN") as copy:
                for name, pk in names.items():
                    slug = f"{slugify(name)[:200]}-{pk}"
                    row = (pk, name, slug, "{}", "{}", False, "", "", "{}", False, now, now)
                    copy.write_row(row)
        columns = (
            "id, title, slug, published, url, source_id, body, content_hash, "
            "entity_names, created, updated"
        )
        mentions_p, mentions_o = [], []
        with raw.cursor().copy(f"COPY {tables[Article]} ({columns}) FROM STDIN") as copy:
            for pk in range(1, stories + 1):
                index = (pk - 1) % len(records)
                cycle = (pk - 1) // len(records)
                title, published, source, paragraphs = records[index]
                if cycle:
                    published = published - timedelta(days=365 * 3 * cycle + pk % 97)
                    paragraphs = paragraphs[cycle % 2 :] + paragraphs[: cycle % 2]
                body = "\n".join(paragraphs)
                named_people = [n for n in found[index][0] if n in people][:12]
                named_orgs = [n for n in found[index][1] if n in organisations][:8]
                mentions_p += [(pk, people[n]) for n in named_people]
                mentions_o += [(pk, organisations[n]) for n in named_orgs]
                copy.write_row(
                    (
                        pk,
                        title[:500],
                        f"{slugify(title)[:200]}-{pk}",
                        published,
                        f"https://bench.example.com/{pk}",
                        sources[source],
                        body,
                        hashlib.sha256(body.encode()).hexdigest(),
                        "\n".join(named_people + named_orgs),
                        now,
                        now,
                    )
                )
                if pk % 20000 == 0:
                    print(
                        f"  {pk:,} stories copied ({time.perf_counter() - started:.0f} s)",
                        flush=True,
                    )
        for model, rows, field in (
            (PersonMention, mentions_p, "person_id"),
            (OrganisationMention, mentions_o, "organisation_id"),
        ):
            with raw.cursor().copy(
                f"COPY {tables[model]} (article_id, {field}, count, first_offset) FROM STDIN"
            ) as copy:
                for article_id, entity_id in rows:
                    copy.write_row((article_id, entity_id, 1, 0))
        print(f"  mentions copied ({time.perf_counter() - started:.0f} s); indexing", flush=True)
        cursor.execute(
            f"CREATE INDEX article_search_vector_gin ON {tables[Article]} USING gin (search_vector)"
        )
        for model in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{tables[model]}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {tables[model]}))"
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def query_mix():
    """The fixed mix, with words and filters chosen from the data so every run is comparable."""
    from django.db import connection
    from django.db.models import Count

    from articles import search
    from articles.models import Article, PersonMention

    def matches(word):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM articles_article WHERE search_vector @@ "
                "websearch_to_tsquery('english_unaccent', %s)",
                [word],
            )
            return cursor.fetchone()[0]

    rare = next(
        w
        for w in ["quarantine", "hurricane", "bitcoin", "ceasefire", "wheat", "w9000"]
        if 0 < matches(w) < 500
    )
    common = next(w for w in ["said", "president", "w1"] if matches(w) > 0)
    phrase = next(p for p in ['"white house"', '"supreme court"', '"w1 w2"'] if matches(p) > 0)
    top = (
        PersonMention.objects.values("person__name", "person__slug")
        .annotate(n=Count("id"))
        .order_by("-n")[1]
    )
    busy_year = (
        Article.objects.order_by("-published").values_list("published", flat=True)[5000].year
    )
    rare_story = (
        Article.objects.filter(search_vector=search.build_query(rare)).order_by("published").first()
    )
    source = rare_story.source.slug
    name = top["person__name"]
    mix = {
        "rare": {"q": rare},
        "common": {"q": common},
        "phrase": {"q": phrase},
        "name": {"q": name},
    }
    filtered = {
        f"{label}+filters": {**params, "year": str(busy_year), "person": top["person__slug"]}
        for label, params in mix.items()
    }
    filtered["rare+filters"] = {
        "q": rare,
        "source": source,
        "from": rare_story.published.isoformat(),
    }
    mix.update(filtered)
    # Not part of the fixed mix: a phrase of common words that seldom occur in that order, the
    # case the planner gets wrong on its own. Reported separately.
    mix["stress: reversed phrase"] = {"q": '"house white"'}
    return mix, {label: matches(params["q"]) for label, params in mix.items() if "+" not in label}


def shown_count(page: str) -> str:
    heading = re.search(r'<h2 id="results-heading"[^>]*>\s*([^<]+?)\s*<', page)
    return heading.group(1) if heading else "?"


def run(rounds: int):
    from django.test import Client

    # No setup_test_environment(): its template instrumentation would be timed too. The count
    # a reader sees is read off the page instead.
    client = Client()
    mix, match_counts = query_mix()
    print("query mix:", json.dumps(mix, ensure_ascii=False))
    print("matches:", match_counts)
    for params in mix.values():  # warm caches and connections
        assert client.get("/search/", params).status_code == 200
    timings = {label: [] for label in mix}
    counts = {}
    started = time.perf_counter()
    for _ in range(rounds):
        for label, params in mix.items():
            t0 = time.perf_counter()
            response = client.get("/search/", params)
            timings[label].append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (label, response.status_code)
            counts[label] = shown_count(response.content.decode())
    elapsed = time.perf_counter() - started
    everything = [
        t for label, values in timings.items() if not label.startswith("stress") for t in values
    ]

    def pct(values, q):
        return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)

    report = {
        "stories": None,
        "rounds": rounds,
        "per_query": {
            label: {
                "p50_ms": pct(v, 50),
                "p95_ms": pct(v, 95),
                "shown_count": counts[label],
                "params": mix[label],
            }
            for label, v in timings.items()
        },
        "overall": {
            "p50_ms": pct(everything, 50),
            "p95_ms": pct(everything, 95),
            "requests": len(everything),
            "throughput_rps_one_client": round(len(everything) / elapsed, 1),
        },
    }
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    setup_django(url)
    from articles.models import Article

    if args.rebuild or Article.objects.count() != args.stories:
        build(args.stories)
    report = run(args.rounds)
    report["stories"] = Article.objects.count()
    report["database"] = url.rsplit("@", 1)[-1]
    # Other work on the machine skews every figure: record how busy it was.
    report["load_average_1_5_15"] = os.getloadavg()
    report["cpus"] = os.cpu_count()
    print(f"\n{'query':<18}{'p50 ms':>9}{'p95 ms':>9}  shown count")
    for label, row in report["per_query"].items():
        print(f"{label:<18}{row['p50_ms']:>9}{row['p95_ms']:>9}  {row['shown_count']}")
    overall = report["overall"]
    print(
        f"{'all':<18}{overall['p50_ms']:>9}{overall['p95_ms']:>9}  "
        f"{overall['throughput_rps_one_client']} requests/s (one client)"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"load average during the run: {report['load_average_1_5_15']}")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
