"""Relevance: does a search find one event as three outlets told it?

    .venv/bin/python bench/relevance.py                       # in archive_bench_search
    .venv/bin/python bench/relevance.py --set reserve -v      # development: every triplet shown
    .venv/bin/python bench/relevance.py --database NAME --engines archive,ts_rank

BASIL (../shared/corpus/PROVENANCE.md, 1a) holds 100 triplets: one event reported by Fox News,
the New York Times and HuffPost, with its main event and main entities in eval_manifest.jsonl.
The benchmark imports those 300 stories into an archive through the product's own import
(once: a rerun finds them stored), usually the 1,000,000-story archive of bench/search.py, so
that they must be found among a million others. Each triplet gives two queries: its main
entities and the words of its event ("Glenn Beck speaks CPAC"), and its event as written
("Glenn Beck speaks at CPAC"). Each engine returns its top 10 for a query; the triplet's three
stories are the relevant ones:

- archive: the search page's ranking (`articles.search.article_search`, as the page runs it);
- ts_rank: every story holding all the query's words, ranked by `ts_rank` over the whole
  archive, no candidate cap (the exhaustive version of what PostgreSQL alone offers);
- bm25: tantivy's BM25 over the same stories' title, names and body (an index kept in
  --index-dir, rebuilt when the archive's stories change).

It reports recall@10 (the share of the three in the top 10), success@10 (at least one) and
nDCG@10 (binary gains) per set and query kind, with each engine's p50/p95 time per query, and
writes bench/results/relevance.json. The sets follow the corpus' split: `reserve` (50 triplets
of eval_reserve/) is for development, and -v lists each of its queries with what was found;
`eval` (50 triplets of eval/) is for measuring only, so it is reported as aggregates alone.
"""

import argparse
import json
import math
import os
import re
import shutil
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

from bench.ingest import database_restore  # noqa: E402
from bench.search import DATABASE, database_open  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "bench" / "results"
INDEX_DIR = Path("/tmp/archive-bench-bm25")
TOP = 10
ENGINES = ("archive", "ts_rank", "bm25")
SETS = {"reserve": "eval_reserve", "eval": "eval"}
QUERY_KINDS = ("entities and event words", "event as written")
# Words of an event that say nothing about which event it is.
EVENT_STOP_WORDS = frozenset(
    "a an and as at by for from in into of on or over the to with after before about".split()
)
INDEX_BATCH = 5000


@dataclass(frozen=True)
class Triplet:
    key: str
    corpus_set: str  # "reserve" or "eval"
    event: str
    entities: tuple[str, ...]
    files: tuple[Path, ...]

    def queries(self) -> dict[str, str]:
        named = " ".join(self.entities)
        named_words = {word.lower() for word in re.findall(r"\w+", named)}
        event_words = [
            word
            for word in re.findall(r"[\w'’.-]+", self.event)
            if word.lower() not in named_words and word.lower() not in EVENT_STOP_WORDS
        ]
        return {
            QUERY_KINDS[0]: " ".join([named, *event_words]).strip(),
            QUERY_KINDS[1]: self.event,
        }


def triplets_read(corpus: Path, sets: list[str]) -> list[Triplet]:
    """The BASIL triplets of the chosen sets whose three files are all present."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    with (corpus / "eval_manifest.jsonl").open(encoding="utf-8") as manifest:
        for line in manifest:
            row = json.loads(line)
            if row.get("triplet") and row["set"] in {SETS[name] for name in sets}:
                grouped[row["triplet"]].append(row)
    found = []
    for key, rows in sorted(grouped.items()):
        files = tuple(corpus / row["set"] / row["file"] for row in rows)
        if len(files) != 3 or not all(path.exists() for path in files):
            continue
        corpus_set = next(name for name, folder in SETS.items() if folder == rows[0]["set"])
        found.append(
            Triplet(
                key=key,
                corpus_set=corpus_set,
                event=rows[0]["main_event"] or rows[0]["title"],
                entities=tuple(rows[0]["main_entities"] or ()),
                files=files,
            )
        )
    return found


def stories_import(triplets: list[Triplet]) -> dict[str, list[int]]:
    """Import the triplets' stories (those not stored yet) through the product's import, and
    return each triplet's three article ids."""
    from articles.ingest.parse import parse
    from articles.models import Article, ImportBatch
    from articles.services import batch_run_here, batch_stage

    urls = {
        path: parse(path.read_bytes(), filename=path.name).url for t in triplets for path in t.files
    }
    stored = set(Article.objects.filter(url__in=urls.values()).values_list("url", flat=True))
    missing = [(path.name, path.read_bytes()) for path, url in urls.items() if url not in stored]
    if missing:
        started = time.monotonic()
        report = batch_run_here(batch_stage(missing, origin=ImportBatch.Origin.COMMAND))
        print(
            f"imported {report.batch.created_count} stories in {time.monotonic() - started:.0f} s"
        )
    by_url = dict(Article.objects.filter(url__in=urls.values()).values_list("url", "pk"))
    return {
        t.key: [by_url[urls[path]] for path in t.files if urls[path] in by_url] for t in triplets
    }


