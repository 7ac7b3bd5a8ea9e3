"""Full-text search over the archive: the one module that knows how a search runs.

Everything takes a queryset (already narrowed by `articles.filters.ArticleSearchFilter`) and
returns plain values, so that the strategy can change without touching views or templates.

How a search page is answered, and why (the archive must serve 1,000,000 stories with the
search page under 150 ms at p95 on two cores, where ranking, counting and headlining every
match of a common word takes seconds):

1. `parse_query` turns the reader's words into `websearch_to_tsquery` (phrases, `or`, `-word`;
   never raises) and tells whether anything searchable is left: a query of only stop words
   becomes empty, and the page says so instead of silently listing everything.
2. `candidates_for` fetches at most `CANDIDATE_LIMIT` (+1) matching rows (id, date, source)
   in date order (newest, or oldest on request), then ranks only those with `ts_rank` in an
   outer query; ordering by relevance happens in Python (`-rank, -published, pk`). How the
   rows are found is chosen by `plan_walk`: when matches are dense (a common word) PostgreSQL
   walks the date index and stops after `CANDIDATE_LIMIT` matches, so the cost is bounded by
   the cap, not by the number of matches; when they are sparse it collects them from the GIN
   index and sorts. The planner alone gets this wrong whenever it over-estimates the matches
   (a phrase of common words that seldom occur together: 9 seconds at 100,000 stories), so
   the choice rests on a fixed random sample (`take_sample`). The trade-off: when more than
   `CANDIDATE_LIMIT` stories match, the relevance order covers the newest `CANDIDATE_LIMIT`
   matches only, and only those can be paged through. For a news archive the newest matches
   are the ones readers want first; the page says how many stories it ranked and invites the
   reader to narrow the search. Whatever still cannot finish within `SEARCH_TIMEOUT_MS` (a
   phrase of very common words over a huge archive, where every story holding the words must
   be read to check their order) is cancelled, and the page asks for a narrower search.
3. Below the cap everything is exact: the total is the number of candidates, and the facets
   (people, organisations, sources, years) and the month timeline are counted over the full
   result set, so clicking a facet gives exactly the count it showed. Above the cap,
   `count_matches` estimates the total from the same fixed random sample of pages (TABLESAMPLE
   SYSTEM, about `SAMPLE_ROWS` stories whatever the archive's size), labelled "about"; when
   the sample holds too few matches it counts exactly up to `COUNT_LIMIT` and beyond that
   takes the planner's estimate. The facets and timeline are counted over the candidates and
   the page labels them as such. Exact counts of a word in half a million stories would cost a
   full bitmap heap scan on every page view; nobody needs "482,913" over "about 480,000".
4. Snippets are made for the shown page's stories only (djangoproject PR 2748): for each,
   `best_paragraph` picks in SQL the paragraph that holds the whole query (else most of its
   words), so that a word found deep in a story shows in its snippet; `articles.highlights`
   marks the query's words and phrases in that paragraph and the title, and escapes the rest,
   so stored text is never trusted as HTML.
5. When fewer than `FILL_BELOW` stories hold every word of a query of plain words (sorted by
   relevance), `most_words_candidates` goes on with those holding all the words but one, then
   all but two, down to half: listed after them on the page, never counted with them.

Measured with bench/search.py on 100,000 stories, through the test client with rendering, on
a 2-core machine shared with other work (load average about 2.2), run alternately with the
previous version: p50 91-97 ms and p95 134-153 ms over the fixed mix (previously 118-126 and
173-177); a common word 114-122/125-144 ms, a phrase 133-142/178-181 ms. Most of what is left
is PostgreSQL (candidates, the sample count, snippets, facets); per-link URL work is done
once per request (see the link tags in articles/templatetags/archive.py). The naive plan took
over a second for a common word, and nine seconds for a phrase of common words in an unusual
order.
"""

import json
import math
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
)
from django.core.paginator import Paginator
from django.db import OperationalError, connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    JSONField,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe

from articles import highlights
from articles.models import (
    SEARCH_CONFIG,
    Article,
    Organisation,
    OrganisationMention,
    Person,
    PersonMention,
    Source,
)

# Rows ranked per search; also the deepest result a reader can page to (50 pages).
CANDIDATE_LIMIT = 1000
# Above the cap, the total is estimated from a random sample of this many stories when the
# sample holds enough matches; otherwise counted exactly up to COUNT_LIMIT, then the
# planner's estimate.
SAMPLE_ROWS = 3000
SAMPLE_MIN_HITS = 30
SAMPLE_MAX_PERCENT = 50
# See plan_walk: what testing a story while walking costs, relative to collecting one.
WALK_COST_RATIO = 1
# The planner's estimate below which the date walk is not even considered.
WALK_MIN_ESTIMATE_FACTOR = 5
COUNT_LIMIT = 5000
SORTS = ("relevance", "newest", "oldest")
# Finding and counting the candidates is cancelled after this long (settings may override).
SEARCH_TIMEOUT_MS = 2000
# A search cut short at the time limit is answered over this many of the newest stories.
WINDOW_STORIES = 20_000


@dataclass(frozen=True)
class ParsedQuery:
    text: str
    query: SearchQuery | None  # None when nothing searchable is left
    # The query as PostgreSQL reads it (`'white' <-> 'hous' & !'trump'`), for marking matches.
    tsquery: str = ""

    @property
    def only_stop_words(self) -> bool:
        return bool(self.text.strip()) and self.query is None


