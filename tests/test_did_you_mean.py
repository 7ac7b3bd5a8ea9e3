"""The "did you mean" line: people and organisations spelt or sounding like the reader's words,
each a link to the search filtered by it."""

import pytest
from django.db import connection
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import search
from articles.models import Person
from tests.factories import ArticleFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


@pytest.fixture
def archive():
    people = {
        "poroshenko": PersonFactory(name="Petro Poroshenko", aliases=["Poroshenko"]),
        "obama": PersonFactory(name="Barack Obama"),
        "klitschko": PersonFactory(name="Vitali Klitschko"),
        "zelenskyy": PersonFactory(name="Volodymyr Zelenskyy"),
    }
    ArticleFactory(title="Kyiv protest", body="Crowds gathered in Kyiv.", people=[])
    return people


def suggested(text):
    return [(suggestion.kind, suggestion.slug) for suggestion in search.name_suggestions(text)]


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("Porochenko", "petro-poroshenko"),  # same sound (PRXN), one letter off
        ("Obma", "barack-obama"),  # trigram similarity only 0.4: found by sound (APM)
        ("Klitchko", "vitali-klitschko"),  # sounds differ (KLXK, KLTX): found by trigrams
        ("zelenskiy", "volodymyr-zelenskyy"),
    ],
)
def test_a_misspelt_name_suggests_the_person(client, archive, typed, slug):
    response = client.get(SEARCH, {"q": typed})
    assert response.status_code == 200
    assert [s.slug for s in response.context["results"].suggestions] == [slug]
    html = response.content.decode()
    assert f'href="?person={slug}">' in html
    assert "Did you mean" in html


def test_the_link_filters_by_the_person_and_keeps_the_other_words(client, archive):
    response = client.get(SEARCH, {"q": "klitchko kiev protest"})
    html = response.content.decode()
    # "kiev" and "protest" look like no stored name; "klitchko" does.
    assert [s.slug for s in response.context["results"].suggestions] == ["vitali-klitschko"]
    assert 'href="?q=kiev+protest&amp;person=vitali-klitschko">Vitali Klitschko</a>' in html
    followed = client.get(SEARCH, {"q": "kiev protest", "person": "vitali-klitschko"})
    assert followed.status_code == 200


def test_an_alias_is_searched_as_well_as_the_name(archive):
    OrganisationFactory(name="North Atlantic Treaty Organization", aliases=["NATO"])
    OrganisationFactory(name="Natural Resources Defense Council")
    assert suggested("natto") == [("organisation", "north-atlantic-treaty-organization")]


def test_an_alias_that_is_typed_exactly_needs_no_correction(archive):
    OrganisationFactory(name="North Atlantic Treaty Organization", aliases=["NATO"])
    assert suggested("nato") == []


@pytest.mark.parametrize(
    "typed", ["Poroshenko", "Petro Poroshenko", "barack obama", "KLITSCHKO", "Klitschko protest"]
)
def test_a_name_typed_exactly_gets_no_suggestion(archive, typed):
    assert suggested(typed) == []


def test_a_word_contained_in_a_name_is_no_misspelling(archive):
    OrganisationFactory(name="Russian Foreign Ministry")
    assert suggested("russia") == []


def test_ordinary_and_excluded_words_are_not_corrected(archive):
    assert suggested("protest about the economy") == []
    # "-klitchko" asks for stories without the word: nothing to correct.
    assert suggested("protest -klitchko") == []


def test_an_entity_marked_as_not_one_is_never_suggested(archive):
    archive["obama"].not_an_entity = True
    archive["obama"].save()
    assert suggested("Obma") == []


def test_the_best_known_of_equally_close_names_comes_first():
    PersonFactory(name="Vitali Klitschko", article_count=3)
    PersonFactory(name="Wladimir Klitschko", article_count=40)
    assert suggested("klitchko") == [
        ("person", "wladimir-klitschko"),
        ("person", "vitali-klitschko"),
    ]


def test_hostile_queries_and_names_are_escaped(client, archive):
    PersonFactory(name='Jan <script>alert("name")</script> Bergmann')
    response = client.get(SEARCH, {"q": '<script>alert("q")</script> Bergmsnn'})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "Jan &lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt; Bergmann</a>" in html
    assert "?q=%3Cscript%3Ealert%28%22q%22%29%3C%2Fscript%3E&amp;person=" in html


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.text(max_size=80) | st.sampled_from(["x" * 300, "é" * 41, "o'brien", "_", "-"]))
def test_any_text_gives_a_list(archive, text):
    assert isinstance(search.name_suggestions(text), list)


def test_every_lookup_uses_the_name_indexes():
    """On 20,000 people the lookups read the trigram and sound-alike indexes, never the whole
    table (the expression in articles/search.py must stay the one indexed in 0004)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO articles_person (name, slug, aliases, spellings, confirmed, surname,"
            " name_key, description, wikidata_id, former_slugs, merged_keys, not_an_entity,"
            " article_count, created, updated)"
            " SELECT 'Person ' || md5(n::text), 'person-' || n, ARRAY['Alias' || n], '{}',"
            " false, '', '', '', '', '{}', '{}', false, n % 100, now(), now()"
            " FROM generate_series(1, 20000) AS n"
        )
        cursor.execute("ANALYZE articles_person")
        statement, parameters = search.suggestions_statement(["klitchko", "obma"])
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "Seq Scan on articles_person" not in plan
    assert "Bitmap Index Scan on person_names_trgm" in plan
    assert "Bitmap Index Scan on person_names_sounds" in plan


def test_a_small_archive_looks_names_up_through_the_indexes_too():
    """On 1,500 corpus people PostgreSQL chose to compute both name expressions for every
    row, 60 to 190 ms a lookup against 7 to 21 ms through the indexes: the lookup runs with
    sequential scans off, and leaves the connection's setting as it was."""
    given = "Ada Bram Cora Dax Elin Farid Greta Hugo Ines Jonas Kira Lars Mina Nils Oona".split()
    surnames = "Quill Rensen Tanaka Oduya Marlowe Vesk Halden Brisco Lund Ferro Gallo".split()
    Person.objects.bulk_create(
        Person(name=f"{first} {initial}. {last}", slug=f"{first}-{initial}-{last}", aliases=[last])
        for initial in "ABCDEFGHIJ"
        for first in given
        for last in surnames
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_person")
    statement, parameters = search.suggestions_statement(["marlow", "halden"])
    with search.suggestion_settings(search.SUGGEST_SIMILARITY) as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("off",)
        cursor.execute("EXPLAIN " + statement, parameters)
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "Seq Scan on articles_person" not in plan
    assert "Bitmap Index Scan on person_names_trgm" in plan
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)
    names = [suggestion.name for suggestion in search.name_suggestions("Haldan")]
    assert names and all(name.endswith(" Halden") for name in names)


@pytest.mark.django_db(transaction=True)
def test_a_fresh_connection_suggests_too():
    """pg_trgm's threshold setting does not exist on a connection until pg_trgm is used."""
    PersonFactory(name="Barack Obama")
    connection.close()
    assert suggested("Obma") == [("person", "barack-obama")]
