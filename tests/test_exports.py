"""Exports of a search: every match (no cap), streamed a chunk at a time, one row per story or
per quote, with no cell a spreadsheet would run as a formula."""

import csv
import datetime
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from articles import search
from articles.api import exports
from articles.models import Quote
from tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CSV = reverse("articles:search_csv")
JSONL = reverse("articles:search_jsonl")
JSON = reverse("articles:search_json")


def streamed(response):
    """The body of a streamed export, and how many pieces it came in."""
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    pieces = [piece for piece in response.streaming_content if piece]
    return b"".join(pieces).decode(), len(pieces)


def csv_rows(response):
    text, _ = streamed(response)
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def archive():
    person = PersonFactory(name="Ilse Marrow")
    for n in range(30):
        ArticleFactory(
            title=f"Summit day {n}" if n % 2 else f"Harbour day {n}",
            body="The summit went on." if n % 3 else "Fishing quotas.",
            published=datetime.date(2021, 1, 1) + datetime.timedelta(days=n // 2),
            people=[person] if n % 4 == 0 else [],
        )
    return person


def slugs_of(pages):
    return [page.rstrip("/").rsplit("/", 1)[1] for page in pages]


def search_page_slugs(client, params):
    """Every story the search page lists, page after page."""
    slugs, page = [], 1
    while True:
        results = client.get(reverse("articles:search"), {**params, "page": page}).context[
            "results"
        ]
        slugs += [row.article.slug for row in results.rows]
        if page >= results.num_pages:
            return slugs
        page += 1


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "summit"}, {"q": "summit", "sort": "oldest"}, {"person": "ilse-marrow"}],
)
def test_every_format_lists_what_the_search_lists(client, archive, params):
    expected = search_page_slugs(client, params)
    rows = csv_rows(client.get(CSV, params))
    assert rows[0] == list(exports.STORY_FIELDS)
    assert slugs_of(row[4] for row in rows[1:]) == expected
    lines, _ = streamed(client.get(JSONL, params))
    records = [json.loads(line) for line in lines.splitlines()]
    assert slugs_of(record["page"] for record in records) == expected
    whole = json.loads(streamed(client.get(JSON, params))[0])
    assert whole["count"] == len(expected)
    assert whole["results"] == records


def test_exports_have_no_row_cap(client, archive, monkeypatch):
    # Below the cap the search page lists every match; above it, only the ranked candidates.
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 8)
    listed = client.get(reverse("articles:search"), {"q": "summit"}).context["results"]
    assert len(listed.candidates.rows) == 8
    rows = csv_rows(client.get(CSV, {"q": "summit"}))
    assert len(rows) - 1 == 25


def test_the_export_streams_a_chunk_at_a_time_and_is_complete(
    client, archive, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 7)
    response = client.get(JSONL, {"sort": "oldest"})
    # Nothing has been read yet: the rows come as the body is consumed.
    # The cursor and its time limit in a savepoint (5 statements), then 3 queries a chunk.
    with django_assert_max_num_queries(5 + 3 * 5):
        text, pieces = streamed(response)
    records = [json.loads(line) for line in text.splitlines()]
    assert len(records) == 30
    assert [record["title"] for record in records][:2] == ["Harbour day 0", "Summit day 1"]
    assert pieces == 30 // 7 + 1
    assert response["Content-Disposition"] == 'attachment; filename="archive-search.jsonl"'


def test_json_is_whole_even_when_empty(client):
    assert json.loads(streamed(client.get(JSON, {"q": "nothing"}))[0]) == {
        "results": [],
        "count": 0,
    }


