"""Resolution across stories, on the real database: one entry per real person, by evidence,
and editors' answers that stick (articles/services/resolution.py)."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.ingest.namekeys import (
    acronym,
    alias_problem,
    middles_agree,
    name_key,
    organisation_key,
    surname,
)
from articles.ingest.parse import parse
from articles.ingest.types import Extraction, FoundEntity, FoundQuote
from articles.models import (
    Article,
    Organisation,
    OrganisationPair,
    Person,
    PersonMention,
    PersonPair,
    Quote,
)

pytestmark = pytest.mark.django_db
_numbers = itertools.count()


def store(*people: str, quote_by: str | None = None):
    """A story naming these people (as extraction would give them), stored."""
    number = next(_numbers)
    paragraphs = [f"Story {number} names {', '.join(people)} at the harbour."]
    quotes = []
    if quote_by:
        quotes = [FoundQuote("the harbour", "reported", 0, 0, 11, quote_by, "person")]
    text = "\n".join(
        [f"Harbour Story {number}", "20240105", f"https://news.example/{number}/", *paragraphs]
    )
    extraction = Extraction(people=[FoundEntity(name) for name in people], quotes=quotes)
    return services.article_ingest(parse(text), extraction=extraction).article


def names() -> list[str]:
    return sorted(Person.objects.values_list("name", flat=True))


def stories_of(name: str) -> int:
    return Person.objects.get(name=name).article_count


# --- Keys ---------------------------------------------------------------------------------------


def test_name_keys_drop_titles_middle_names_and_accents_but_keep_suffixes():
    assert (surname("President Barack Obama"), name_key("Barack Obama")) == (
        "obama",
        "barack obama",
    )
    assert name_key("Hillary Rodham Clinton") == name_key("Hillary Clinton")
    assert name_key("Adam B. Schiff") == "adam schiff"
    assert name_key("Enrique Peña Nieto") == name_key("Enrique Pena Nieto")
    assert name_key("Donald Trump Jr.") != name_key("Donald Trump")
    assert name_key("Obama") == "" and name_key("J. Smith") == ""
    assert middles_agree("Adam B. Schiff", "Adam Bennett Schiff")
    assert not middles_agree("George W. Bush", "George H. W. Bush")


def test_keys_fold_the_letters_unicode_does_not_decompose():
    assert name_key("Łukasz Nowak") == name_key("Lukasz Nowak") == "lukasz nowak"
    assert name_key("SØREN BRANDT") == name_key("Soren Brandt")
    assert surname("Johann Strauß") == surname("Johann Strauss") == "strauss"
    assert organisation_key("Ørsted") == organisation_key("Orsted")
    assert acronym("Æther Œuvre Group") == acronym("Aether Oeuvre Group")


def test_a_name_written_without_its_special_letters_is_the_same_person():
    store("Søren Brandt")
    store("Soren Brandt")
    store("Łukasz Nowak")
    store("Lukasz Nowak")
    assert names() == ["Søren Brandt", "Łukasz Nowak"]
    assert stories_of("Søren Brandt") == stories_of("Łukasz Nowak") == 2


def test_migration_refolds_the_keys_stored_before_and_leaves_the_rest():
    """0017 recomputes the keys of entries whose names hold such letters, folds merged keys,
    and leaves every other entry as it was."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "articles.migrations.0017_name_keys_fold_undecomposed_letters"
    )
    stale = Person.objects.create(
        name="Łukasz Nowak", slug="lukasz-nowak", name_key="łukasz nowak", surname="nowak",
        merged_keys=["łukasz nowak", "luke nowak"],
    )
    untouched = Person.objects.create(
        name="Ada Quill", slug="ada-quill", name_key="kept as it was", surname="quill"
    )
    organisation = Organisation.objects.create(
        name="Ørsted Energy", slug="orsted-energy", name_key="ørsted energy", acronym="øe",
        merged_keys=["ørsted"],
    )
    migration.keys_compute(apps, None)
    stale.refresh_from_db()
    untouched.refresh_from_db()
    organisation.refresh_from_db()
    assert (stale.name_key, stale.surname, stale.merged_keys) == (
        "lukasz nowak", "nowak", ["luke nowak"],
    )
    assert untouched.name_key == "kept as it was"
    assert (organisation.name_key, organisation.acronym, organisation.merged_keys) == (
        "orsted energy", "oe", ["orsted"],
    )


