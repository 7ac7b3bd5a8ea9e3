"""The archive's pages through the Django test client: what a reader sees, in bounded queries."""

import datetime
import json

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.models import Quote
from tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

BODY = "\n".join(
    [
        "Dmitry Peskov said talks would continue.",
        'The Kremlin warned of serious consequences," adding that nothing had changed.',
        "Officials in Kyiv <script>alert('x')</script> declined to comment.",
    ]
)


@pytest.fixture
def story():
    peskov = PersonFactory(
        name="Dmitry Peskov", description="Kremlin spokesman", aliases=["Peskov"]
    )
    kremlin = OrganisationFactory(name="Kremlin")
    hidden = OrganisationFactory(name="State", not_an_entity=True)
    article = ArticleFactory(
        title="Kremlin talks",
        body=BODY,
        source=SourceFactory(domain="nbcwashington.com", name="NBC Washington"),
        published=datetime.date(2021, 12, 2),
        people=[peskov],
        organisations=[kremlin, hidden],
    )
    QuoteFactory(
        article=article,
        person=peskov,
        text="talks would continue",
        paragraph=0,
        start=BODY.index("talks"),
    )
    second = BODY.split("\n")[1]
    QuoteFactory(
        article=article,
        organisation=kremlin,
        text="serious consequences",
        paragraph=1,
        start=second.index("serious"),
        verb="warned",
    )
    QuoteFactory(
        article=article,
        person=peskov,
        text="Officials",
        paragraph=2,
        start=0,
        status=Quote.Status.REJECTED,
    )
    related = ArticleFactory(
        title="Peskov again",
        published=datetime.date(2022, 1, 5),
        people=[peskov],
        organisations=[kremlin],
    )
    ArticleFactory(title="Unrelated", published=datetime.date(2022, 2, 5))
    return {"article": article, "peskov": peskov, "kremlin": kremlin, "related": related}