# --- Engines ------------------------------------------------------------------------------------


def archive_top(query: str) -> list[int]:
    """The search page's first ten, found as its view finds them."""
    from articles.filters import ArticleSearchFilter
    from articles.models import Article
    from articles.search import article_search

    filterset = ArticleSearchFilter({"q": query}, queryset=Article.objects.all())
    if not filterset.is_valid():
        raise ValueError(f"the search page refuses {query!r}: {filterset.errors}")
    results = article_search(
        filterset.qs, filterset.parsed_query, None, 1, widen=filterset.with_query
    )
    return [*results.candidates.ids, *(row.article.pk for row in results.most_words)][:TOP]


def ts_rank_top(query: str) -> list[int]:
    from django.db import connection

    from articles.models import SEARCH_CONFIG

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")
        cursor.execute(
            "SELECT id FROM articles_article, websearch_to_tsquery(%s, %s) AS q"
            " WHERE search_vector @@ q ORDER BY ts_rank(search_vector, q) DESC, id LIMIT %s",
            [SEARCH_CONFIG, query, TOP],
        )
        return [row[0] for row in cursor.fetchall()]


class Bm25:
    """tantivy's BM25 over every story's title, names and body."""

    def __init__(self, index_dir: Path):
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True)
        for name in ("title", "names", "body"):
            builder.add_text_field(name, stored=False, tokenizer_name="en_stem")
        self.schema = builder.build()
        self.index = self._index_ready(index_dir)
        self.index.reload()
        self.searcher = self.index.searcher()

    def _index_ready(self, index_dir: Path):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM articles_article")
            count, last_id = cursor.fetchone()
        state = f"{count} stories, last id {last_id}"
        marker = index_dir / "archive-state.txt"
        if marker.exists() and marker.read_text() == state:
            return self.tantivy.Index(self.schema, path=str(index_dir))
        shutil.rmtree(index_dir, ignore_errors=True)
        index_dir.mkdir(parents=True)
        index = self.tantivy.Index(self.schema, path=str(index_dir))
        started = time.monotonic()
        writer = index.writer(heap_size=512 * 1024 * 1024, num_threads=1)
        last = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, title, entity_names, body FROM articles_article"
                    " WHERE id > %s ORDER BY id LIMIT %s",
                    [last, INDEX_BATCH],
                )
                rows = cursor.fetchall()
            if not rows:
                break
            for pk, title, names, body in rows:
                writer.add_document(
                    self.tantivy.Document(id=pk, title=title, names=names, body=body)
                )
            last = rows[-1][0]
        writer.commit()
        writer.wait_merging_threads()
        marker.write_text(state)
        print(f"BM25 index of {state} built in {time.monotonic() - started:.0f} s")
        return index

    def top(self, query: str) -> list[int]:
        words = " ".join(re.findall(r"\w+", query))
        if not words:
            return []
        parsed = self.index.parse_query(words, ["title", "names", "body"])
        hits = self.searcher.search(parsed, TOP).hits
        return [self.searcher.doc(address)["id"][0] for _score, address in hits]


# --- Scores -------------------------------------------------------------------------------------


