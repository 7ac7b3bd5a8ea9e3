"""Constraints live in the database, and the generated search vector finds and ranks stories."""

import datetime

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from articles.models import SEARCH_CONFIG, Article, Organisation, Person, Quote, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Source.objects.create(domain="harbourpost.example", name="Harbour Post", slug="harbour")


def make_article(source, slug, title="A title", body="A body.", url=None, entity_names=""):
    return Article.objects.create(
        title=title,
        slug=slug,
        published=datetime.date(2021, 12, 2),
        url=url or f"https://harbourpost.example/{slug}",
        source=source,
        body=body,
        content_hash=slug,
        entity_names=entity_names,
    )


def search(text):
    query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
    return list(
        Article.objects.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "pk")
        .values_list("slug", flat=True)
    )


def test_the_database_refuses_a_duplicate_url(source):
    make_article(source, "first", url="https://harbourpost.example/story")
    with pytest.raises(IntegrityError), transaction.atomic():
        # Bypass the ORM's validation: the constraint itself must hold.
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO articles_article (title, slug, published, url, source_id, body,"
                " content_hash, entity_names, created, updated) VALUES"
                " ('t', 'second', '2021-12-02', 'https://harbourpost.example/story', %s, 'b',"
                " 'h', '', now(), now())",
                [source.pk],
            )


def test_slugs_are_unique(source):
    make_article(source, "same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(source, "same", url="https://harbourpost.example/other")
    Person.objects.create(name="Ilse Marrow", slug="ilse-marrow")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="Ilse Marrow-Kent", slug="ilse-marrow")


def test_person_names_are_unique_whatever_the_case():
    Person.objects.create(name="Ilse Marrow", slug="ilse-marrow")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(name="ILSE MARROW", slug="ilse-marrow-2")


def test_a_quote_has_a_person_or_an_organisation_never_both(source):
    article = make_article(source, "quoted")
    person = Person.objects.create(name="Ilse Marrow", slug="ilse-marrow")
    ministry = Organisation.objects.create(name="Ministry of Water", slug="ministry-of-water")
    Quote.objects.create(article=article, person=person, text="We will act.", kind="direct",
                         paragraph=0)
    Quote.objects.create(article=article, organisation=ministry, text="Calm.", kind="direct",
                         paragraph=0)
    Quote.objects.create(article=article, text="Unattributed.", kind="reported", paragraph=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(article=article, person=person, organisation=ministry,
                             text="Both.", kind="direct", paragraph=0)


def test_a_word_from_the_body_finds_the_article(source):
    make_article(source, "dam", title="Water talks", body="Engineers inspected the reservoir.")
    make_article(source, "other", title="Budget", body="Taxes rose.")
    assert search("reservoirs") == ["dam"], "stemmed body words are searchable"


def test_a_title_match_ranks_above_a_body_match(source):
    make_article(source, "body-only", title="Budget news",
                 body="The finance minister spoke briefly about the reservoir.")
    make_article(source, "in-title", title="Reservoir levels fall", body="Levels fell again.")
    make_article(source, "in-names", title="Weekly digest", body="Nothing new.",
                 entity_names="Reservoir Authority")
    assert search("reservoir") == ["in-title", "in-names", "body-only"]


def test_the_vector_follows_edits_and_ignores_accents(source):
    article = make_article(source, "accents", title="Zoë Brandt speaks", body="She spoke.")
    assert search("zoe") == ["accents"]
    article.body = "She spoke about the harbour."
    article.save()
    assert search("harbour") == ["accents"]
