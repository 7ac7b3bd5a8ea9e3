"""The JSON API under /api/: the same stories as the search page, pages that stay put while
stories arrive, error objects, and what each item says."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from articles.api import views as api_views
from articles.filters import ArticleSearchFilter
from articles.models import Quote
from tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

ARTICLES = reverse("api:article-list")


@pytest.fixture
def archive():
    """47 stories: some about a summit (in the title, in the body, or both, so that ranks
    differ and tie), several on the same day, across two sources, naming three people."""
    sources = [SourceFactory(name="Harbour Post"), SourceFactory(name="Coastline Times")]
    people = [PersonFactory(name=name) for name in ("Ilse Marrow", "Henrik Saal", "Lena Oduya")]
    organisations = [OrganisationFactory(name="Northern Alliance")]
    start = datetime.date(2021, 3, 1)
    for n in range(47):
        summit = n % 3 != 0
        ArticleFactory(
            title=f"Summit talks day {n}" if n % 4 == 0 else f"Harbour news {n}",
            body=("The summit went on." if summit else "Fishing quotas were discussed.")
            + ("\nMore on the summit." if n % 5 == 0 else ""),
            published=start + datetime.timedelta(days=n // 3),
            source=sources[n % 2],
            people=people[: n % 4],
            organisations=organisations if n % 2 else [],
        )
    return {"sources": sources, "people": people, "organisations": organisations}


def html_slugs(client, params):
    """Every story the search page lists for `params`, page after page."""
    slugs, page = [], 1
    while True:
        response = client.get(reverse("articles:search"), {**params, "page": page})
        assert response.status_code == 200
        results = response.context["results"]
        slugs += [row.article.slug for row in results.rows]
        if page >= results.num_pages:
            return slugs
        page += 1


def api_slugs(client, params, page_size=None):
    slugs, pages = [], 0
    response = client.get(ARTICLES, {**params, **({"page_size": page_size} if page_size else {})})
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        slugs += [story["slug"] for story in body["results"]]
        pages += 1
        if body["next"] is None:
            return slugs, pages
        response = client.get(body["next"])


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "summit"},
        {"q": "summit", "sort": "oldest"},
        {"q": "summit", "sort": "newest"},
        {"q": "summit talks"},
        {"q": "fishing or talks", "year": "2021"},
        {"person": "henrik-saal"},
        {"person": ["ilse-marrow", "henrik-saal"], "q": "summit"},
        {"organisation": "northern-alliance", "sort": "oldest"},
        {"from": "2021-03-04", "to": "2021-03-10", "q": "summit"},
        {"q": "nothing-matches-this"},
    ],
)
def test_api_lists_what_the_search_page_lists(client, archive, params):
    if "source" in params:
        params["source"] = archive["sources"][0].slug
    expected = html_slugs(client, params)
    slugs, pages = api_slugs(client, params)
    assert slugs == expected
    # The default page size is the search page's: page for page the same stories.
    assert pages == max(1, -(-len(expected) // 20))
    assert api_slugs(client, params, page_size=7)[0] == expected


def test_api_source_filter_and_relevance_order(client, archive):
    params = {"source": archive["sources"][1].slug, "q": "summit"}
    expected = html_slugs(client, params)
    assert len(expected) > 5
    assert api_slugs(client, params, page_size=4)[0] == expected
    body = client.get(ARTICLES, params).json()
    assert body["sort"] == "relevance"


def test_a_query_of_only_common_words_says_so(client, archive):
    body = client.get(ARTICLES, {"q": "the and"}).json()
    assert len(body["notes"]) == 1 and "“the and”" in body["notes"][0]
    assert body["sort"] == "newest" and len(body["results"]) == 20
    assert client.get(ARTICLES, {"q": "summit"}).json()["notes"] == []


def test_every_search_parameter_is_documented():
    documented = {parameter.name for parameter in api_views.SEARCH_PARAMETERS}
    # The page number is the one parameter the API replaces (by the cursor).
    assert documented == set(ArticleSearchFilter.base_filters) - {"page"}


def _story_on(day, title, body="The summit went on."):
    return ArticleFactory(title=title, body=body, published=day)


def test_pages_stay_put_while_stories_arrive(client, archive):
    first = client.get(ARTICLES, {"page_size": 10}).json()
    last_day = datetime.date.fromisoformat(first["results"][-1]["published"])
    before = [story["slug"] for story in first["results"]]
    everything_before = api_slugs(client, {})[0]
    # Stories arrive: one newer than anything, one on the day the page ended (a higher id:
    # it sorts before the last item seen), and one older than anything.
    _story_on(datetime.date(2030, 1, 1), "Newest")
    _story_on(last_day, "Same day")
    oldest = _story_on(datetime.date(2000, 1, 1), "Oldest")

    rest = []
    response = client.get(first["next"])
    while True:
        body = response.json()
        rest += [story["slug"] for story in body["results"]]
        if body["next"] is None:
            break
        response = client.get(body["next"])
    # Nothing seen is repeated and nothing that was there is skipped; of the arrivals only
    # the one that sorts after the cursor shows up, at its place.
    assert rest == everything_before[10:] + [oldest.slug]
    assert not set(rest) & set(before)


def test_relevance_pages_rank_the_stories_there_were_at_the_first_page(client, archive):
    params = {"q": "summit", "page_size": 5}
    first = client.get(ARTICLES, params).json()
    expected = html_slugs(client, {"q": "summit"})
    # A story that would rank first arrives after the first page was read.
    late = ArticleFactory(title="Summit summit summit", body="The summit. The summit.")
    slugs = [story["slug"] for story in first["results"]]
    response = client.get(first["next"])
    while True:
        body = response.json()
        slugs += [story["slug"] for story in body["results"]]
        if body["next"] is None:
            break
        response = client.get(body["next"])
    assert slugs == expected
    assert late.slug not in slugs
    # A new first page sees it.
    assert client.get(ARTICLES, params).json()["results"][0]["slug"] == late.slug


@pytest.mark.parametrize("params", [{}, {"q": "summit"}, {"sort": "oldest"}])
def test_previous_leads_back_to_the_same_pages(client, archive, params):
    first = client.get(ARTICLES, {**params, "page_size": 6}).json()
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    back = client.get(third["previous"]).json()
    assert [s["slug"] for s in back["results"]] == [s["slug"] for s in second["results"]]
    again = client.get(back["previous"]).json()
    assert [s["slug"] for s in again["results"]] == [s["slug"] for s in first["results"]]
    assert again["previous"] is None
    assert client.get(again["next"]).json()["results"] == second["results"]


def error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == status
    return body


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"year": "20x1"}, "year"),
        ({"from": "2021-13-40"}, "from"),
        ({"sort": "sideways"}, "sort"),
        ({"person": "nobody-at-all"}, "person"),
        ({"source": "nowhere"}, "source"),
        ({"q": "x" * 301}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"from": "2022-01-02", "to": "2022-01-01"}, "parameters"),
        ({"page": "2"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJvIjoibmV3ZXN0IiwicCI6WyJ4IiwxXX0"}, "cursor"),  # {"o":"newest","p":["x",1]}
    ],
)
def test_invalid_parameters_answer_an_error_object(client, params, parameter):
    body = error(client.get(ARTICLES, params), 400)
    assert body["code"] == "invalid"
    assert list(body["errors"]) == [parameter]
    assert all(isinstance(message, str) and message for message in body["errors"][parameter])


def test_a_cursor_of_another_order_is_refused(client, archive):
    newest = client.get(ARTICLES, {"page_size": 3}).json()
    cursor = re.search(r"cursor=([^&]+)", newest["next"]).group(1)
    body = error(client.get(ARTICLES, {"sort": "oldest", "cursor": cursor}), 400)
    assert "another order" in body["errors"]["cursor"][0]


def test_a_search_too_slow_answers_503(client, archive, monkeypatch):
    from articles import search

    def slow(*args, **kwargs):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")

    monkeypatch.setattr(search, "SEARCH_TIMEOUT_MS", 50)
    monkeypatch.setattr(search, "candidates_for", slow)
    body = error(client.get(ARTICLES, {"q": "summit"}), 503)
    assert body["code"] == "search_timeout"
    monkeypatch.undo()
    assert client.get(ARTICLES, {"q": "summit"}).status_code == 200


@pytest.fixture
def story():
    peskov = PersonFactory(name="Dmitry Peskov", aliases=["Peskov"], former_slugs=["peskov"])
    hidden_person = PersonFactory(name="Ill", not_an_entity=True)
    kremlin = OrganisationFactory(name="Kremlin")
    hidden = OrganisationFactory(name="State", not_an_entity=True)
    article = ArticleFactory(
        title="Kremlin <b>talks</b>",
        body="Dmitry Peskov said talks would continue.\nThe Kremlin warned of consequences.",
        source=SourceFactory(domain="nbcwashington.com", name="NBC Washington"),
        published=datetime.date(2021, 12, 2),
        people=[peskov, hidden_person],
        organisations=[kremlin, hidden],
    )
    said = QuoteFactory(article=article, person=peskov, text="talks would continue", start=21)
    QuoteFactory(article=article, organisation=kremlin, text="consequences", paragraph=1)
    QuoteFactory(article=article, person=peskov, text="wrong", status=Quote.Status.REJECTED)
    QuoteFactory(article=article, person=hidden_person, text="by nobody", paragraph=1, start=5)
    return {"article": article, "peskov": peskov, "kremlin": kremlin, "said": said}


def test_a_story_with_its_people_organisations_and_quotes(client, story):
    [item] = client.get(ARTICLES).json()["results"]
    assert item["title"] == "Kremlin <b>talks</b>"  # JSON carries text, never markup
    assert item["published"] == "2021-12-02"
    assert item["source"]["name"] == "NBC Washington"
    assert item["url"] == story["article"].url
    assert item["archive_url"] == "http://testserver" + story["article"].get_absolute_url()
    assert [person["name"] for person in item["people"]] == ["Dmitry Peskov"]
    assert [organisation["name"] for organisation in item["organisations"]] == ["Kremlin"]
    quotes = [
        (quote["text"], quote["speaker"] and quote["speaker"]["name"]) for quote in item["quotes"]
    ]
    # Reading order; the rejected quote is left out; a speaker marked "not an entity" is no one.
    assert quotes == [
        ("talks would continue", "Dmitry Peskov"),
        ("consequences", "Kremlin"),
        ("by nobody", None),
    ]
    assert item["quotes"][0]["speaker"]["kind"] == "person"
    detail = client.get(item["api_url"]).json()
    assert detail["paragraphs"] == story["article"].paragraphs
    assert detail["quotes"] == item["quotes"]


def test_people_organisations_sources_and_quotes(client, story, archive):
    people = client.get(reverse("api:person-list"), {"page_size": 100}).json()["results"]
    names = [person["name"] for person in people]
    assert names == sorted(names) and "Ill" not in names and "Dmitry Peskov" in names
    peskov = client.get(reverse("api:person-list"), {"q": "peskov"}).json()["results"]
    assert [(person["slug"], person["stories"]) for person in peskov] == [("dmitry-peskov", 1)]
    stories = client.get(peskov[0]["articles_url"]).json()["results"]
    assert [item["slug"] for item in stories] == [story["article"].slug]
    # A merged entry's old slug redirects to the one it joined.
    moved = client.get(reverse("api:person-detail", args=["peskov"]))
    assert moved.status_code == 301
    assert moved["Location"] == reverse("api:person-detail", args=["dmitry-peskov"])
    assert client.get(moved["Location"]).json()["aliases"] == ["Peskov"]
    error(client.get(reverse("api:person-detail", args=["ill"])), 404)
    assert error(client.get(reverse("api:article-detail", args=["nothing"])), 404)["code"] == (
        "not_found"
    )

    organisations = client.get(reverse("api:organisation-list"), {"q": "krem"}).json()
    assert [item["name"] for item in organisations["results"]] == ["Kremlin"]
    sources = client.get(reverse("api:source-list")).json()["results"]
    assert [source["name"] for source in sources] == [
        "Coastline Times",
        "Harbour Post",
        "NBC Washington",
    ]
    source = client.get(sources[2]["api_url"]).json()
    assert source["domain"] == "nbcwashington.com"

    quotes = client.get(reverse("api:quote-list"), {"person": "dmitry-peskov"}).json()
    assert [quote["text"] for quote in quotes["results"]] == ["talks would continue"]
    assert quotes["results"][0]["article"]["slug"] == story["article"].slug
    found = client.get(reverse("api:quote-detail", args=[story["said"].pk])).json()
    assert found == quotes["results"][0]


def test_quotes_are_listed_as_the_quotes_page_lists_them(client, archive):
    for n, article in enumerate(archive["people"][0].articles.all()[:8]):
        QuoteFactory(article=article, person=archive["people"][n % 3], text=f"summit {n}")
        QuoteFactory(article=article, person=archive["people"][0], text="later", paragraph=1)
    page = client.get(reverse("articles:quotes"))
    expected = [quote.pk for quote in page.context["page"].object_list]
    ids, response = [], client.get(reverse("api:quote-list"), {"page_size": 3})
    while True:
        body = response.json()
        ids += [quote["id"] for quote in body["results"]]
        if body["next"] is None:
            break
        response = client.get(body["next"])
    assert ids == expected and len(ids) == 16


def test_the_article_list_runs_a_bounded_number_of_queries(
    client, archive, django_assert_max_num_queries
):
    for article in archive["people"][0].articles.all():
        QuoteFactory(article=article, person=archive["people"][0])
    for params in ({"page_size": 100}, {"q": "summit", "page_size": 100}):
        with django_assert_max_num_queries(12):
            body = client.get(ARTICLES, params).json()
        assert len(body["results"]) > 20


def test_any_origin_may_read_and_nothing_is_indexed(client, archive):
    response = client.get(ARTICLES, HTTP_ORIGIN="https://elsewhere.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Robots-Tag"] == "noindex"
    preflight = client.options(
        ARTICLES,
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 200
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert client.post(ARTICLES).status_code == 405
    errors = client.get(ARTICLES, {"year": "x"})
    assert errors["Access-Control-Allow-Origin"] == "*"


def test_the_schema_and_the_documentation_page(client):
    schema = client.get(reverse("api:schema"), {"format": "json"})
    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert set(paths) == {
        "/api/articles/",
        "/api/articles/{slug}/",
        "/api/people/",
        "/api/people/{slug}/",
        "/api/organisations/",
        "/api/organisations/{slug}/",
        "/api/quotes/",
        "/api/quotes/{quote_id}/",
        "/api/sources/",
        "/api/sources/{slug}/",
    }
    search_parameters = {
        parameter["name"] for parameter in paths["/api/articles/"]["get"]["parameters"]
    }
    assert {"q", "person", "from", "to", "cursor", "page_size"} <= search_parameters
    assert client.get(reverse("api:schema"))["Content-Type"].startswith(
        "application/vnd.oai.openapi"
    )

    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    for path in paths:
        assert f"<code>{path}</code>" in html
    assert "<code>page_size</code>" in html
    # Served entirely from here: no script at all, styles from our own static files.
    assert "<script" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html.replace("http://testserver", ""))
