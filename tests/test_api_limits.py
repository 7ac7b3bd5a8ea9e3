"""Limits for anonymous use: a rate per client address for the API, the feeds and the exports,
answering 429 with Retry-After; page sizes capped."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles.api import pagination
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    """Set the rates of some scopes (the tests' settings lift every limit)."""

    def set_rates(**scopes):
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": scopes}

    cache.clear()
    yield set_rates
    cache.clear()


def assert_throttled(response):
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 0 < seconds <= 60
    body = response.json()
    assert body["status"] == 429 and body["code"] == "throttled"
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("scope", "url"),
    [
        ("api", reverse("api:article-list")),
        ("api", reverse("api:schema")),
        ("feeds", reverse("articles:search_feed")),
        ("exports", reverse("articles:search_csv")),
    ],
)
def test_a_client_past_its_rate_gets_429_with_retry_after(client, rates, scope, url):
    ArticleFactory()
    rates(**{scope: "2/minute"})
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert_throttled(client.get(url))
    # Another address has its own allowance.
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_scopes_are_counted_apart(client, rates):
    rates(api="1/minute", feeds="1/minute", exports="1/minute")
    assert client.get(reverse("api:article-list")).status_code == 200
    assert client.get(reverse("articles:feed")).status_code == 200
    assert client.get(reverse("articles:search_json")).status_code == 200
    assert_throttled(client.get(reverse("api:person-list")))
    assert_throttled(client.get(reverse("articles:feed")))
    assert_throttled(client.get(reverse("articles:search_json")))
    # The pages people read are not limited.
    assert client.get(reverse("articles:search")).status_code == 200


def test_a_forwarded_address_is_trusted_only_behind_a_known_proxy(client, rates):
    rates(api="1/minute")
    url = reverse("api:source-list")
    assert client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    # With no proxy configured, a client cannot pose as another address.
    assert_throttled(client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.2"))


def test_page_size_is_capped(client):
    for n in range(pagination.MAX_PAGE_SIZE + 1):
        ArticleFactory(title=f"Story {n}")
    full = client.get(reverse("api:article-list"), {"page_size": pagination.MAX_PAGE_SIZE})
    assert len(full.json()["results"]) == pagination.MAX_PAGE_SIZE
    too_many = client.get(reverse("api:article-list"), {"page_size": pagination.MAX_PAGE_SIZE + 1})
    assert too_many.status_code == 400
    assert "page_size" in too_many.json()["errors"]