def test_article_page_paragraphs_entities_quotes_related(client, story):
    response = client.get(story["article"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    positions = [
        html.index(words) for words in ("talks would", "serious consequences", "declined to")
    ]
    assert positions == sorted(positions)
    assert 'href="/people/dmitry-peskov/"' in html
    assert 'href="/organisations/kremlin/"' in html
    assert ">State<" not in html
    assert 'class="quote"' in html and html.count('class="quote"') == 2
    assert "talks would continue</span>" in html
    assert "Quote from Kremlin" in html
    # The rejected quote is not marked.
    assert "Quote from Dmitry Peskov: </span>Officials" not in html
    assert "Peskov again" in html and "Unrelated" not in html
    # The first mention in the text links to the person's page.
    assert '<a class="entity-link" href="/people/dmitry-peskov/">Dmitry Peskov</a> said' in html
    assert html.count('class="entity-link" href="/organisations/kremlin/"') == 1


def test_article_page_escapes_stored_html(client, story):
    html = client.get(story["article"].get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_article_page_survives_bad_quote_offsets(client, story):
    QuoteFactory(article=story["article"], text="nonsense", paragraph=9, start=500, end=600)
    QuoteFactory(article=story["article"], text="overlap", paragraph=0, start=2, end=8)
    assert client.get(story["article"].get_absolute_url()).status_code == 200


def test_missing_article_is_404(client):
    assert client.get("/articles/no-such-story/").status_code == 404


def test_person_page(client, story):
    response = client.get(story["peskov"].get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kremlin spokesman" in html
    assert "Also written as" in html and "Peskov</span>" in html
    assert "talks would continue" in html
    assert "Officials</p>" not in html  # rejected quote
    assert "Kremlin talks" in html and "Peskov again" in html and "Unrelated" not in html
    page = response.context["page"]
    assert page.story_count == 2
    assert [(o.name, n) for o, n in page.organisations] == [("Kremlin", 2)]
    assert sum(bucket.count for bucket in page.timeline) == 2
    assert "<svg" in html


def test_a_person_page_counts_once_then_again_when_a_new_story_names_them(
    client, story, django_assert_max_num_queries
):
    peskov = story["peskov"]
    first = client.get(peskov.get_absolute_url()).context["page"]
    assert first.story_count == 2 and sum(bucket.count for bucket in first.timeline) == 2
    # Read again: the stories per month and the companions are not counted again.
    with django_assert_max_num_queries(6):
        again = client.get(peskov.get_absolute_url()).context["page"]
    assert again.timeline == first.timeline and again.organisations == first.organisations
    # A story imported since names them: its count, month and companions show at once.
    newsroom = OrganisationFactory(name="Newsroom")
    ArticleFactory(
        title="Peskov in spring",
        published=datetime.date(2023, 4, 1),
        people=[peskov],
        organisations=[newsroom],
    )
    peskov.refresh_from_db()
    page = client.get(peskov.get_absolute_url()).context["page"]
    assert page.story_count == 3 and sum(bucket.count for bucket in page.timeline) == 3
    assert ("Newsroom", 1) in [(o.name, n) for o, n in page.organisations]
    assert "Peskov in spring" in [article.title for article in page.stories]


def test_organisation_page(client, story):
    response = client.get(story["kremlin"].get_absolute_url())
    assert response.status_code == 200
    page = response.context["page"]
    assert [(p.name, n) for p, n in page.people] == [("Dmitry Peskov", 2)]
    assert "serious consequences" in response.content.decode()


def test_merged_slug_redirects_and_hidden_entity_is_404(client, story):
    peskov = story["peskov"]
    peskov.former_slugs = ["d-peskov"]
    peskov.save()
    response = client.get("/people/d-peskov/")
    assert response.status_code == 301 and response["Location"] == peskov.get_absolute_url()
    assert client.get("/organisations/state/").status_code == 404
    assert client.get("/people/nobody/").status_code == 404


def test_people_index_sorted_by_mentions_with_name_search(client, story):
    PersonFactory(name="Nobody Mentioned")
    by_alias = PersonFactory(name="Antony Blinken", aliases=["Tony"])
    ArticleFactory(people=[by_alias])
    response = client.get(reverse("articles:person_list"))
    names = [person.name for person in response.context["page"]]
    assert names == ["Dmitry Peskov", "Antony Blinken"], "no story names 'Nobody Mentioned'"
    assert "2 stories" in response.content.decode()
    found = client.get(reverse("articles:person_list"), {"q": "pesk"}).context["page"]
    assert [person.name for person in found] == ["Dmitry Peskov"]
    found = client.get(reverse("articles:person_list"), {"q": "tony"}).context["page"]
    assert [person.name for person in found] == [by_alias.name]


def test_spellings_extraction_saw_are_shown_and_found(client):
    person = PersonFactory(name="Volodymyr Zelensky", spellings=["Zelenskyy", "President Zelensky"])
    ArticleFactory(people=[person])
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Also written as" in html
    assert (
        '<span class="alias">Zelenskyy</span>, <span class="alias">President Zelensky</span>'
        in html
    )
    found = client.get(reverse("articles:person_list"), {"q": "zelenskyy"}).context["page"]
    assert [entry.name for entry in found] == ["Volodymyr Zelensky"]


def test_organisations_index_hides_not_an_entity(client, story):
    response = client.get(reverse("articles:organisation_list"))
    assert [o.name for o in response.context["page"]] == ["Kremlin"]


def test_quotes_search_and_speaker_filter(client, story):
    url = reverse("articles:quotes")
    all_quotes = client.get(url).context["page"]
    assert sorted(q.text for q in all_quotes) == ["serious consequences", "talks would continue"]
    found = client.get(url, {"q": "consequence"}).context["page"]
    assert [q.text for q in found] == ["serious consequences"]
    assert "<mark>consequences</mark>" in client.get(url, {"q": "consequence"}).content.decode()
    by_person = client.get(url, {"person": "dmitry-peskov"}).context["page"]
    assert [q.text for q in by_person] == ["talks would continue"]
    by_name = client.get(url, {"speaker": "kreml"}).context["page"]
    assert [q.text for q in by_name] == ["serious consequences"]


def test_home_page_has_search_box_and_latest(client, story):
    html = client.get("/").content.decode()
    assert 'role="search"' in html and 'name="q"' in html
    assert html.index("Unrelated") < html.index("Kremlin talks")


def test_invalid_parameters_give_a_clear_400(client):
    cases = [
        {"from": "2021-13-40"},
        {"to": "yesterday"},
        {"year": "20x1"},
        {"sort": "sideways"},
        {"page": "two"},
        {"person": "nobody-at-all"},
        {"source": "nowhere"},
        {"from": "2022-01-02", "to": "2022-01-01"},
    ]
    for params in cases:
        response = client.get(reverse("articles:search"), params)
        assert response.status_code == 400, params
        assert "could not be understood" in response.content.decode(), params


def test_search_feed(client, story):
    response = client.get(reverse("articles:search_feed"), {"person": "dmitry-peskov"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Peskov again" in body and "Unrelated" not in body
    assert client.get(reverse("articles:search_feed"), {"year": "x"}).status_code == 400


def streamed(response) -> str:
    assert response.streaming  # exports are never held whole in memory
    return b"".join(response.streaming_content).decode()


def test_exports_follow_the_search(client, story):
    params = {"person": "dmitry-peskov", "sort": "oldest"}
    data = json.loads(streamed(client.get(reverse("articles:search_json"), params)))
    assert [row["title"] for row in data["results"]] == ["Kremlin talks", "Peskov again"]
    assert data["results"][0]["people"] == ["Dmitry Peskov"]
    assert data["results"][0]["organisations"] == ["Kremlin"]  # "State" is hidden
    csv_text = streamed(client.get(reverse("articles:search_csv"), params))
    lines = csv_text.splitlines()
    assert lines[0] == "title,published,source,url,page,people,organisations"
    assert lines[1].startswith("Kremlin talks,2021-12-02,NBC Washington,")
    assert client.get(reverse("articles:search_json"), {"year": "x"}).status_code == 400


def test_csv_export_defuses_formulas(client):
    ArticleFactory(title="=HYPERLINK(1)")
    csv_text = streamed(client.get(reverse("articles:search_csv")))
    assert "'=HYPERLINK(1)" in csv_text


def test_favicon_and_admin_name_the_archive(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"].endswith("img/favicon.svg")
    assert client.get(icon["Location"]).status_code == 200
    login = client.get("/admin/login/").content.decode()
    assert "News archive administration" in login and "Django administration" not in login


def test_robots_and_noindex(client, story):
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Disallow: /search/" in robots.content.decode()
    html = client.get(reverse("articles:person_list"), {"q": "x"}).content.decode()
    assert 'content="noindex,follow"' in html
    assert 'content="noindex' not in client.get("/").content.decode()


@pytest.fixture
def busy_archive():
    """Enough of everything to show an N+1 query at once."""
    people = [PersonFactory() for _ in range(8)]
    organisations = [OrganisationFactory() for _ in range(5)]
    sources = [SourceFactory() for _ in range(3)]
    for n in range(30):
        article = ArticleFactory(
            title=f"Story about the summit {n}",
            body="The summit went on.\nMore on the summit.",
            source=sources[n % 3],
            people=people[n % 4 : n % 4 + 4],
            organisations=organisations[n % 3 : n % 3 + 2],
        )
        QuoteFactory(article=article, person=people[n % 8], text="The summit")
    return people, organisations


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("articles:home", {}),
        ("articles:search", {}),
        ("articles:search", {"q": "summit"}),
        ("articles:search", {"q": "summit", "person": "person-number0", "sort": "newest"}),
        ("articles:search", {"q": "zzzz"}),
        ("articles:person_list", {}),
        ("articles:organisation_list", {"q": "org"}),
        ("articles:quotes", {}),
        ("articles:quotes", {"q": "summit"}),
        ("articles:search_feed", {"q": "summit"}),
        ("articles:search_json", {"q": "summit"}),
        ("articles:search_csv", {}),
    ],
)
def test_list_pages_run_a_bounded_number_of_queries(
    client, busy_archive, django_assert_max_num_queries, name, params
):
    people, _ = busy_archive
    params = {
        key: (people[0].slug if value == "person-number0" else value)
        for key, value in params.items()
    }
    with django_assert_max_num_queries(18):
        response = client.get(reverse(name), params)
    assert response.status_code == 200


def test_detail_pages_run_a_bounded_number_of_queries(
    client, busy_archive, django_assert_max_num_queries
):
    people, organisations = busy_archive
    article = people[0].articles.first()
    for url in (
        article.get_absolute_url(),
        people[0].get_absolute_url(),
        organisations[0].get_absolute_url(),
    ):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


SEARCH_PARAMS = ["q", "person", "organisation", "source", "from", "to", "year", "sort", "page"]
text = st.text(max_size=40) | st.sampled_from(
    ["", "0", "-1", "2021-02-30", "99999999", "\x00", '"', "' or 1=1 --", "a:*", "!!", "(", "<"]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    params=st.dictionaries(
        st.sampled_from(SEARCH_PARAMS), st.lists(text, min_size=1, max_size=3), max_size=5
    ),
    page=st.sampled_from(
        [
            "articles:search",
            "articles:search_feed",
            "articles:search_json",
            "articles:quotes",
            "articles:person_list",
        ]
    ),
)
def test_random_parameters_never_give_a_server_error(client, story, params, page):
    response = client.get(reverse(page), params)
    assert response.status_code in (200, 400), (page, params, response.status_code)