def test_people_stored_apart_before_the_refolding_are_joined_by_resolution():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "articles.migrations.0017_name_keys_fold_undecomposed_letters"
    )
    store("Søren Brandt")
    store("Søren Brandt")
    store("Soren Brandt")
    assert names() == ["Søren Brandt"]  # stored today: one person
    Person.objects.create(name="Soren Brandt", slug="soren-brandt-2", name_key="soren brandt")
    Person.objects.filter(name="Søren Brandt").update(name_key="søren brandt")  # keys of old
    migration.keys_compute(apps, None)
    services.archive_resolve()
    assert names() == ["Søren Brandt"]


def test_an_alias_is_never_a_common_word_a_group_a_first_name_or_a_place():
    assert alias_problem("Republicans") == "'Republicans' names a group of people"
    assert alias_problem("Washington") == "'Washington' is a place"
    assert alias_problem("the") == "'the' is a common word"
    assert alias_problem("Michael") == "'Michael' is a first name alone"
    assert alias_problem("Blinken") is None


# --- At import ----------------------------------------------------------------------------------


def test_a_surname_alone_joins_the_full_name_that_dominates_it():
    store("Barack Obama")
    store("Barack Obama")
    article = store("Obama", quote_by="Obama")
    assert names() == ["Barack Obama"]
    assert stories_of("Barack Obama") == 3
    assert Quote.objects.get(article=article).person.name == "Barack Obama"
    assert "Obama" in Person.objects.get().spellings


def test_a_surname_shared_by_two_common_people_joins_neither():
    for _ in range(2):
        store("Hillary Clinton")
        store("Bill Clinton")
    store("Clinton")
    assert names() == ["Bill Clinton", "Clinton", "Hillary Clinton"]


def test_a_story_naming_two_people_of_one_surname_keeps_the_lone_surname_apart():
    store("Barack Obama")
    store("Barack Obama")
    store("Michelle Obama", "Obama")
    assert names() == ["Barack Obama", "Michelle Obama", "Obama"]


def test_a_place_alone_never_joins_a_person_of_that_surname():
    store("George Washington")
    store("George Washington")
    store("Washington")
    assert stories_of("George Washington") == 2


def test_middle_names_and_initials_join_the_same_person():
    store("Adam Schiff")
    store("Adam B. Schiff")
    store("Hillary Clinton")
    store("Hillary Rodham Clinton")
    assert names() == ["Adam Schiff", "Hillary Clinton"]
    assert stories_of("Adam Schiff") == 2
    assert Person.objects.get(name="Adam Schiff").spellings == ["Adam B. Schiff"]


def test_conflicting_middle_initials_stay_two_people():
    store("George W. Bush")
    store("George H. W. Bush")
    assert names() == ["George H. W. Bush", "George W. Bush"]


def test_a_son_with_a_suffix_is_not_his_father():
    store("Donald Trump")
    store("Donald Trump Jr.")
    assert names() == ["Donald Trump", "Donald Trump Jr."]


# --- Over the archive -------------------------------------------------------------------------


def test_a_surname_entry_made_before_the_full_name_arrived_is_merged_and_redirects(client):
    store("Obama")
    store("Obama")
    store("Barack Obama")
    store("Barack Obama")
    assert names() == ["Barack Obama", "Obama"]
    report = services.archive_resolve()
    assert report.merged == [("Obama", "Barack Obama")]
    assert names() == ["Barack Obama"]
    assert stories_of("Barack Obama") == 4
    assert PersonMention.objects.filter(person__name="Barack Obama").count() == 4
    response = client.get("/people/obama/")
    assert (response.status_code, response["Location"]) == (301, "/people/barack-obama/")
    # A machine merge confirms nothing: the surname is a spelling, not a known name.
    assert Person.objects.get().aliases == []
    assert "obama" not in services.known_entities().people


def test_clear_spelling_variants_merge_and_doubtful_ones_are_queued():
    store("Volodymyr Zelensky")
    store("Volodymyr Zelensky")
    store("Volodymyr Zelenskyy")
    store("Andrea Rossi")
    store("Andreas Rossini")
    report = services.archive_resolve()
    assert ("Volodymyr Zelenskyy", "Volodymyr Zelensky") in report.merged
    assert "Volodymyr Zelenskyy" not in names()
    pair = PersonPair.objects.get()
    assert {pair.first.name, pair.second.name} == {"Andrea Rossi", "Andreas Rossini"}
    assert pair.reason == "spelling" and pair.decision == "open"
    assert pair.evidence["names"] == [pair.first.name, pair.second.name]