@dataclass(frozen=True)
class Candidate:
    pk: int
    published: date
    source_id: int
    rank: float


@dataclass
class ResultCount:
    value: int
    exact: bool = True
    # True when `value` is the planner's estimate rather than a bounded count.
    estimated: bool = False
    # True when the search was cut short: at least `value` stories match.
    at_least: bool = False


@dataclass
class Candidates:
    rows: list[Candidate]
    # More stories match than were fetched: counts and facets come from a sample.
    capped: bool
    limit: int = CANDIDATE_LIMIT
    sample: "Sample | None" = None
    ids: list[int] = field(init=False)

    def __post_init__(self):
        self.ids = [row.pk for row in self.rows]


def build_query(text: str) -> SearchQuery:
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def parse_query(text: str) -> ParsedQuery:
    """The reader's words as a query, or no query when only stop words or punctuation remain."""
    text = (text or "").strip()
    if not text:
        return ParsedQuery(text="", query=None)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT numnode(query), query::text FROM websearch_to_tsquery(%s::regconfig, %s) "
            "AS query",
            [SEARCH_CONFIG, text],
        )
        (nodes, tsquery) = cursor.fetchone()
    if not nodes:
        return ParsedQuery(text=text, query=None)
    return ParsedQuery(text=text, query=build_query(text), tsquery=tsquery)


# A query PostgreSQL reads as plain words, each required: 'glenn' & 'beck' & 'cpac'.
PLAIN_WORDS = re.compile(r"'[^']+'(?: & '[^']+')+")


def any_words(parsed: ParsedQuery) -> str:
    """For a query of several plain words, the same words joined by "or", which finds the
    stories holding some of them (those holding most rank first); "" for a single word or a
    query with a phrase, an "or" or an excluded word, which says exactly what it wants."""
    if parsed.query is None or not PLAIN_WORDS.fullmatch(parsed.tsquery):
        return ""
    return " or ".join(parsed.text.split())


# --- Stories holding most of the words --------------------------------------------------------
# When fewer stories than this hold every word of a query of plain words, sorted by relevance,
# the page goes on with the stories holding all the words but one, then all but two, down to
# half of them: a reader asking for "Barack Obama" also wants the stories that say only
# "Obama", and one asking for "Glenn Beck speaks CPAC" those that say "speech".
FILL_BELOW = 10
# Ranked per number of words held (the newest ones when more hold that many).
FILL_CANDIDATES = 200
# Levels are asked for while their subsets of words are at most this many (a query of 12
# words: all but one, 12 subsets; all but two would be 66).
FILL_MAX_SUBSETS = 40


def query_words(parsed: ParsedQuery) -> list[str]:
    """The lexemes of a query of plain words, in order and each once; [] for any other query
    (a phrase, an "or" or an excluded word says exactly what it wants)."""
    if parsed.query is None or not PLAIN_WORDS.fullmatch(parsed.tsquery):
        return []
    return list(dict.fromkeys(re.findall(r"'([^']+)'", parsed.tsquery)))


def holding_query(words: list[str], holding: int) -> SearchQuery:
    """The stories holding at least `holding` of these lexemes. They are already normalised,
    so the "simple" configuration reads them as they are."""
    alternatives = " | ".join(
        "(" + " & ".join(f"'{word}'" for word in subset) + ")"
        for subset in combinations(words, holding)
    )
    return SearchQuery(alternatives, search_type="raw", config="simple")


def most_words_candidates(widen, parsed: ParsedQuery, found: list[int], wanted: int):
    """Up to `wanted` stories, not in `found`, holding most of the query's words: those holding
    more first, then by rank. `widen(query)` is the search with `query` in place of the
    reader's words and every filter kept."""
    words = query_words(parsed)
    filled: list[Candidate] = []
    seen = set(found)
    for holding in range(len(words) - 1, math.ceil(len(words) / 2) - 1, -1):
        if math.comb(len(words), holding) > FILL_MAX_SUBSETS:
            break
        query = holding_query(words, holding)
        level = candidates_for(
            widen(query).exclude(pk__in=seen), query, "relevance", limit=FILL_CANDIDATES
        )
        filled.extend(level.rows)
        seen.update(level.ids)
        if len(filled) >= wanted:
            break
    return filled[:wanted]


def apply_search(queryset, query: SearchQuery | None):
    """Keep the stories matching `query` (all of them when there is none)."""
    if query is None:
        return queryset
    return queryset.filter(search_vector=query)


def rank_expression(query: SearchQuery):
    return SearchRank(F("search_vector"), query)


def resolve_sort(sort: str | None, query: SearchQuery | None) -> str:
    if sort in SORTS and not (sort == "relevance" and query is None):
        return sort
    return "relevance" if query is not None else "newest"


