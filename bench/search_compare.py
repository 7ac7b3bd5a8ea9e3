"""Time the search of this checkout against an earlier version's, called in turn in one process.

    .venv/bin/python bench/search_compare.py --before 63afb69            # on archive_bench_search
    .venv/bin/python bench/search_compare.py --before 63afb69 --database archive_bench_ux

A whole-page run of bench/search.py takes minutes, and on a machine shared with other work the
load moves more between two runs than a change moves the figures. Here both versions of
`articles/search.py` (the earlier one read from git) answer the same queries over the same
archive, alternating request by request, so that the load touches both alike. It times
`article_search` (candidates, counts, facets, the shown page's rows and snippets; not the
template) and, apart, the shown page's rows and snippets. The archive is one bench/search.py
built (its default database, or --database); the earlier version must read the same tables.
"""

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

QUERIES = [
    "interlaced",
    "said",
    '"white house"',
    '"house white"',
    "special attention would brazil next week",
    "Barack Obama",
    "crimea",
    "sanctions",
    "putin -trump",
    "pipeline",
]


def earlier_search(revision: str):
    """articles/search.py as it was at `revision`, as a module of its own."""
    source = subprocess.run(
        ["git", "show", f"{revision}:articles/search.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="search-before-"))
    path = folder / "search_before.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("search_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["search_before"] = module
    spec.loader.exec_module(module)
    return module


def percentiles(values: list[float]) -> str:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"p50 {cuts[49]:6.1f}  p95 {cuts[94]:6.1f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", required=True, help="the git revision to compare with")
    parser.add_argument("--database", default="archive_bench_search")
    parser.add_argument("--rounds", type=int, default=20)
    arguments = parser.parse_args(argv)

    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = arguments.database
    django.setup()
    from articles import search as now
    from articles.models import Article

    before = earlier_search(arguments.before)
    versions = {"before": before, "now": now}
    searches = {name: [] for name in versions}
    rows = {name: [] for name in versions}
    by_query = {query: {name: [] for name in versions} for query in QUERIES}

    def answer(module, query):
        parsed = module.parse_query(query)
        queryset = Article.objects.filter(search_vector=parsed.query)
        started = time.perf_counter()
        results = module.article_search(queryset, parsed, None, 1)
        searched = (time.perf_counter() - started) * 1000
        ids = [row.article.pk for row in results.rows]
        # The earlier _result_rows took the SearchQuery, this one the parsed query.
        argument = parsed if hasattr(parsed, "tsquery") else parsed.query
        started = time.perf_counter()
        module._result_rows(ids, argument)
        return searched, (time.perf_counter() - started) * 1000

    for module in versions.values():  # warm both up, unmeasured
        for query in QUERIES:
            answer(module, query)
    for round_number in range(arguments.rounds):
        order = list(versions.items())
        if round_number % 2:
            order.reverse()
        for query in QUERIES:
            for name, module in order:
                searched, shown = answer(module, query)
                searches[name].append(searched)
                rows[name].append(shown)
                by_query[query][name].append(searched)
    print(f"{arguments.rounds} rounds of {len(QUERIES)} queries, load average {os.getloadavg()}")
    for name in versions:
        print(
            f"{name:7s} search {percentiles(searches[name])}   "
            f"shown page's rows and snippets {percentiles(rows[name])}"
        )
    for query, times in by_query.items():
        medians = "  ".join(
            f"{name} {statistics.median(values):6.1f}" for name, values in times.items()
        )
        print(f"  {query[:42]:44s} p50 {medians}")


if __name__ == "__main__":
    main()