def test_a_pair_is_queued_once_and_an_answered_one_is_not_asked_again(admin_user):
    store("Andrea Rossi")
    store("Andreas Rossini")
    assert services.archive_resolve().proposed == 1
    assert services.archive_resolve().proposed == 0
    services.pair_decide(PersonPair.objects.get(), "distinct", user=admin_user)
    assert services.archive_resolve().proposed == 0
    assert list(PersonPair.objects.values_list("decision", flat=True)) == ["distinct"]


def test_not_the_same_is_remembered_and_never_undone(admin_user):
    store("Obama")
    store("Barack Obama")
    store("Barack Obama")
    obama, barack = Person.objects.get(name="Obama"), Person.objects.get(name="Barack Obama")
    pair = PersonPair.objects.create(first=obama, second=barack, reason="surname")
    services.pair_decide(pair, "distinct", user=admin_user)
    services.archive_resolve()
    store("Obama")  # the surname-only entry is kept apart from now on, at import too
    assert names() == ["Barack Obama", "Obama"]
    assert stories_of("Obama") == 2
    pair.refresh_from_db()
    assert (pair.decision, pair.decided_by) == ("distinct", admin_user)


def test_resolution_after_reextract_keeps_one_entry():
    store("Barack Obama")
    store("Barack Obama")
    store("Obama")
    services.articles_reextract()
    assert names() == ["Barack Obama"]
    assert Article.objects.count() == 3


# --- The editors' queue in the admin ------------------------------------------------------------


@pytest.fixture
def queue(admin_client):
    store("Andrea Rossi")
    store("Andreas Rossini")
    services.archive_resolve()
    return PersonPair.objects.get()


def test_the_queue_lists_open_pairs_with_their_evidence(admin_client, queue):
    page = admin_client.get("/admin/articles/personpair/", follow=True).content.decode()
    assert "Andrea Rossi" in page and "Andreas Rossini" in page
    assert "spelling similarity" in page and "in common" in page
    assert 'value="merged">Merge</button>' in page
    assert 'value="distinct">Not the same</button>' in page


def test_the_queue_asks_first_about_the_pairs_that_move_most_stories(admin_client, queue):
    for _ in range(3):
        store("Maria Lopez")
        store("Mariah Lopes")
    services.archive_resolve()
    page = admin_client.get("/admin/articles/personpair/", follow=True).content.decode()
    assert page.index("Mariah Lopes") < page.index("Andreas Rossini")


def test_one_click_merge_from_the_queue(admin_client, queue):
    url = f"/admin/articles/personpair/{queue.pk}/decide/"
    response = admin_client.post(url, {"decision": "merged"}, follow=True)
    assert response.status_code == 200
    assert len(names()) == 1
    kept = Person.objects.get()
    assert kept.confirmed  # an editor's merge confirms the entry and its new alias
    assert kept.aliases and kept.aliases[0] in ("Andrea Rossi", "Andreas Rossini")
    queue.refresh_from_db()
    assert queue.decision == "merged"


def test_one_click_not_the_same_from_the_queue(admin_client, queue, admin_user):
    url = f"/admin/articles/personpair/{queue.pk}/decide/"
    admin_client.post(url, {"decision": "distinct"})
    queue.refresh_from_db()
    assert (queue.decision, queue.decided_by) == ("distinct", admin_user)
    assert len(names()) == 2
    assert admin_client.get(url).status_code == 403  # answers are posted, never fetched


# --- Organisations ------------------------------------------------------------------------------


def store_organisations(*organisations: str | FoundEntity):
    """A story naming these organisations: a name, or a FoundEntity with the other forms the
    story wrote it as."""
    number = next(_numbers)
    text = "\n".join(
        [f"Agency Story {number}", "20240105", f"https://news.example/o{number}/", "Text."]
    )
    found = [item if isinstance(item, FoundEntity) else FoundEntity(item) for item in organisations]
    extraction = Extraction(organisations=found)
    return services.article_ingest(parse(text), extraction=extraction).article


def organisation_names() -> list[str]:
    return sorted(Organisation.objects.values_list("name", flat=True))


def test_dots_case_and_a_leading_the_name_one_organisation():
    store_organisations("FBI")
    store_organisations("F.B.I.")
    store_organisations("The Associated Press")
    store_organisations("Associated Press")
    assert organisation_names() == ["FBI", "The Associated Press"]
    assert Organisation.objects.get(name="FBI").article_count == 2
    assert Organisation.objects.get(name="FBI").spellings == ["F.B.I."]


