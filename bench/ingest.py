"""Import N generated stories through the real ingest service and print stories per second.

    .venv/bin/python bench/ingest.py               # 10,000 stories
    .venv/bin/python bench/ingest.py --n 2000 --extract-n 200

Runs in a throwaway database (archive_bench) on the configured server (DATABASE_URL, or the
embedded one), created and migrated first and dropped at the end. Four passes:
  plain      parse + store, no entities (the floor of the storage cost)
  entities   parse + store with a precomputed extraction (people, organisations, quotes)
  unchanged  the same stories again: every one is "unchanged"
  extract    parse + the real extractor + store, on the first --extract-n stories
Writes bench/results/ingest.json.
"""

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

FIRST_NAMES = ["Ada", "Bram", "Cora", "Dax", "Elin", "Farid", "Greta", "Hugo", "Ines", "Jonas"]
SURNAMES = ["Quill", "Rensen", "Tanaka", "Oduya", "Marlowe", "Vesk", "Halden", "Brisco", "Lund"]
ORGANISATIONS = [
    "Harbour Council",
    "Port Authority",
    "Northern Rail Union",
    "Coastal Water Board",
    "Ministry of Fisheries",
    "Tidewater Energy",
    "League of Ports",
    "Velmora Athletics",
]
WORDS = (
    "harbour council budget river bridge ferry pier storm season report vote plan "
    "fishing fleet schedule tariff market workers talks agreement coast district"
).split()
VERBS = ["said", "told reporters", "warned", "added", "argued"]


def story(number: int, rng: random.Random) -> tuple[str, object]:
    """A story in the seed format and what an extractor would find in it."""
    from articles.ingest.types import Extraction, FoundEntity, FoundQuote

    people = rng.sample([f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES], 3)
    organisations = rng.sample(ORGANISATIONS, 2)
    paragraphs = []
    quotes = []
    for index in range(rng.randint(8, 14)):
        speaker = rng.choice(people)
        words = " ".join(rng.choices(WORDS, k=rng.randint(18, 40)))
        if index % 3 == 0:
            said = f"The {words}," + f" {speaker.split()[1]} {rng.choice(VERBS)}."
            quotes.append(
                FoundQuote(f"The {words},", "direct", index, 0, len(words) + 5, speaker, "person")
            )
            paragraphs.append(said)
        else:
            paragraphs.append(f"{speaker} of the {rng.choice(organisations)} spoke: {words}.")
    title = f"Story {number}: " + " ".join(rng.choices(WORDS, k=6)).title()
    date = f"{rng.randint(2000, 2025)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    url = f"https://www.outlet{number % 7}.example/news/{number}/?utm_source=bench"
    extraction = Extraction(
        people=[FoundEntity(name, [name.split()[1]], 2) for name in people],
        organisations=[FoundEntity(name) for name in organisations],
        quotes=quotes,
    )
    return "\n".join([title, date, url, *paragraphs]) + "\n", extraction


def timed_pass(name: str, stories, ingest) -> dict:
    from tqdm import tqdm

    durations = []
    outcomes = {}
    started = time.perf_counter()
    for text, extraction in tqdm(stories, desc=name, unit="story", disable=not sys.stderr.isatty()):
        begin = time.perf_counter()
        outcome = ingest(text, extraction)
        durations.append(time.perf_counter() - begin)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    seconds = time.perf_counter() - started
    quantiles = statistics.quantiles(durations, n=100) if len(durations) > 1 else durations * 99
    result = {
        "stories": len(durations),
        "seconds": round(seconds, 2),
        "stories_per_second": round(len(durations) / seconds, 1),
        "p50_ms": round(quantiles[49] * 1000, 2),
        "p95_ms": round(quantiles[94] * 1000, 2),
        "outcomes": outcomes,
    }
    print(
        f"{name:<10} {result['stories']:>6} stories in {seconds:7.1f} s: "
        f"{result['stories_per_second']:>7} stories/s, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms  {outcomes}"
    )
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="stories to generate")
    parser.add_argument(
        "--extract-n", type=int, default=300, help="stories run through the real extractor"
    )
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from articles import services
    from articles.ingest.parse import parse
    from articles.ingest.types import Extraction

    connection.settings_dict["TEST"]["NAME"] = "archive_bench"
    original_name = connection.settings_dict["NAME"]
    # Django's test-database machinery: create, migrate, and point the connection at it.
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rng = random.Random(arguments.seed)
        stories = [story(number, rng) for number in range(arguments.n)]
        extras = [story(arguments.n + number, rng) for number in range(arguments.extract_n)]
        known = services.known_entities()

        def plain(text, extraction):
            return services.article_ingest(
                parse(text), extraction=Extraction(), known=known
            ).outcome

        def with_entities(text, extraction):
            # Other URLs than the plain pass, so every story is created again.
            text = text.replace("https://www.", "https://entities.", 1)
            return services.article_ingest(parse(text), extraction=extraction, known=known).outcome

        def extracted(text, extraction):
            return services.article_ingest(parse(text), known=known).outcome

        results = {
            "plain": timed_pass("plain", stories, plain),
            "entities": timed_pass("entities", stories, with_entities),
            "unchanged": timed_pass("unchanged", stories, with_entities),
        }
        if arguments.extract_n:
            services.extraction_run(["Warm up the language model."])
            results["extract"] = timed_pass("extract", extras, extracted)
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)

    report = {
        "n": arguments.n,
        "extract_n": arguments.extract_n,
        "python": platform.python_version(),
        "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded PostgreSQL",
        "results": results,
    }
    output = ROOT / "bench" / "results" / "ingest.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