def test_every_cell_that_could_start_a_formula_is_defused(client):
    ArticleFactory(
        title='=HYPERLINK("http://x","y")',
        url="https://news.example.com/formula/",
        source=SourceFactory(name="+cmd|' /C calc'!A0"),
        people=[PersonFactory(name="@SUM(1+1)"), PersonFactory(name="Zed")],
        organisations=[OrganisationFactory(name="-2+3")],
    )
    ArticleFactory(title="\tTabbed", people=[PersonFactory(name="\rReturn")])
    ArticleFactory(title="Plain - title", people=[PersonFactory(name="Ann Lee")])
    rows = {row[0]: row for row in csv_rows(client.get(CSV))[1:]}
    formula = rows['\'=HYPERLINK("http://x","y")']
    assert formula[2] == "'+cmd|' /C calc'!A0"
    assert formula[5] == "'@SUM(1+1); Zed"  # the joined people column too
    assert formula[6] == "'-2+3"
    assert rows["'\tTabbed"][5] == "'\rReturn"
    assert rows["Plain - title"][5] == "Ann Lee"
    for row in rows.values():
        assert not any(cell.startswith(exports.FORMULA_STARTS) for cell in row)
    # JSON carries the text as it is: no spreadsheet reads it.
    records = [json.loads(line) for line in streamed(client.get(JSONL))[0].splitlines()]
    assert {record["title"] for record in records} >= {'=HYPERLINK("http://x","y")'}


@pytest.fixture
def quoted():
    peskov = PersonFactory(name="Dmitry Peskov")
    nobody = PersonFactory(name="Ill", not_an_entity=True)
    kremlin = OrganisationFactory(name="Kremlin")
    older = ArticleFactory(title="Older", published=datetime.date(2021, 1, 1))
    newer = ArticleFactory(title="Newer", published=datetime.date(2021, 2, 1))
    QuoteFactory(article=older, person=peskov, text="=first", paragraph=1)
    QuoteFactory(article=older, organisation=kremlin, text="second", paragraph=1, start=40)
    QuoteFactory(article=older, person=peskov, text="rejected", status=Quote.Status.REJECTED)
    QuoteFactory(article=newer, person=nobody, text="by nobody", speaker_text="he")
    QuoteFactory(article=newer, person=peskov, text="opening", paragraph=0)
    ArticleFactory(title="No quotes")


def test_one_row_per_quote(client, quoted):
    rows = csv_rows(client.get(CSV, {"rows": "quotes"}))
    assert rows[0] == list(exports.QUOTE_FIELDS)
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    # Newest story first, each story's quotes in reading order; rejected quotes left out.
    assert [(row["title"], row["quote"], row["speaker"], row["speaker_kind"]) for row in table] == [
        ("Newer", "by nobody", "", ""),
        ("Newer", "opening", "Dmitry Peskov", "person"),
        ("Older", "'=first", "Dmitry Peskov", "person"),
        ("Older", "second", "Kremlin", "organisation"),
    ]
    assert table[0]["speaker_words"] == "he"
    response = client.get(JSONL, {"rows": "quotes", "q": "older"})
    assert response["Content-Disposition"] == 'attachment; filename="archive-quotes.jsonl"'
    records = [json.loads(line) for line in streamed(response)[0].splitlines()]
    assert [record["quote"] for record in records] == ["=first", "second"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [({"rows": "pages"}, "rows"), ({"year": "x"}, "year"), ({"person": "nobody"}, "person")],
)
def test_invalid_parameters_answer_the_error_object(client, params, parameter):
    for url in (CSV, JSONL, JSON):
        response = client.get(url, params)
        assert response.status_code == 400
        assert response.json()["errors"].keys() == {parameter}


def _sleep(*args, **kwargs):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(1)")


def test_an_export_respects_the_search_time_limit(client, archive, monkeypatch):
    monkeypatch.setattr(search, "SEARCH_TIMEOUT_MS", 50)
    # The search itself runs out of time: an error object, not a download.
    monkeypatch.setattr(search, "candidates_for", _sleep)
    response = client.get(CSV, {"q": "summit"})
    assert response.status_code == 503
    assert response.json()["code"] == "search_timeout"
    # A statement of the stream runs out of time: the stream stops, it does not end cleanly.
    monkeypatch.undo()
    monkeypatch.setattr(search, "SEARCH_TIMEOUT_MS", 50)
    monkeypatch.setattr(exports.RowBuilder, "rows", lambda self, ids: _sleep())
    response = client.get(CSV, {"q": "summit"})
    with pytest.raises(exports.ExportStopped):
        b"".join(response.streaming_content)
    monkeypatch.undo()
    assert len(csv_rows(client.get(CSV, {"q": "summit"}))) == 26


def test_exports_are_readable_from_any_origin(client):
    response = client.get(CSV)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Robots-Tag"] == "noindex"