def candidates_for(
    queryset,
    query: SearchQuery | None,
    sort: str,
    limit: int | None = None,
    walk: bool | None = None,
) -> Candidates:
    """At most `limit` matching stories in the requested order; rank computed for those only.

    `walk` says how PostgreSQL should find them: by walking the date index and testing each
    story until enough match (right when matches are dense), or by collecting every match from
    the GIN index and sorting (right when they are sparse). Left to itself the planner walks
    whenever it over-estimates the matches, and a phrase of common words that rarely occur
    together then tests every story in the archive: seconds. `plan_walk` decides from a
    sample instead.
    """
    limit = limit or CANDIDATE_LIMIT
    sample = None
    if walk is None:
        walk, sample = plan_walk(queryset, limit)
    descending = sort != "oldest"
    if walk:
        date_order = ["-published", "-pk"] if descending else ["published", "pk"]
    else:
        # "published + 0" is the same date, but no index returns it in order.
        shifted = ExpressionWrapper(F("published") + 0, output_field=DateField())
        date_order = (
            [shifted.desc(), F("pk").desc()] if descending else [shifted.asc(), F("pk").asc()]
        )
    chosen = queryset.order_by(*date_order).values("pk")[: limit + 1]
    rank = rank_expression(query) if query is not None else Value(0.0, output_field=FloatField())
    # Rank in an outer query, so that only the chosen rows are ranked whatever the plan.
    rows = list(
        Article.objects.filter(pk__in=chosen)
        .annotate(rank=rank)
        .values_list("pk", "published", "source_id", "rank")
    )
    capped = len(rows) > limit
    if descending:
        rows.sort(key=lambda row: (-row[1].toordinal(), -row[0]))
    else:
        rows.sort(key=lambda row: (row[1].toordinal(), row[0]))
    candidates = [Candidate(*row) for row in rows[:limit]]
    if sort == "relevance":
        candidates.sort(key=lambda row: (-row.rank, -row.published.toordinal(), row.pk))
    return Candidates(rows=candidates, capped=capped, limit=limit, sample=sample)


def plan_walk(queryset, limit: int) -> tuple[bool, "Sample | None"]:
    """Whether to let PostgreSQL walk the date index for the candidates (see
    `candidates_for`); False forces it to collect every match and sort.

    Walking tests about limit / f stories, f being the share that match; collecting reads
    about f * N (and for a phrase tests every story holding the words). Measured on the
    bench the two cost about the same per story, so walking wins when
    f > sqrt(WALK_COST_RATIO * limit / N). The planner's estimate (free) rules out the walk
    when it is small; a sample settles it otherwise.
    """
    if estimate_count(queryset) < limit * WALK_MIN_ESTIMATE_FACTOR:
        return False, None
    sample = take_sample(queryset)
    if sample is None:  # a small archive: every plan is quick
        return True, None
    threshold = min(1.0, math.sqrt(WALK_COST_RATIO * limit / sample.stories))
    return sample.fraction >= threshold, sample


def count_matches(queryset, candidates: Candidates) -> ResultCount:
    if not candidates.capped:
        return ResultCount(len(candidates.rows))
    sample = candidates.sample or take_sample(queryset)
    if sample is not None and sample.hits >= SAMPLE_MIN_HITS:
        return ResultCount(
            max(round_estimate(sample.total), candidates.limit + 1), exact=False, estimated=True
        )
    bounded = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    if bounded <= COUNT_LIMIT:
        return ResultCount(bounded)
    return ResultCount(max(estimate_count(queryset), bounded), exact=False, estimated=True)


@dataclass(frozen=True)
class Sample:
    stories: float  # the planner's count of stories in the archive
    percent: float  # of the archive's pages sampled
    hits: int  # matching stories in the sample

    @property
    def total(self) -> float:
        return self.hits * 100.0 / self.percent

    @property
    def fraction(self) -> float:
        return min(1.0, self.total / self.stories)


def take_sample(queryset) -> Sample | None:
    """The query run over a fixed random sample of about `SAMPLE_ROWS` stories; None when the
    archive is too small to need one.

    The sample is the same on every request (REPEATABLE), so paging does not change the
    figure, and it costs the same at 100,000 stories as at 1,000,000.
    """
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        row = cursor.fetchone()
        stories = row[0] if row else -1
        if stories <= 0:
            return None
        percent = min(100.0, 100.0 * SAMPLE_ROWS / stories)
        if percent > SAMPLE_MAX_PERCENT:
            return None
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
        source = f'FROM "{table}"'
        if source not in sql:
            return None
        sql = sql.replace(source, f"{source} TABLESAMPLE SYSTEM (%s) REPEATABLE (42)", 1)
        # The sample's parameter comes before the WHERE clause's.
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS sample", [percent, *params])
        (hits,) = cursor.fetchone()
    return Sample(stories=stories, percent=percent, hits=hits)


def sample_count(queryset) -> int | None:
    """The sample's estimate of the matches, or None when it holds too few to say much."""
    sample = take_sample(queryset)
    if sample is None or sample.hits < SAMPLE_MIN_HITS:
        return None
    return round_estimate(sample.total)


def round_estimate(value: float) -> int:
    """Two significant figures: an estimate should not look more precise than it is."""
    value = int(value)
    if value < 100:
        return value
    digits = len(str(value)) - 2
    return round(value, -digits)


def estimate_count(queryset) -> int:
    """The planner's row estimate for the query: free, and rough."""
    plan = queryset.order_by().values("pk").explain(format="json")
    return int(json.loads(plan)[0]["Plan"]["Plan Rows"])


def facet_counts_python(candidates: Candidates) -> tuple[Counter, Counter, Counter]:
    """Source, year and month counts of the candidates, with no query at all."""
    sources = Counter(row.source_id for row in candidates.rows)
    years = Counter(row.published.year for row in candidates.rows)
    months = Counter((row.published.year, row.published.month) for row in candidates.rows)
    return sources, years, months


def mention_facets(mention_model, entity_field: str, article_ids: list[int], limit: int):
    """(entity id, stories) for the entities named most often in the given stories."""
    if not article_ids:
        return []
    return list(
        mention_model.objects.filter(
            _any_article(mention_model, article_ids), **{f"{entity_field}__not_an_entity": False}
        )
        .values_list(f"{entity_field}_id")
        .annotate(stories=Count("article_id"))
        .order_by("-stories", f"{entity_field}_id")[:limit]
    )