def test_an_acronym_named_beside_its_long_name_merges_and_a_lone_one_is_queued():
    store_organisations("North Atlantic Treaty Organization", "NATO")
    store_organisations("North Atlantic Treaty Organization", "NATO")
    store_organisations("NATO")
    store_organisations("National Rifle Association", "NRA")  # together once: too little
    report = services.archive_resolve()
    assert ("North Atlantic Treaty Organization", "NATO") in report.merged
    assert organisation_names() == ["NATO", "NRA", "National Rifle Association"]
    assert Organisation.objects.get(name="NATO").article_count == 3
    pair = OrganisationPair.objects.get()
    assert {pair.first.name, pair.second.name} == {"NRA", "National Rifle Association"}
    assert pair.reason == "acronym"


def test_united_states_and_us_name_one_organisation():
    store_organisations("United States Senate")
    store_organisations("U.S. Senate")
    assert organisation_names() == ["United States Senate"]
    assert Organisation.objects.get(name="United States Senate").article_count == 2
    assert acronym("The United States Postal Service") == acronym("U.S. Postal Service") == "usps"


def test_a_name_joins_the_place_qualified_name_stories_wrote_it_as():
    """Stories called both the U.S. Senate and the Texas Senate "Senate"; the U.S. one holds
    nearly all stories so written, so a lone "Senate" is the U.S. Senate."""
    for _ in range(9):
        store_organisations(FoundEntity("U.S. Senate", ["Senate"]))
    store_organisations(FoundEntity("Texas Senate", ["Senate"]))
    store_organisations("Senate")
    store_organisations("Senate")
    assert ("Senate", "U.S. Senate") in services.archive_resolve().merged
    assert organisation_names() == ["Texas Senate", "U.S. Senate"]
    assert Organisation.objects.get(name="U.S. Senate").article_count == 11


def test_a_name_that_took_in_one_qualified_name_takes_in_no_other():
    for _ in range(3):
        store_organisations(FoundEntity("U.S. Supreme Court", ["Supreme Court"]))
        store_organisations("Supreme Court")
    store_organisations("Supreme Court")
    assert ("U.S. Supreme Court", "Supreme Court") in services.archive_resolve().merged
    for _ in range(2):
        store_organisations(
            FoundEntity("Montana Supreme Court", ["Supreme Court"]), "Supreme Court"
        )
    services.archive_resolve()
    assert organisation_names() == ["Montana Supreme Court", "Supreme Court"]
    assert OrganisationPair.objects.get().reason == "contained"


def test_written_evidence_split_between_two_bodies_is_asked_not_merged():
    for _ in range(3):
        store_organisations(FoundEntity("U.S. Senate", ["Senate"]))
        store_organisations(FoundEntity("Texas Senate", ["Senate"]))
        store_organisations("Senate")
    services.archive_resolve()
    assert organisation_names() == ["Senate", "Texas Senate", "U.S. Senate"]
    assert OrganisationPair.objects.filter(reason="contained").count() == 2


def test_a_name_joins_the_same_name_with_a_word_for_its_kind_named_beside_it():
    for _ in range(2):
        store_organisations("Fox", "Fox News")
        store_organisations("Fox", "Fox & Friends")
        store_organisations("Journal", "National Journal")  # "National" says no kind
        store_organisations("Fox News")
        store_organisations("Fox News")
    services.archive_resolve()
    assert organisation_names() == ["Fox & Friends", "Fox News", "Journal", "National Journal"]
    assert Organisation.objects.get(name="Fox News").article_count == 8


def test_an_acronym_joins_the_name_nearly_all_stories_wrote_it_as():
    for _ in range(5):
        store_organisations(FoundEntity("General Motors", ["GM"]))
    store_organisations(FoundEntity("Government Motors", ["GM"]))
    store_organisations("GM")
    assert ("GM", "General Motors") in services.archive_resolve().merged
    assert organisation_names() == ["General Motors", "Government Motors"]


def test_a_later_story_naming_a_merged_entry_joins_what_it_was_merged_into():
    for _ in range(5):
        store_organisations(FoundEntity("General Motors", ["GM"]))
    store_organisations("GM")
    store("Volodymyr Zelensky")
    store("Volodymyr Zelensky")
    store("Volodymyr Zelenskyy")
    merged = services.archive_resolve().merged
    assert {("GM", "General Motors"), ("Volodymyr Zelenskyy", "Volodymyr Zelensky")} <= set(merged)
    store_organisations("GM")
    store("Volodymyr Zelenskyy")
    assert organisation_names() == ["General Motors"]
    assert Organisation.objects.get().article_count == 7
    assert names() == ["Volodymyr Zelensky"]
    assert stories_of("Volodymyr Zelensky") == 4