def scores(found: list[int], relevant: set[int]) -> dict[str, float]:
    hits = [pk in relevant for pk in found[:TOP]]
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(len(relevant), TOP)))
    gain = sum(1 / math.log2(rank + 2) for rank, hit in enumerate(hits) if hit)
    return {
        "recall@10": sum(hits) / len(relevant) if relevant else 0.0,
        "success@10": float(any(hits)),
        "ndcg@10": gain / ideal if ideal else 0.0,
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def evaluate(triplets, relevant_ids, engines: dict, verbose: bool) -> dict:
    """Every engine on every query: mean scores per set, kind and engine; times per engine."""
    from django.db import transaction

    table: dict = defaultdict(lambda: defaultdict(list))
    times: dict[str, list[float]] = defaultdict(list)
    for triplet in triplets:
        relevant = set(relevant_ids[triplet.key])
        for kind, query in triplet.queries().items():
            for engine, top in engines.items():
                started = time.perf_counter()
                with transaction.atomic():
                    found = top(query)
                times[engine].append(time.perf_counter() - started)
                table[(triplet.corpus_set, kind)][engine].append(scores(found, relevant))
                if verbose and triplet.corpus_set == "reserve":
                    shown = "".join("+" if pk in relevant else "." for pk in found)
                    print(f"  {engine:8} {shown:10} {query}")
    summary = {}
    for (corpus_set, kind), by_engine in sorted(table.items()):
        summary[f"{corpus_set}: {kind}"] = {
            engine: {
                measure: round(statistics.mean(row[measure] for row in rows), 3)
                for measure in ("recall@10", "success@10", "ndcg@10")
            }
            | {"queries": len(rows)}
            for engine, rows in by_engine.items()
        }
    timing = {
        engine: {
            "p50_ms": round(1000 * _percentile(values, 0.5), 1),
            "p95_ms": round(1000 * _percentile(values, 0.95), 1),
        }
        for engine, values in times.items()
    }
    return {"scores": summary, "time_per_query": timing}


def report_print(report: dict) -> None:
    print(f"\n{report['stories']:,} stories in {report['database']}")
    print(f"{'set: query kind':42} {'engine':8} recall@10 success@10 nDCG@10")
    for row, by_engine in report["scores"].items():
        for engine, figures in by_engine.items():
            print(
                f"{row:42} {engine:8} {figures['recall@10']:9.3f} {figures['success@10']:10.3f}"
                f" {figures['ndcg@10']:7.3f}"
            )
    for engine, figures in report["time_per_query"].items():
        print(f"{engine:8} p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms a query")


def arguments_parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DATABASE, help="the archive to search")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--set", choices=[*SETS, "both"], default="both")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--index-dir", type=Path, default=INDEX_DIR)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("-v", "--verbose", action="store_true", help="each reserve query")
    arguments = parser.parse_args(argv)
    arguments.engines = [name.strip() for name in arguments.engines.split(",") if name.strip()]
    unknown = set(arguments.engines) - set(ENGINES)
    if unknown:
        parser.error(f"unknown engines: {', '.join(sorted(unknown))}")
    return arguments


def main(argv=None) -> dict:
    arguments = arguments_parse(argv)
    import django

    django.setup()
    from django.db import connection

    from articles.models import Article

    sets = list(SETS) if arguments.set == "both" else [arguments.set]
    triplets = triplets_read(arguments.corpus, sets)
    if not triplets:
        raise SystemExit(f"no BASIL triplets under {arguments.corpus}")
    original_name = connection.settings_dict["NAME"]
    if arguments.database == original_name:
        raise SystemExit(f"--database {arguments.database} is the configured database: refused")
    try:
        database_open(arguments.database)
        relevant_ids = stories_import(triplets)
        engines = {}
        for name in arguments.engines:
            if name == "archive":
                engines[name] = archive_top
            elif name == "ts_rank":
                engines[name] = ts_rank_top
            else:
                engines[name] = Bm25(arguments.index_dir).top
        report = {
            "database": arguments.database,
            "stories": Article.objects.count(),
            "triplets": {name: sum(t.corpus_set == name for t in triplets) for name in sets},
            "load_average_before": [round(load, 2) for load in os.getloadavg()],
        }
        report |= evaluate(triplets, relevant_ids, engines, arguments.verbose)
        report["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    finally:
        database_restore(original_name)
    report_print(report)
    arguments.results.mkdir(parents=True, exist_ok=True)
    output = arguments.results / "relevance.json"
    output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"written to {output}")
    return report


if __name__ == "__main__":
    main()
