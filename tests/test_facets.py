"""Every value of a search facet: the "show all" link under a facet and the list it opens."""

import datetime
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import search
from tests.factories import ArticleFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


def facet_url(name):
    return reverse("articles:search_facet", args=[name])


def listed(response):
    """(name, stories) of the values listed, in order."""
    return [(value["name"], value["stories"]) for value in response.context["values"].page]


@pytest.fixture
def crowded():
    """30 people in the "summit" stories: person n is named in n + 1 of them."""
    people = [PersonFactory(name=f"Person {n:02d}") for n in range(30)]
    for story in range(30):
        ArticleFactory(
            title=f"Summit {story}",
            body="The summit went on.",
            people=[person for n, person in enumerate(people) if n >= story],
            published=datetime.date(2022, 1, 1) + datetime.timedelta(days=story),
        )
    ArticleFactory(title="Elsewhere", body="Nothing.", people=[PersonFactory(name="Outsider")])
    return people


def test_search_page_offers_every_value_beyond_the_first_twelve(client, crowded):
    response = client.get(SEARCH, {"q": "summit", "page": "2"})
    html = response.content.decode()
    assert len(response.context["results"].people) == search.FACET_SIZE
    assert f'<a href="{facet_url("people")}?q=summit">Show all 30 people</a>' in html
    assert facet_url("organisations") not in html


def test_every_value_listed_with_counts_most_stories_first_and_paginated(client, crowded):
    response = client.get(facet_url("people"), {"q": "summit"})
    assert response.status_code == 200
    assert response.context["robots"] == "noindex,follow"
    values = listed(response)
    assert values == [(f"Person {n:02d}", n + 1) for n in reversed(range(30))]
    assert "Outsider" not in response.content.decode()
    assert "30 people" in response.content.decode()

    search.FACET_PAGE_SIZE, size = 7, search.FACET_PAGE_SIZE
    try:
        response = client.get(facet_url("people"), {"q": "summit", "page": "2"})
    finally:
        search.FACET_PAGE_SIZE = size
    assert listed(response) == [(f"Person {n:02d}", n + 1) for n in range(22, 15, -1)]
    assert 'href="?q=summit&amp;page=3"' in response.content.decode()


def test_within_filters_names_and_each_value_adds_its_filter_to_the_search(client, crowded):
    response = client.get(
        facet_url("people"), {"q": "summit", "within": "person 1", "sort": "oldest"}
    )
    assert [name for name, _ in listed(response)] == [f"Person {n}" for n in range(19, 9, -1)]
    html = response.content.decode()
    link = f'href="{SEARCH}?q=summit&amp;sort=oldest&amp;person=person-19"'
    assert link in html
    assert '<input type="hidden" name="q" value="summit">' in html
    assert 'value="person 1"' in html
    followed = client.get(SEARCH, {"q": "summit", "sort": "oldest", "person": "person-19"})
    assert followed.context["results"].count.value == 20


def test_values_follow_the_filters_in_force(client, crowded):
    response = client.get(facet_url("people"), {"q": "summit", "person": "person-03"})
    # The four stories naming person 3 name persons 3 to 29, and fewer of the others.
    assert listed(response) == [(f"Person {n:02d}", 4) for n in range(3, 30)] + [
        ("Person 02", 3),
        ("Person 01", 2),
        ("Person 00", 1),
    ]
    assert "(filter in use: remove it)" in response.content.decode()


def test_sources_list_replaces_the_source_filter(client):
    sources = [SourceFactory(name=f"Outlet {n:02d}") for n in range(14)]
    for n, source in enumerate(sources):
        for _ in range(n % 3 + 1):
            ArticleFactory(title="Vote", body="A vote.", source=source)
    response = client.get(SEARCH, {"q": "vote"})
    assert "Show all 14 sources" in response.content.decode()
    response = client.get(facet_url("sources"), {"q": "vote", "source": sources[0].slug})
    assert response.status_code == 200
    # The source filter itself narrows the stories: only its own source is left.
    assert listed(response) == [("Outlet 00", 1)]
    response = client.get(facet_url("sources"), {"q": "vote"})
    values = listed(response)
    assert len(values) == 14 and values[0][1] == 3
    assert values[0] == ("Outlet 02", 3)
    assert f'href="{SEARCH}?q=vote&amp;source={sources[2].slug}"' in response.content.decode()


def test_names_are_escaped(client):
    person = PersonFactory(name="<b>Bold</b> & Co")
    ArticleFactory(title="Vote", body="A vote.", people=[person])
    html = client.get(facet_url("people"), {"q": "vote"}).content.decode()
    assert "<b>Bold" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html


@pytest.mark.parametrize(
    "params",
    [
        {"within": "x" * 201},
        {"page": "zero"},
        {"page": "0"},
        {"person": "<script>"},
        {"from": "2021-13-40"},
    ],
)
def test_bad_parameters_get_a_400_with_a_message(client, params):
    response = client.get(facet_url("people"), params)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_unknown_facet_is_not_found(client):
    assert client.get(facet_url("years")).status_code == 404


def test_one_page_of_a_large_facet_is_a_bounded_number_of_queries(
    client, crowded, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get(facet_url("people"), {"q": "summit", "within": "person"})
    assert re.search(r"30 people", response.content.decode())


PARAMS = ["q", "person", "organisation", "source", "from", "to", "year", "sort", "page", "within"]
VALUES = st.text(max_size=40) | st.sampled_from(
    ["", "0", "-1", "2021-02-30", "99999999", "\x00", '"', "' or 1=1 --", "%", "_", "\\", "<"]
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    params=st.dictionaries(
        st.sampled_from(PARAMS), st.lists(VALUES, min_size=1, max_size=3), max_size=5
    ),
    facet=st.sampled_from(sorted(search.FACETS)),
)
def test_random_parameters_give_a_list_or_a_400(client, params, facet):
    if not PersonFactory._meta.model.objects.exists():
        ArticleFactory(title="Vote", body="A vote.", people=[PersonFactory(name="Ann Lee")])
    response = client.get(facet_url(facet), params)
    assert response.status_code in (200, 400), (facet, params)