def _any_article(mention_model, article_ids: list[int]):
    """`article_id = ANY(array)`: one parameter instead of a thousand-item IN list, which costs
    more to build and send than the query takes to run."""
    column = f'"{mention_model._meta.db_table}"."article_id"'
    return RawSQL(f"{column} = ANY(%s)", (article_ids,), output_field=BooleanField())


# Paragraphs holding the beginning of a query word read at most, per shown story.
SNIPPET_PARAGRAPHS_READ = 10
# The paragraph of a story that best matches the query: the first holding the whole query
# (phrases in order, excluded words absent), else the one holding the beginnings of most of
# its words, else the first. Only paragraphs whose text holds the beginning of a query word
# are read by to_tsvector, at most SNIPPET_PARAGRAPHS_READ of them, and the first query stops
# at the first that matches (a scan of string_to_table's rows, in order, with no sort); the
# fallback (a story found by its title or the names it mentions) reads none. Reading every
# paragraph of the shown stories had cost three times the old headlines of their openings.
_BEST_PARAGRAPH_SQL = f"""
    SELECT coalesce(
        (SELECT candidates.text
         FROM (SELECT paragraphs.text
               FROM string_to_table("{Article._meta.db_table}"."body", E'\\n')
                   AS paragraphs (text)
               WHERE unaccent(paragraphs.text) ILIKE ANY(%s::text[])
               LIMIT {SNIPPET_PARAGRAPHS_READ}) AS candidates
         -- The stored vector says at no cost whether the text (weight C) holds the query.
         WHERE "{Article._meta.db_table}"."search_vector" @@ %s::tsquery
           AND to_tsvector(%s::regconfig, candidates.text) @@ %s::tsquery
         LIMIT 1),
        (SELECT paragraphs.text
         FROM string_to_table("{Article._meta.db_table}"."body", E'\\n')
             WITH ORDINALITY AS paragraphs (text, n)
         -- OFFSET 0 keeps the subquery whole: inlined, unaccent would run once per pattern.
         CROSS JOIN LATERAL (SELECT unaccent(paragraphs.text) AS plain OFFSET 0) AS read
         ORDER BY (SELECT count(*) FROM unnest(%s::text[]) AS pattern
                   WHERE read.plain ILIKE pattern) DESC,
                  paragraphs.n
         LIMIT 1)
    ) AS text
"""


def snippet_readings(reader: highlights.Reader, tsquery: str) -> dict:
    """Annotations for the shown page's stories: the paragraph that best matches the query
    (see above) and the title, each with PostgreSQL's reading of it for `reader`, in the
    same statement as the stories."""
    table = Article._meta.db_table
    paragraph_reading, reading_parameters = reader.sql("best.text")
    title_reading, title_parameters = reader.sql(f'"{table}"."title"')
    paragraph = f"""(
        SELECT json_build_object('text', best.text, 'reading', {paragraph_reading})
        FROM ({_BEST_PARAGRAPH_SQL} OFFSET 0) AS best
    )"""
    patterns = highlights.word_patterns(reader.wanted)
    in_text = highlights.weighted(tsquery, "C")
    best_parameters = [patterns, in_text, SEARCH_CONFIG, tsquery, patterns]
    return {
        # jsonb: the type Django's JSONField reads.
        "paragraph": RawSQL(
            f"{paragraph}::jsonb", (*reading_parameters, *best_parameters), output_field=JSONField()
        ),
        "title_reading": RawSQL(
            f"{title_reading}::jsonb", title_parameters, output_field=JSONField()
        ),
    }


# --- The search page, put together -------------------------------------------------------

PAGE_SIZE = 20
FACET_SIZE = 12
# The timeline draws months up to this span, and years beyond it.
TIMELINE_MAX_MONTHS = 120
TIMELINE_MIN_MONTHS = 12
# "Did you mean" is offered when a query finds fewer stories than this.
SUGGEST_BELOW = 3


@dataclass(frozen=True)
class EntityLink:
    """A person or organisation named in a result: all a result row needs, without building
    a model instance and reversing a URL for each of the hundreds of names on a page."""

    name: str
    slug: str
    url: str

    def get_absolute_url(self):
        return self.url

    @classmethod
    def person(cls, name, slug, prefix=None):
        return cls(name, slug, (prefix or _url_prefix("articles:person")) + _slug_path(slug))

    @classmethod
    def organisation(cls, name, slug, prefix=None):
        prefix = prefix or _url_prefix("articles:organisation")
        return cls(name, slug, prefix + _slug_path(slug))


def _url_prefix(name):
    """The URL of `name` up to its slug: reversed once per page, not once per link."""
    return reverse(name, args=["-"])[:-2]


def _slug_path(slug):
    # What reverse() does to an argument (slugs are plain ASCII, so this is usually a no-op).
    return quote(slug, safe=RFC3986_SUBDELIMS + "/~:@") + "/"


@dataclass
class ResultRow:
    article: Article
    title_html: SafeString
    snippet_html: SafeString
    # The story's page (article.get_absolute_url() without a reverse() per row).
    url: str = ""
    people: list = field(default_factory=list)
    organisations: list = field(default_factory=list)

    # The chips under a result, built here rather than in the template: twenty rows of up to
    # nine links each are most of the page's variable lookups. Names and URLs are escaped.
    @property
    def people_html(self) -> SafeString:
        return _entity_chips(self.people[:5], "tag-person")

    @property
    def organisations_html(self) -> SafeString:
        return _entity_chips(self.organisations[:4], "tag-organisation")


