"""Atom feeds: valid Atom, titled after what they follow, with story text that stays text."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from articles import feeds, search
from tests.factories import ArticleFactory, OrganisationFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def atom(response):
    """The feed parsed, after checking what every Atom feed must carry (RFC 4287)."""
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for name in ("title", "id", "updated"):
        assert root.find(f"{ATOM}{name}").text, name
    assert root.find(f"{ATOM}link[@rel='self']").get("href").startswith("http://testserver/")
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("title", "id", "updated", "published", "summary"):
            assert entry.find(f"{ATOM}{name}") is not None, name
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        # Either the entry or the feed must name an author.
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        # Summaries are text: a feed reader must not render a story's words as HTML.
        assert entry.find(f"{ATOM}summary").get("type") == "text"
    return root


def titles(root):
    return [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]


@pytest.fixture
def stories():
    peskov = PersonFactory(name="Dmitry Peskov", former_slugs=["peskov"])
    kremlin = OrganisationFactory(name="Kremlin")
    source = SourceFactory(name="NBC Washington")
    day = datetime.date(2021, 12, 1)
    ArticleFactory(title="Kremlin talks", published=day, people=[peskov], source=source)
    ArticleFactory(
        title="Peskov again <script>alert(1)</script>",
        body="He said <script>alert('x')</script> & more.\nSecond paragraph.",
        published=day + datetime.timedelta(days=1),
        people=[peskov],
        organisations=[kremlin],
        source=source,
    )
    ArticleFactory(title="Unrelated talks", published=day + datetime.timedelta(days=2))
    return {"peskov": peskov, "kremlin": kremlin, "source": source}


def test_the_newest_stories(client, stories):
    root = atom(client.get(reverse("articles:feed")))
    assert root.find(f"{ATOM}title").text == "News archive: newest stories"
    assert titles(root) == [
        "Unrelated talks",
        "Peskov again <script>alert(1)</script>",
        "Kremlin talks",
    ]


def test_a_search_feed_is_titled_after_its_query_and_filters(client, stories):
    response = client.get(
        reverse("articles:search_feed"),
        {"q": "talks", "person": "dmitry-peskov", "year": "2021", "sort": "oldest", "page": "2"},
    )
    root = atom(response)
    assert root.find(f"{ATOM}title").text == "News archive: “talks” · Dmitry Peskov · 2021"
    assert titles(root) == ["Kremlin talks"]
    # The feed links to the search it follows (a feed has no page or order of its own).
    alternate = root.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert alternate == "http://testserver/search/?q=talks&person=dmitry-peskov&year=2021"
    title = atom(client.get(reverse("articles:search_feed"), {"source": stories["source"].slug}))
    assert title.find(f"{ATOM}title").text == "News archive: NBC Washington"


def test_stored_markup_comes_out_as_escaped_text(client, stories):
    response = client.get(reverse("articles:feed"))
    raw = response.content.decode()
    assert "<script" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    assert 'type="html"' not in raw
    entry = atom(response).findall(f"{ATOM}entry")[1]
    # Read back, the summary is the first paragraph, as text.
    assert entry.find(f"{ATOM}summary").text == "He said <script>alert('x')</script> & more."


def test_characters_xml_cannot_carry_are_dropped(client):
    ArticleFactory(title="Bell\x07 story", body="Tab\tand bell\x07.")
    root = atom(client.get(reverse("articles:search_feed"), {"q": "story\x01"}))
    assert root.find(f"{ATOM}title").text == "News archive: “story”"
    assert titles(root) == ["Bell story"]


def test_long_summaries_are_cut_at_a_word(client):
    ArticleFactory(body="word " * 200)
    [entry] = atom(client.get(reverse("articles:feed"))).findall(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary").text
    assert summary.endswith("word …") and len(summary) <= feeds.SUMMARY_CHARS + 2


def test_person_and_organisation_feeds(client, stories):
    person = atom(client.get(reverse("articles:person_feed", args=["dmitry-peskov"])))
    assert person.find(f"{ATOM}title").text == "News archive: Dmitry Peskov"
    assert titles(person) == ["Peskov again <script>alert(1)</script>", "Kremlin talks"]
    link = person.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link == "http://testserver" + stories["peskov"].get_absolute_url()
    organisation = atom(client.get(reverse("articles:organisation_feed", args=["kremlin"])))
    assert organisation.find(f"{ATOM}title").text == "News archive: Kremlin"
    assert titles(organisation) == ["Peskov again <script>alert(1)</script>"]
    # A merged entry's old address follows it; an unknown one is not found.
    moved = client.get(reverse("articles:person_feed", args=["peskov"]))
    assert moved.status_code == 301
    assert moved["Location"] == reverse("articles:person_feed", args=["dmitry-peskov"])
    assert client.get(reverse("articles:person_feed", args=["nobody"])).status_code == 404


def test_a_feed_holds_the_newest_stories_only(client):
    person = PersonFactory()
    for n in range(feeds.FEED_SIZE + 5):
        ArticleFactory(title=f"Story {n:02}", people=[person])
    root = atom(client.get(reverse("articles:person_feed", args=[person.slug])))
    assert titles(root) == [f"Story {n:02}" for n in range(feeds.FEED_SIZE + 4, 4, -1)]


def test_invalid_parameters_answer_the_error_object(client):
    response = client.get(reverse("articles:search_feed"), {"year": "x", "person": "nobody"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["errors"]) == {"year", "person"}


def test_a_feed_respects_the_search_time_limit(client, stories, monkeypatch):
    def slow(*args, **kwargs):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")

    monkeypatch.setattr(search, "SEARCH_TIMEOUT_MS", 50)
    monkeypatch.setattr(search, "candidates_for", slow)
    response = client.get(reverse("articles:search_feed"), {"q": "talks"})
    assert response.status_code == 503
    assert response.json()["code"] == "search_timeout"
    monkeypatch.undo()
    assert client.get(reverse("articles:search_feed"), {"q": "talks"}).status_code == 200


def test_feeds_are_readable_from_any_origin(client, stories):
    response = client.get(reverse("articles:feed"))
    assert response["Access-Control-Allow-Origin"] == "*"


def _links(html):
    """(rel, type, href) of every <link> and (text, href) of every <a>, in page order, hrefs
    unescaped."""
    links = [
        (rel, kind, href.replace("&amp;", "&"))
        for rel, kind, href in re.findall(
            r'<link rel="([^"]+)" type="([^"]+)"[^>]*href="([^"]+)"', html
        )
    ]
    anchors = [
        (re.sub(r"<[^>]+>", "", text), href.replace("&amp;", "&"))
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html)
    ]
    return links, anchors


def test_pages_link_their_feeds_and_exports(client, stories):
    html = client.get(reverse("articles:search"), {"q": "talks", "page": "1"}).content.decode()
    links, anchors = _links(html)
    named = dict(anchors)
    feeds_linked = [href for rel, kind, href in links if kind == "application/atom+xml"]
    assert feeds_linked == ["/feed/", "/search/feed/?q=talks"]
    assert named["Follow this search (Atom feed)"] == "/search/feed/?q=talks"
    exports = [href for _text, href in anchors if "/export." in href]
    assert exports == [
        "/search/export.csv?q=talks",
        "/search/export.jsonl?q=talks",
        "/search/export.json?q=talks",
        "/search/export.csv?q=talks&rows=quotes",
    ]
    assert named["the same search in the API"] == "/api/articles/?q=talks"
    for href in [*feeds_linked, *exports, named["the same search in the API"]]:
        assert client.get(href).status_code == 200, href

    html = client.get(stories["peskov"].get_absolute_url()).content.decode()
    links, anchors = _links(html)
    named = dict(anchors)
    feed = "/people/dmitry-peskov/feed/"
    assert ("alternate", "application/atom+xml", feed) in links
    assert named["Follow Dmitry Peskov (Atom feed)"] == feed
    exports = [href for _text, href in anchors if "/export." in href]
    assert exports == [
        "/search/export.csv?person=dmitry-peskov",
        "/search/export.jsonl?person=dmitry-peskov",
        "/search/export.json?person=dmitry-peskov",
        "/search/export.csv?person=dmitry-peskov&rows=quotes",
    ]
    assert named["API"] == "/api/people/dmitry-peskov/"
    for href in [feed, *exports, named["API"]]:
        assert client.get(href).status_code == 200, href
    organisation = client.get(reverse("articles:organisation", args=["kremlin"])).content.decode()
    assert ("alternate", "application/atom+xml", "/organisations/kremlin/feed/") in _links(
        organisation
    )[0]
    assert client.get("/").content.decode().count('href="/api/docs/"') == 1