def test_resolving_a_story_reads_people_by_index_however_many_are_stored():
    """The cost of resolving a story must not grow with the archive: on 20,000 stored people,
    every query resolution makes has an index to answer it (with sequential scans priced out,
    as they would be on a large table, no plan reads the whole table)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO articles_person (name, slug, aliases, spellings, confirmed, surname,"
            " name_key, description, wikidata_id, former_slugs, merged_keys, not_an_entity,"
            " article_count, created, updated)"
            " SELECT 'Given' || n || ' Family' || (n % 5000), 'person-' || n, '{}', '{}', false,"
            " 'family' || (n % 5000), 'given' || n || ' family' || (n % 5000), '', '', '{}',"
            " '{}', false, n % 7, now(), now() FROM generate_series(1, 20000) AS n"
        )
        cursor.execute("ANALYZE articles_person")
    with CaptureQueriesContext(connection) as queries:
        store("Family42", "Given42 B. Family42", "Nobody Newname")
    person_queries = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "articles_person"' in query["sql"] and query["sql"].startswith("SELECT")
    ]
    assert len(person_queries) >= 3
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in person_queries:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row for (row,) in cursor.fetchall())
            assert "Seq Scan on articles_person" not in plan, (sql, plan)


def test_short_given_names_and_a_leading_initial_join_the_same_person():
    store("Joseph R. Biden")
    store("Joe Biden")
    store("J. Christopher Stevens")
    store("Chris Stevens")
    assert names() == ["J. Christopher Stevens", "Joseph R. Biden"]


def test_a_first_name_alone_is_not_kept_as_a_spelling():
    number = next(_numbers)
    text = f"Story {number}\n20240105\nhttps://news.example/{number}/\nMitt Romney spoke."
    extraction = Extraction(people=[FoundEntity("Mitt Romney", ["Mitt", "Romney"])])
    services.article_ingest(parse(text), extraction=extraction)
    assert Person.objects.get().spellings == ["Romney"]


def test_a_name_with_a_suffix_is_asked_about_not_merged():
    store("Joseph R. Biden")
    store("Joseph R. Biden Jr.")
    services.archive_resolve()
    assert names() == ["Joseph R. Biden", "Joseph R. Biden Jr."]
    assert PersonPair.objects.get().reason == "suffix"


def test_an_acronym_joins_the_long_name_a_story_wrote_it_as():
    number = next(_numbers)
    text = f"UN Story {number}\n20240105\nhttps://news.example/un{number}/\nText."
    extraction = Extraction(organisations=[FoundEntity("United Nations", ["UN"])])
    services.article_ingest(parse(text), extraction=extraction)
    store_organisations("UN")
    store_organisations("Union of Nurses")  # also "UN", but never written so
    assert ("UN", "United Nations") in services.archive_resolve().merged
    assert organisation_names() == ["Union of Nurses", "United Nations"]


def test_a_one_word_organisation_joins_the_one_longer_name_it_begins():
    for _ in range(2):
        store_organisations("Bain Capital", "Bain")
        store_organisations("AP", "Associated Press")
        store_organisations("House", "House Budget Committee")
        store_organisations("Church", "Church of the Holy Harbour")
    store_organisations("Bain")
    services.archive_resolve()
    assert organisation_names() == [
        "Associated Press",
        "Bain",
        "Church",
        "Church of the Holy Harbour",
        "House",
        "House Budget Committee",
    ]


def test_a_name_without_middle_initial_joins_neither_of_two_namesakes():
    store("George W. Bush")
    store("George W. Bush")
    store("George H.W. Bush")
    store("George Bush")  # which one? neither is sure
    store("George H.W. Bush")
    services.archive_resolve()
    assert names() == ["George Bush", "George H.W. Bush", "George W. Bush"]
    assert stories_of("George H.W. Bush") == 2


def test_the_lookups_of_a_story_do_not_grow_with_the_names_it_holds():
    """A story naming twelve known people costs the same lookups as one naming two: the
    entries its names can be are read once per kind of lookup, not once per name."""
    known = [f"Given{n} Family{n}" for n in range(12)]
    store(*known)

    def person_lookups(*people: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            store(*people)
        return sum(
            'FROM "articles_person"' in query["sql"] and query["sql"].startswith("SELECT")
            for query in queries.captured_queries
        )

    two, twelve = person_lookups(*known[:2]), person_lookups(*known)
    assert twelve == two
    assert sorted(names()) == sorted(known)
    assert {stories_of(name) for name in known[:2]} == {3}