def _entity_chips(entities, css_class) -> SafeString:
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<li><a class="tag {css_class}" href="{escape(entity.url)}">'
            f"{escape(entity.name)}</a></li>"
            for entity in entities
        )
    )


@dataclass
class TimelineBucket:
    start: date
    end: date
    label: str
    count: int


@dataclass
class SearchResults:
    parsed: ParsedQuery
    sort: str
    rows: list[ResultRow]
    count: ResultCount | None  # None: cut short, nothing counted
    page: int
    num_pages: int
    candidates: Candidates
    people: list = field(default_factory=list)  # [(Person, stories)]
    organisations: list = field(default_factory=list)
    sources: list = field(default_factory=list)  # [(Source, stories)]
    years: list = field(default_factory=list)  # [(year, stories)]
    # How many values each facet has in all, beyond the FACET_SIZE shown.
    people_total: int = 0
    organisations_total: int = 0
    sources_total: int = 0
    timeline: list[TimelineBucket] = field(default_factory=list)
    timeline_unit: str = "month"
    suggestions: list = field(default_factory=list)  # people and organisations
    page_clamped: bool = False
    # When nothing holds every word: the same words joined by "or", offered as a link.
    any_words: str = ""
    # After the stories holding every word, when they are few: those holding most of them.
    most_words: list[ResultRow] = field(default_factory=list)
    # The search could not finish over the whole archive: `window` is how many of its newest
    # (or oldest) stories it was answered over; None: not even over those.
    timed_out: bool = False
    window: int | None = None

    @property
    def sampled(self) -> bool:
        """Facets and timeline describe the candidate sample, not every match."""
        return self.candidates.capped

    @property
    def cut_short(self) -> bool:
        """Stopped at the time limit with nothing found: no count can be claimed."""
        return self.count is None or (self.count.at_least and not self.count.value)

    @property
    def first_index(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1


class SearchTooSlow(Exception):
    """PostgreSQL gave up on the search at the time limit."""


def search_timeout_ms() -> int:
    return int(getattr(settings, "ARCHIVE_SEARCH_TIMEOUT_MS", SEARCH_TIMEOUT_MS))


@contextmanager
def time_limit(milliseconds: int):
    """Cancel the statements inside after `milliseconds` each, raising SearchTooSlow: a search
    no plan can answer quickly (a phrase of very common words over the whole archive) must not
    hold a connection for minutes."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), "
                    "set_config('statement_timeout', %s, true)",
                    [str(milliseconds)],
                )
                (previous, _) = cursor.fetchone()
            yield
            # Inside an outer transaction the limit would outlive this block (a failure rolls
            # it back with the savepoint instead).
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise SearchTooSlow from error
        raise


def window_of(queryset, sort: str):
    """The queryset narrowed to the archive's `WINDOW_STORIES` newest stories (the oldest when
    sorted oldest first), found on the date index; None when the archive holds no more."""
    oldest = sort == "oldest"
    edge = list(
        Article.objects.order_by(
            *(("published", "id") if oldest else ("-published", "-id"))
        ).values_list("published", flat=True)[WINDOW_STORIES - 1 : WINDOW_STORIES]
    )
    if not edge:
        return None
    return queryset.filter(**{"published__lte" if oldest else "published__gte": edge[0]})


def _candidates_in_time(queryset, query, sort: str) -> Candidates | None:
    try:
        with time_limit(search_timeout_ms()):
            return candidates_for(queryset, query, sort)
    except SearchTooSlow:
        return None


def article_search(
    queryset, parsed: ParsedQuery, sort: str | None, page: int | None, *, widen=None
):
    """Everything the search page shows, in a bounded number of queries. With `widen` (see
    `most_words_candidates`), a search that few stories answer goes on with those holding
    most of its words."""
    sort = resolve_sort(sort, parsed.query)
    window = None
    try:
        with time_limit(search_timeout_ms()):
            candidates = candidates_for(queryset, parsed.query, sort)
            count = count_matches(queryset, candidates)
    except SearchTooSlow:
        # Cut short over the whole archive: answer over its newest stories, and say so.
        window = window_of(queryset, sort)
        candidates = None if window is None else _candidates_in_time(window, parsed.query, sort)
        if candidates is None:
            return SearchResults(
                parsed=parsed,
                sort=sort,
                rows=[],
                count=None,
                page=1,
                num_pages=1,
                candidates=Candidates(rows=[], capped=False),
                timed_out=True,
            )
        count = ResultCount(len(candidates.rows), exact=False, at_least=True)
    num_pages = max(1, -(-len(candidates.rows) // PAGE_SIZE))
    requested = page or 1
    page = min(requested, num_pages)
    page_ids = candidates.ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]

    results = SearchResults(
        parsed=parsed,
        sort=sort,
        rows=_result_rows(page_ids, parsed),
        count=count,
        page=page,
        num_pages=num_pages,
        candidates=candidates,
        page_clamped=requested != page,
        timed_out=window is not None,
        window=WINDOW_STORIES if window is not None else None,
    )
    results.people, results.people_total = _entity_facets(
        PersonMention, "person", Person, candidates.ids
    )
    results.organisations, results.organisations_total = _entity_facets(
        OrganisationMention, "organisation", Organisation, candidates.ids
    )
    sources, years, months = facet_counts_python(candidates)
    results.sources_total = len(sources)
    top_sources = sources.most_common(FACET_SIZE)
    by_pk = Source.objects.in_bulk([pk for pk, _ in top_sources]) if top_sources else {}
    results.sources = [(by_pk[pk], n) for pk, n in top_sources if pk in by_pk]
    results.years = sorted(years.items(), reverse=True)
    results.timeline, results.timeline_unit = timeline_buckets(months)
    if widen is not None and sort == "relevance" and window is None:
        results.most_words = _most_words_rows(widen, parsed, candidates.ids)
    if parsed.query is not None and count.value < SUGGEST_BELOW:
        results.suggestions = name_suggestions(parsed.text)
    if not candidates.rows and not results.most_words and window is None:
        results.any_words = any_words(parsed)
    return results


def _most_words_rows(widen, parsed: ParsedQuery, found: list[int]) -> list[ResultRow]:
    """The rows that follow a search few stories answer (nothing if that takes too long)."""
    if len(found) >= FILL_BELOW:
        return []
    try:
        with time_limit(search_timeout_ms()):
            filled = most_words_candidates(widen, parsed, found, PAGE_SIZE - len(found))
    except SearchTooSlow:
        return []
    return _result_rows([row.pk for row in filled], parsed)


def _result_rows(page_ids: list[int], parsed: ParsedQuery) -> list[ResultRow]:
    if not page_ids:
        return []
    articles = (
        Article.objects.filter(pk__in=page_ids)
        .select_related("source")
        .only("title", "slug", "published", "url", "source__name", "source__slug")
    )
    if parsed.query is not None:
        reader = highlights.Reader(parsed.tsquery)
        articles = articles.annotate(**snippet_readings(reader, parsed.tsquery))
    else:
        articles = articles.annotate(opening=Left("body", 320))
    by_pk = {article.pk: article for article in articles}
    article_prefix = _url_prefix("articles:article")
    # The story's page marks the same words.
    query_string = "?" + urlencode({"q": parsed.text}) if parsed.query is not None else ""
    person_prefix = _url_prefix("articles:person")
    organisation_prefix = _url_prefix("articles:organisation")
    rows = {}
    for pk in page_ids:
        article = by_pk[pk]
        if parsed.query is not None:
            paragraph = article.paragraph
            title_html = reader.mark(article.title, article.title_reading).html
            snippet_html = reader.mark(paragraph["text"], paragraph["reading"]).snippet()
        else:
            opening = article.opening.split("\n", 1)[0]
            snippet = opening if len(opening) < 300 else opening[:300].rsplit(" ", 1)[0] + " …"
            title_html, snippet_html = escape(article.title), escape(snippet)
        rows[pk] = ResultRow(
            article,
            title_html,
            snippet_html,
            url=article_prefix + _slug_path(article.slug) + query_string,
        )
    for article_id, name, slug in (
        PersonMention.objects.filter(article_id__in=page_ids, person__not_an_entity=False)
        .order_by("-count", "person__name")
        .values_list("article_id", "person__name", "person__slug")
    ):
        rows[article_id].people.append(EntityLink.person(name, slug, person_prefix))
    for article_id, name, slug in (
        OrganisationMention.objects.filter(
            article_id__in=page_ids, organisation__not_an_entity=False
        )
        .order_by("-count", "organisation__name")
        .values_list("article_id", "organisation__name", "organisation__slug")
    ):
        rows[article_id].organisations.append(
            EntityLink.organisation(name, slug, organisation_prefix)
        )
    return list(rows.values())


def _entity_facets(mention_model, entity_field, entity_model, article_ids):
    """[(entity, stories)] for the facet panel, and how many entities the stories name in all
    (for its "show all" link): counts, names, slugs and the total in one query."""
    if not article_ids:
        return [], 0
    rows = (
        mention_model.objects.filter(
            _any_article(mention_model, article_ids), **{f"{entity_field}__not_an_entity": False}
        )
        .values_list(f"{entity_field}_id", f"{entity_field}__name", f"{entity_field}__slug")
        .annotate(stories=Count("article_id"), total=Window(Count("*")))
        .order_by("-stories", f"{entity_field}_id")[:FACET_SIZE]
    )
    facets = [(entity_model(pk=pk, name=name, slug=slug), n) for pk, name, slug, n, _ in rows]
    return facets, rows[0][4] if facets else 0


# --- Every value of a facet ------------------------------------------------------------------

FACET_PAGE_SIZE = 50


@dataclass(frozen=True)
class Facet:
    """A facet of the search page that can list all its values (`/search/facets/<name>/`)."""

    name: str  # in the URL, and the plural noun ("people")
    title: str
    parameter: str  # the search parameter a value adds ("person")
    repeatable: bool  # person and organisation filters add up; a source replaces another


FACETS = {
    facet.name: facet
    for facet in (
        Facet("people", "People", "person", repeatable=True),
        Facet("organisations", "Organisations", "organisation", repeatable=True),
        Facet("sources", "Sources", "source", repeatable=False),
    )
}


@dataclass
class FacetValues:
    facet: Facet
    page: object  # a Paginator page of {"name", "key" (the slug), "stories"}
    candidates: Candidates
    timed_out: bool = False

    @property
    def sampled(self) -> bool:
        return self.candidates.capped


def facet_values(facet: Facet, queryset, parsed, sort, within: str, page_number) -> FacetValues:
    """Every value of `facet` over the same stories the search page counts its facets over,
    most stories first, optionally only those whose name contains `within`; grouped, counted
    and paginated in SQL, so a result naming thousands of people costs one page of rows."""
    sort = resolve_sort(sort, parsed.query)
    candidates = _candidates_in_time(queryset, parsed.query, sort)
    if candidates is None:
        empty = Paginator([], FACET_PAGE_SIZE).get_page(1)
        return FacetValues(facet, empty, Candidates(rows=[], capped=False), timed_out=True)
    if facet.name == "sources":
        column = f'"{Article._meta.db_table}"."id"'
        rows = Article.objects.filter(
            RawSQL(f"{column} = ANY(%s)", (candidates.ids,), output_field=BooleanField())
        ).values(name=F("source__name"), key=F("source__slug"))
        if within:
            rows = rows.filter(source__name__icontains=within)
    else:
        mention_model = PersonMention if facet.name == "people" else OrganisationMention
        entity = facet.parameter
        rows = mention_model.objects.filter(
            _any_article(mention_model, candidates.ids), **{f"{entity}__not_an_entity": False}
        ).values(name=F(f"{entity}__name"), key=F(f"{entity}__slug"))
        if within:
            rows = rows.filter(**{f"{entity}__name__icontains": within})
    rows = rows.annotate(stories=Count("*")).order_by("-stories", "name", "key")
    page = Paginator(rows, FACET_PAGE_SIZE).get_page(page_number)
    return FacetValues(facet, page, candidates)


def timeline_buckets(
    months: Counter, today: date | None = None
) -> tuple[list[TimelineBucket], str]:
    """Stories per month from the first to the last (empty months included); per year when
    the span is too long for monthly bars to be read."""
    if not months:
        return [], "month"
    (first_year, first_month), (last_year, last_month) = min(months), max(months)
    span = (last_year - first_year) * 12 + last_month - first_month + 1
    if span < TIMELINE_MIN_MONTHS:
        # A year's context around a short run of stories, rather than a few very wide bars,
        # but no months after this one when the stories allow: they cannot hold stories yet.
        before = (TIMELINE_MIN_MONTHS - span) // 2
        after = TIMELINE_MIN_MONTHS - span - before
        today = today or timezone.localdate()
        to_come = max((today.year * 12 + today.month) - (last_year * 12 + last_month), 0)
        before += max(after - to_come, 0)
        first_index = first_year * 12 + first_month - 1 - before
        first_year, first_month = divmod(first_index, 12)
        first_month += 1
        span = TIMELINE_MIN_MONTHS
    if span > TIMELINE_MAX_MONTHS:
        years = Counter()
        for (year, _month), n in months.items():
            years[year] += n
        return [
            TimelineBucket(date(year, 1, 1), date(year, 12, 31), str(year), years[year])
            for year in range(first_year, last_year + 1)
        ], "year"
    buckets = []
    year, month = first_year, first_month
    for _ in range(span):
        next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
        start = date(year, month, 1)
        end = date.fromordinal(date(next_year, next_month, 1).toordinal() - 1)
        buckets.append(TimelineBucket(start, end, start.strftime("%b %Y"), months[(year, month)]))
        year, month = next_year, next_month
    return buckets, "month"


# --- Did you mean ---------------------------------------------------------------------------

# The columns holding an entity's known names, in the order of the index expressions of
# migration 0004: a column added here needs a migration that rebuilds those indexes to match.
NAME_FIELDS = ("name", "aliases", "spellings")
SUGGESTIONS_SHOWN = 3
# Query words looked up at most, and the lengths of a word worth correcting (levenshtein
# takes at most 255 characters; no name has a word of 40).
SUGGEST_MAX_WORDS = 4
SUGGEST_MIN_LETTERS = 4
SUGGEST_MAX_LETTERS = 40
# pg_trgm word similarity that makes an entity a candidate for a word. The default (0.6)
# misses "Klitschko" for "klitchko" (0.58); the sound-alike codes bring in what trigrams
# miss ("obma" is 0.4 from "Obama", but both are APM).
SUGGEST_SIMILARITY = 0.5
# Candidates kept per word and kind, closest first.
SUGGEST_PER_WORD = 5
# A candidate must be within one edit (levenshtein) per this many letters of the word.
LETTERS_PER_EDIT = 4

# A word of the reader's query; one right after "-" is excluded from the search, not sought.
_QUERY_WORD = re.compile(r"(?<![-\w])\w+")


@dataclass(frozen=True)
class Suggestion:
    """A person or organisation the reader may have meant by one word of the query."""

    kind: str  # "person" or "organisation", also the search parameter that filters by it
    name: str
    slug: str
    word: str  # as the reader typed it
    # The query without that word: the suggested search looks for the rest of the words,
    # filtered by the entity.
    remaining_query: str


def _names_expression() -> str:
    """An entity's known names as one text[], written exactly as in the indexes' expression."""
    first, *others = NAME_FIELDS
    return " || ".join([f"ARRAY[{first}]::text[]", *(f"{name}::text[]" for name in others)])


def _suggestions_sql(kind: str, table: str) -> str:
    """For each row of the `query` CTE (one per word), the entities of `table` spelt or
    sounding like the word, through the trigram and double-metaphone indexes of migration
    0004, closest first. A word that already is a word of a known name comes back with
    distance 0."""
    names = _names_expression()
    return f"""
        SELECT '{kind}' AS kind, query.position, found.*
        FROM query
        CROSS JOIN LATERAL (
            SELECT entity.name, entity.slug, nearest.distance,
                   word_similarity(query.word, names.text) AS similarity,
                   entity.article_count
            FROM {table} AS entity
            CROSS JOIN LATERAL (SELECT entity_name_text({names}) AS text) AS names
            CROSS JOIN LATERAL (
                SELECT min(levenshtein(query.word, left(name_word, 255))) AS distance
                FROM unnest(regexp_split_to_array(names.text, '[^[:alnum:]]+')) AS name_word
            ) AS nearest
            WHERE NOT entity.not_an_entity
              AND (entity_name_text({names}) %%> query.word
                   OR entity_name_sounds({names}) && query.sounds)
              AND (nearest.distance = 0
                   -- A name containing the word ("Russian" for "russia") corrects nothing.
                   OR (strpos(names.text, query.word) = 0 AND nearest.distance <= query.edits))
            ORDER BY nearest.distance, similarity DESC, entity.article_count DESC
            LIMIT %(per_word)s
        ) AS found
    """


_QUERY_CTE = """
    WITH query AS MATERIALIZED (
        SELECT position, word,
               greatest(1, length(word) / %(letters_per_edit)s) AS edits,
               ARRAY[dmetaphone(word), dmetaphone_alt(word)] AS sounds
        FROM (
            SELECT position, entity_name_text(ARRAY[typed]) AS word
            FROM unnest(%(words)s::text[]) WITH ORDINALITY AS typed_words (typed, position)
            -- Stop words ("about", "their") are nobody's name.
            WHERE length(to_tsvector(%(config)s::regconfig, typed)) > 0
        ) AS normalised
    )
