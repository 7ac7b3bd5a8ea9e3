"""Exports of any search: the parameters of /search/, and every matching story (or every quote
of those stories) as CSV, JSON Lines or JSON.

Streamed at constant memory and with no row cap: a server-side cursor walks the ids of the
matching stories in the search's order, `CHUNK_ROWS` at a time, and each chunk's titles,
sources and names are read in three queries, as the search page reads its page. The cursor
lives in one transaction under the search time limit (`search.time_limit`, applied to each
statement), so an export never holds a connection with a runaway query. Before anything is
sent the search itself runs under that limit, exactly as /search/ runs it: a search too broad
for the page gets a 503 error object here too, not a download that stops. A statement that
still runs out of time later stops the stream (`ExportStopped`), and the client sees an
incomplete transfer rather than a file that looks whole.

CSV cells that a spreadsheet would read as a formula are defused (`defuse`).
"""

import csv
import json
from collections.abc import Iterator
from urllib.parse import quote

from django import forms
from django.db.models import BooleanField, DateField, ExpressionWrapper, F
from django.db.models.expressions import RawSQL
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles import search
from articles.api.errors import invalid_parameters, search_too_slow
from articles.api.limits import ExportRateThrottle, read_only_cors, throttled
from articles.filters import ArticleSearchFilter
from articles.models import Article, OrganisationMention, PersonMention, Quote

# Stories fetched from the cursor, and described, at a time.
CHUNK_ROWS = 2000
# Stories per chunk when every quote of them is a row (a story has a few dozen at most).
QUOTE_CHUNK_STORIES = 500

STORY_FIELDS = ("title", "published", "source", "url", "page", "people", "organisations")
QUOTE_FIELDS = (
    "quote",
    "speaker",
    "speaker_kind",
    "speaker_words",
    "kind",
    "verb",
    "status",
    "title",
    "published",
    "source",
    "url",
    "page",
)
# A cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportStopped(Exception):
    """A statement of a streaming export ran past the search time limit."""


class ExportForm(forms.Form):
    rows = forms.ChoiceField(
        choices=[("stories", "One row per story"), ("quotes", "One row per quote")],
        required=False,
        error_messages={"invalid_choice": "Choose rows=stories or rows=quotes."},
    )