"""


def _query_words(text: str) -> list[re.Match]:
    """The words of the query worth correcting (matches: their place in the text is needed
    to build the query without them)."""
    words, seen = [], set()
    for match in _QUERY_WORD.finditer(text):
        word = match.group().lower()
        worth = SUGGEST_MIN_LETTERS <= len(word) <= SUGGEST_MAX_LETTERS and not word.isdigit()
        if worth and word not in seen:
            seen.add(word)
            words.append(match)
            if len(words) == SUGGEST_MAX_WORDS:
                break
    return words


def _without(text: str, match: re.Match) -> str:
    remaining = " ".join((text[: match.start()] + text[match.end() :]).split())
    return remaining if re.search(r"\w", remaining) else ""


@contextmanager
def suggestion_settings(threshold: float):
    """The settings the lookup runs under, for the statements inside only (as `time_limit`
    does for the timeout), restored after:
    - pg_trgm's `%>` takes its threshold from a setting, unknown until pg_trgm is first used
      on the connection: then there is nothing to read, and NULL restores the default;
    - sequential scans off: on tables of a few thousand entries the planner prices the name
      expressions at almost nothing and computes them for every row (about 27 µs a row, 80 to
      270 ms a lookup with 1,500 people and 1,100 organisations); through the indexes the
      same rows come in 11 to 29 ms. On large tables it takes the indexes anyway."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('pg_trgm.word_similarity_threshold', true),"
            " current_setting('enable_seqscan'),"
            " set_config('pg_trgm.word_similarity_threshold', %s, true),"
            " set_config('enable_seqscan', 'off', true)",
            [str(threshold)],
        )
        previous_threshold, previous_seqscan, *_ = cursor.fetchone()
        yield cursor
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),"
            " set_config('enable_seqscan', %s, true)",
            [previous_threshold, previous_seqscan],
        )


def suggestions_statement(words: list[str]) -> tuple[str, dict]:
    """The SQL and parameters that look up `words` among people and organisations (apart
    from `name_suggestions` so that a test can EXPLAIN it)."""
    statement = _QUERY_CTE + " UNION ALL ".join(
        _suggestions_sql(kind, model._meta.db_table)
        for kind, model in (("person", Person), ("organisation", Organisation))
    )
    parameters = {
        "words": words,
        "config": SEARCH_CONFIG,
        "letters_per_edit": LETTERS_PER_EDIT,
        "per_word": SUGGEST_PER_WORD,
    }
    return statement, parameters


def name_suggestions(text: str, limit: int = SUGGESTIONS_SHOWN) -> list[Suggestion]:
    """People and organisations whose names or aliases are spelt or sound like a word of the
    query ("Porochenko", "Obma", "Klitchko"), for a search that found little.

    Each word of `SUGGEST_MIN_LETTERS` letters or more that is not a stop word is looked up by
    pg_trgm word similarity and by double metaphone (fuzzystrmatch), both through GIN indexes
    over the names, so a lookup reads the entities with a close name, never the whole table;
    a candidate is kept when it is a few edits (levenshtein) from a word of one of its names.
    A word that already is a word of a known name is taken as meant, so a query naming an
    entity exactly gets no suggestion. One statement for all words, people and organisations.
    """
    text = text or ""
    words = _query_words(text)
    if not words:
        return []
    with suggestion_settings(SUGGEST_SIMILARITY) as cursor:
        cursor.execute(*suggestions_statement([match.group() for match in words]))
        rows = cursor.fetchall()
    known = {position for _kind, position, _name, _slug, distance, *_ in rows if distance == 0}
    suggestions, seen = [], set()
    # Closest spelling first, then the most similar, then the most written about.
    for kind, position, name, slug, *_ in sorted(
        rows, key=lambda row: (row[4], -row[5], -row[6], row[1])
    ):
        if position in known or (kind, slug) in seen:
            continue
        seen.add((kind, slug))
        word = words[position - 1]
        suggestions.append(Suggestion(kind, name, slug, word.group(), _without(text, word)))
    return suggestions[:limit]