def defuse(value: str) -> str:
    """Defuse a spreadsheet formula: a cell may not start with = + - @, a tab or a carriage
    return, so it is prefixed with an apostrophe, which spreadsheets show as text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


# --- Rows ------------------------------------------------------------------------------------


def ordered_story_ids(filterset: ArticleSearchFilter, sort: str):
    """The ids of every story the search matches, in the search's order (`-rank, -published,
    pk` for relevance; by date otherwise), for a server-side cursor."""
    queryset = filterset.qs
    query = filterset.parsed_query.query
    if sort == "relevance":
        ranked = queryset.annotate(rank=search.rank_expression(query))
        return ranked.order_by("-rank", "-published", "pk").values_list("pk", flat=True)
    # As in search.candidates_for: walk the date index when matches are dense, otherwise
    # collect the matches from the GIN index and sort them ("published + 0" has no index).
    walk = query is None or search.plan_walk(queryset, CHUNK_ROWS)[0]
    published = (
        F("published") if walk else ExpressionWrapper(F("published") + 0, output_field=DateField())
    )
    if sort == "oldest":
        order = [published.asc(), F("pk").asc()]
    else:
        order = [published.desc(), F("pk").desc()]
    return queryset.order_by(*order).values_list("pk", flat=True)


def _in_chunk(model, column: str, ids: list[int]):
    """`model.column = ANY(ids)`: one array parameter, where an IN list of thousands of ids
    costs more to build than the query takes (as the search's facets do)."""
    return RawSQL(
        f'"{model._meta.db_table}"."{column}" = ANY(%s)', (ids,), output_field=BooleanField()
    )


def _names(mention_model, entity_field: str, ids: list[int]) -> dict[int, list[str]]:
    """{article id: names of the people (or organisations) it mentions, most mentioned
    first}, leaving out what editors marked "not an entity"."""
    names: dict[int, list[str]] = {}
    for article_id, name in (
        mention_model.objects.filter(
            _in_chunk(mention_model, "article_id", ids),
            **{f"{entity_field}__not_an_entity": False},
        )
        .order_by("-count", f"{entity_field}__name")
        .values_list("article_id", f"{entity_field}__name")
    ):
        names.setdefault(article_id, []).append(name)
    return names


class RowBuilder:
    """Turns a chunk of story ids into export rows (dicts keyed by the fields), reading plain
    values rather than model instances: building 2,000 of those a chunk was a third of the
    time."""

    def __init__(self, request, per_quote: bool):
        self.per_quote = per_quote
        self.fields = QUOTE_FIELDS if per_quote else STORY_FIELDS
        self.chunk_size = QUOTE_CHUNK_STORIES if per_quote else CHUNK_ROWS
        # Every row links to its story's page: the address is built once, not per row.
        self.page_prefix = request.build_absolute_uri(reverse("articles:article", args=["-"]))[:-2]

    def rows(self, ids: list[int]) -> list[dict]:
        return self._quote_rows(ids) if self.per_quote else self._story_rows(ids)

    def _stories(self, ids: list[int]) -> dict[int, dict]:
        """{id: the story's columns}."""
        return {
            pk: {
                "title": title,
                "published": published.isoformat(),
                "source": source,
                "url": url,
                "page": f"{self.page_prefix}{quote(slug)}/",
            }
            for pk, title, published, source, url, slug in Article.objects.filter(
                _in_chunk(Article, "id", ids)
            ).values_list("pk", "title", "published", "source__name", "url", "slug")
        }

    def _story_rows(self, ids):
        stories = self._stories(ids)
        people = _names(PersonMention, "person", ids)
        organisations = _names(OrganisationMention, "organisation", ids)
        return [
            {
                **stories[pk],
                "people": people.get(pk, []),
                "organisations": organisations.get(pk, []),
            }
            for pk in ids
            if pk in stories
        ]

    def _quote_rows(self, ids):
        stories = self._stories(ids)
        quotes: dict[int, list[dict]] = {}
        for article_id, text, kind, verb, words, status, *speakers in (
            Quote.objects.filter(_in_chunk(Quote, "article_id", ids))
            .exclude(status=Quote.Status.REJECTED)
            .order_by("paragraph", "start", "pk")
            .values_list(
                "article_id",
                "text",
                "kind",
                "verb",
                "speaker_text",
                "status",
                "person__name",
                "person__not_an_entity",
                "organisation__name",
                "organisation__not_an_entity",
            )
        ):
            speaker, speaker_kind = _speaker(*speakers)
            quotes.setdefault(article_id, []).append(
                {
                    "quote": text,
                    "speaker": speaker,
                    "speaker_kind": speaker_kind,
                    "speaker_words": words,
                    "kind": kind,
                    "verb": verb,
                    "status": status,
                }
            )
        return [
            {**found, **stories[pk]} for pk in ids if pk in stories for found in quotes.get(pk, [])
        ]


def _speaker(person, person_hidden, organisation, organisation_hidden) -> tuple[str, str]:
    """(name, "person" or "organisation"); empty when unknown or marked "not an entity", as on
    the story's page, where such a speaker is the story's words only."""
    if person is not None and not person_hidden:
        return person, "person"
    if organisation is not None and not organisation_hidden:
        return organisation, "organisation"
    return "", ""


# --- Formats -----------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns what it was given, for csv.writer."""

    def write(self, value):
        return value


class CsvFormat:
    content_type = "text/csv; charset=utf-8"
    extension = "csv"

    def __init__(self, fields):
        self.fields = fields
        self.writer = csv.writer(_Echo())

    def start(self) -> str:
        return self.writer.writerow(self.fields)

    def rows(self, rows, first: bool) -> str:
        return "".join(
            self.writer.writerow([self.cell(row[field]) for field in self.fields]) for row in rows
        )

    def cell(self, value) -> str:
        if isinstance(value, list):
            value = "; ".join(value)
        return defuse(value)

    def end(self, count: int) -> str:
        return ""


class JsonLinesFormat:
    content_type = "application/jsonl; charset=utf-8"
    extension = "jsonl"

    def __init__(self, fields):
        self.fields = fields

    def start(self) -> str:
        return ""

    def rows(self, rows, first: bool) -> str:
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

    def end(self, count: int) -> str:
        return ""


class JsonFormat:
    """{"results": [...], "count": n}: the count comes last, once every row has been sent."""

    content_type = "application/json; charset=utf-8"
    extension = "json"

    def __init__(self, fields):
        self.fields = fields

    def start(self) -> str:
        return '{"results": ['

    def rows(self, rows, first: bool) -> str:
        if not rows:
            return ""
        text = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
        return text if first else ",\n" + text

    def end(self, count: int) -> str:
        return f'],\n"count": {count}}}\n'


FORMATS = {"csv": CsvFormat, "jsonl": JsonLinesFormat, "json": JsonFormat}


def _chunks(ids: Iterator[int], size: int) -> Iterator[list[int]]:
    chunk = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def stream(ids_queryset, builder: RowBuilder, output) -> Iterator[str]:
    """The export's text, a chunk of rows at a time. Nothing touches the database until the
    first piece is asked for, and the transaction ends when the stream does (or is closed)."""
    yield output.start()
    count = 0
    try:
        with search.time_limit(search.search_timeout_ms()):
            for ids in _chunks(ids_queryset.iterator(chunk_size=CHUNK_ROWS), builder.chunk_size):
                rows = builder.rows(ids)
                yield output.rows(rows, first=count == 0)
                count += len(rows)
    except search.SearchTooSlow as error:
        raise ExportStopped(f"stopped at the search time limit after {count} rows") from error
    yield output.end(count)


@require_safe
def search_export(request, format):
    """GET /search/export.<format>?<search parameters>[&rows=quotes]."""
    filterset = ArticleSearchFilter(request.GET, queryset=Article.objects.all())
    options = ExportForm(request.GET)
    if not (filterset.is_valid() and options.is_valid()):
        return invalid_parameters(filterset, options)
    queryset = filterset.qs  # parses the query: filterset.parsed_query is set from here on
    query = filterset.parsed_query.query
    sort = search.resolve_sort(filterset.form.cleaned_data.get("sort"), query)
    try:
        # The search /search/ would run, under its time limit.
        with search.time_limit(search.search_timeout_ms()):
            search.candidates_for(queryset, query, sort)
    except search.SearchTooSlow:
        return search_too_slow()
    per_quote = options.cleaned_data.get("rows") == "quotes"
    builder = RowBuilder(request, per_quote)
    output = FORMATS[format](builder.fields)
    response = StreamingHttpResponse(
        stream(ordered_story_ids(filterset, sort), builder, output),
        content_type=output.content_type,
    )
    name = "archive-quotes" if per_quote else "archive-search"
    response["Content-Disposition"] = f'attachment; filename="{name}.{output.extension}"'
    response["X-Robots-Tag"] = "noindex"
    return response


search_export = read_only_cors(throttled(ExportRateThrottle)(search_export))
