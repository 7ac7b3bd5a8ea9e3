"""The ingest service against the real database: identity, updates, entities, zips, concurrency."""

import io
import threading
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.ingest.parse import parse
from articles.ingest.types import Extraction, FoundEntity, FoundQuote
from articles.models import (
    Article,
    ImportBatch,
    Organisation,
    OrganisationMention,
    Person,
    PersonMention,
    Quote,
    Source,
)
from articles.services import ingest as ingest_service
from articles.services import resolution
from articles.services.slugs import unique_slugs

PARAGRAPHS = [
    "Harbour master Edith Marlowe said the new pier will open in June.",
    "Marlowe told the Port Authority that the works were on budget.",
    '"We are ready for the summer crowds," Marlowe said on Tuesday.',
]


def story(
    title="Harbour Pier to Open in June",
    url="https://www.harbourpost.example/news/pier-opens/",
    published="20230602",
    paragraphs=PARAGRAPHS,
) -> str:
    return "\n".join([title, published, url, *paragraphs]) + "\n"


def found(paragraphs=PARAGRAPHS, **changes) -> Extraction:
    """What an extractor would find in the pier story."""
    quote_text = "We are ready for the summer crowds,"
    extraction = Extraction(
        people=[FoundEntity("Edith Marlowe", ["Marlowe"], mentions=3, first_offset=13)],
        organisations=[FoundEntity("Port Authority", [], mentions=1, first_offset=90)],
        quotes=[
            FoundQuote(
                text=quote_text,
                kind="direct",
                paragraph=2,
                start=1,
                end=1 + len(quote_text),
                speaker="Edith Marlowe",
                speaker_type="person",
                speaker_text="Marlowe",
                verb="said",
                confidence=0.9,
            )
        ],
    )
    for name, value in changes.items():
        setattr(extraction, name, value)
    return extraction


def ingest(text=None, extraction=None, **story_fields):
    return services.article_ingest(parse(text or story(**story_fields)), extraction=extraction)


@pytest.fixture(autouse=True)
def no_real_extractor(monkeypatch):
    """Tests here pass what was found explicitly; the language model is tested elsewhere."""
    monkeypatch.setattr(ingest_service, "extraction_run", lambda paragraphs, known=None: found())


pytestmark = pytest.mark.django_db


def test_a_new_story_is_stored_with_its_source_entities_and_quotes():
    result = ingest(extraction=found())
    article = result.article
    assert result.outcome == "created"
    assert article.title == "Harbour Pier to Open in June"
    assert article.url == "https://www.harbourpost.example/news/pier-opens/"
    assert article.slug == "harbour-pier-to-open-in-june"
    assert article.paragraphs == PARAGRAPHS
    source = Source.objects.get()
    assert (source.domain, source.name) == ("harbourpost.example", "harbourpost.example")
    person = Person.objects.get()
    # The machine's spellings are recorded, never made aliases (known names) on their own.
    assert (person.name, person.slug, person.aliases, person.spellings) == (
        "Edith Marlowe",
        "edith-marlowe",
        [],
        ["Marlowe"],
    )
    assert (person.surname, person.name_key, person.confirmed) == (
        "marlowe",
        "edith marlowe",
        False,
    )
    assert PersonMention.objects.get().count == 3
    assert OrganisationMention.objects.get().organisation.name == "Port Authority"
    quote = Quote.objects.get()
    assert (quote.person, quote.kind, quote.verb, quote.paragraph) == (person, "direct", "said", 2)
    article.refresh_from_db()
    assert article.entity_names.split("\n") == ["Edith Marlowe", "Marlowe", "Port Authority"]


def test_the_same_story_again_is_unchanged_even_under_another_tracking_url():
    first = ingest()
    again = ingest(url="https://WWW.harbourpost.example/news/pier-opens/?utm_source=x#top")
    assert again.outcome == "unchanged"
    assert again.article.pk == first.article.pk
    assert Article.objects.count() == 1


def test_a_changed_body_updates_the_story_without_a_duplicate():
    first = ingest()
    changed = [*PARAGRAPHS[:2], "The pier cost less than planned."]
    result = ingest(paragraphs=changed, extraction=found(quotes=[]))
    assert result.outcome == "updated"
    assert Article.objects.count() == 1
    article = Article.objects.get()
    assert article.pk == first.article.pk
    assert article.slug == first.article.slug
    assert article.paragraphs == changed
    assert Quote.objects.count() == 0
    assert PersonMention.objects.count() == 1


def test_an_update_keeps_verified_quotes_still_in_the_story_and_drops_the_rest():
    ingest()
    quote = Quote.objects.get()
    services.quote_verify(quote)
    # The quoted paragraph moves first; extraction now misses the quote and finds another.
    moved = [PARAGRAPHS[2], PARAGRAPHS[0], "Marlowe warned that fees will rise."]
    other = FoundQuote("fees will rise", "reported", 2, 21, 35, "Edith Marlowe", "person")
    result = ingest(paragraphs=moved, extraction=found(quotes=[other]))
    assert result.outcome == "updated"
    kept = Quote.objects.get(status=Quote.Status.VERIFIED)
    assert kept.pk == quote.pk
    assert (kept.paragraph, kept.start) == (0, 1)
    assert Quote.objects.filter(status=Quote.Status.UNREVIEWED).get().text == "fees will rise"

    # Once its words leave the story, the verified quote goes too.
    ingest(paragraphs=["Marlowe warned that fees will rise."], extraction=found(quotes=[]))
    assert not Quote.objects.exists()


def test_a_rejected_quote_is_not_recreated_by_an_update():
    ingest()
    services.quote_reject(Quote.objects.get())
    ingest(paragraphs=[*PARAGRAPHS, "A new closing line."])
    assert list(Quote.objects.values_list("status", flat=True)) == ["rejected"]


def test_people_are_matched_ignoring_case_and_gain_the_new_spellings():
    ingest()
    other = found(
        people=[FoundEntity("EDITH MARLOWE", ["Harbour master Edith Marlowe"], mentions=1)],
        quotes=[],
    )
    ingest(url="https://harbourpost.example/other/", extraction=other)
    person = Person.objects.get()
    assert person.spellings == ["Marlowe", "Harbour master Edith Marlowe"]
    assert person.mentions.count() == 2


def test_a_confirmed_alias_resolves_to_its_canonical_person():
    ingest()
    Person.objects.filter(name="Edith Marlowe").update(
        aliases=["Marlowe", "E. Marlowe"], confirmed=True
    )
    extraction = found(people=[FoundEntity("E. Marlowe")], quotes=[])
    ingest(url="https://harbourpost.example/other/", extraction=extraction)
    assert list(Person.objects.values_list("name", flat=True)) == ["Edith Marlowe"]


def test_an_unconfirmed_alias_is_no_known_name():
    ingest()
    Person.objects.filter(name="Edith Marlowe").update(aliases=["E. Marlowe"])
    assert services.known_entities().people == {}
    extraction = found(people=[FoundEntity("E. Marlowe")], quotes=[])
    ingest(url="https://harbourpost.example/other/", extraction=extraction)
    # An initial proves too little to join Edith Marlowe by evidence alone.
    assert sorted(Person.objects.values_list("name", flat=True)) == ["E. Marlowe", "Edith Marlowe"]


def test_names_marked_not_an_entity_are_never_created_again():
    ingest()
    services.entity_mark_not_an_entity(Organisation.objects.get(name="Port Authority"))
    known = services.known_entities()
    assert "port authority" in known.blocked
    assert "marlowe" not in known.people  # the machine's spelling is no known name
    ingest(url="https://harbourpost.example/other/", extraction=found())
    assert OrganisationMention.objects.count() == 0
    assert Organisation.objects.get().not_an_entity


def test_slugs_stay_unique_and_avoid_former_slugs():
    ingest()
    ingest(url="https://harbourpost.example/other/")
    ingest(url="https://harbourpost.example/another/")  # the plain slug, then the next free
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "harbour-pier-to-open-in-june",
        "harbour-pier-to-open-in-june-2",
        "harbour-pier-to-open-in-june-3",
    ]
    Person.objects.update(former_slugs=["jo-bloggs", "jo-bloggs-2"])
    ingest(
        url="https://harbourpost.example/third/",
        extraction=found(people=[FoundEntity("Jo Bloggs")], organisations=[], quotes=[]),
    )
    assert Person.objects.get(name="Jo Bloggs").slug == "jo-bloggs-3"


def test_search_finds_a_story_by_a_persons_alias_through_entity_names():
    ingest(paragraphs=["The harbour master opened the pier."], extraction=found(quotes=[]))
    assert Article.objects.filter(search_vector="marlowe").count() == 1


# --- Many files ---------------------------------------------------------------------------------


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


GOOD_A = story().encode()
GOOD_B = story(title="Ferry Timetable Changes", url="https://ferrynews.example/timetable").encode()
BROKEN = b"A Title\n2021-13-40\nhttps://ferrynews.example/broken\nText.\n"


def test_a_zip_of_good_and_broken_files_stores_the_good_ones_whole_and_none_of_the_broken():
    archive = zip_of({"stories/a.txt": GOOD_A, "stories/broken.txt": BROKEN, "b.txt": GOOD_B})
    report = services.articles_import([("upload.zip", archive)], origin="admin")
    outcomes = {file.filename: (file.outcome, file.message) for file in report.files}
    assert outcomes == {
        "upload.zip/stories/a.txt": ("created", "Harbour Pier to Open in June"),
        "upload.zip/stories/broken.txt": (
            "rejected",
            "upload.zip/stories/broken.txt, line 2: expected a date as YYYYMMDD, got '2021-13-40'",
        ),
        "upload.zip/b.txt": ("created", "Ferry Timetable Changes"),
    }
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Ferry Timetable Changes",
        "Harbour Pier to Open in June",
    ]
    assert not Article.objects.filter(url__contains="broken").exists()
    assert Quote.objects.count() == 2  # every part of the good ones
    batch = ImportBatch.objects.get()
    assert (batch.origin, batch.created_count, batch.rejected_count) == ("admin", 2, 1)
    assert list(batch.files.values_list("outcome", flat=True)) == ["created", "rejected", "created"]


def test_a_rejected_file_does_not_stop_the_others_and_reimport_is_unchanged():
    files = [("broken.txt", BROKEN), ("a.txt", GOOD_A), ("b.txt", GOOD_B)]
    first = services.articles_import(files)
    assert [file.outcome for file in first.files] == ["rejected", "created", "created"]
    second = services.articles_import(files)
    assert [file.outcome for file in second.files] == ["rejected", "unchanged", "unchanged"]
    assert Article.objects.count() == 2
    assert ImportBatch.objects.count() == 2


@pytest.mark.parametrize(
    "members, reason",
    [
        ({"../evil.txt": GOOD_A}, "the member '../evil.txt' points outside the archive"),
        ({"/etc/evil.txt": GOOD_A}, "the member '/etc/evil.txt' points outside the archive"),
        ({"a/../../evil.txt": GOOD_A}, "points outside the archive"),
        ({"inner.zip": zip_of({"a.txt": GOOD_A})}, "'inner.zip' is an archive inside the zip"),
        ({"inner.txt": zip_of({"a.txt": GOOD_A})}, "'inner.txt' is an archive inside the zip"),
        ({"a.txt": GOOD_A, "b.txt": GOOD_B, "c.txt": GOOD_A}, "holds 4 files, over the limit of 2"),
    ],
)
def test_a_dangerous_zip_is_refused_whole(settings, members, reason):
    settings.ARCHIVE_MAX_ZIP_FILES = 2
    report = services.articles_import([("upload.zip", zip_of({"ok.txt": GOOD_B, **members}))])
    [refused] = report.files
    assert refused.filename == "upload.zip"
    assert refused.outcome == "rejected"
    assert refused.message.startswith("upload.zip: ")
    assert reason in refused.message
    assert not Article.objects.exists()


def test_a_zip_that_unpacks_too_large_is_refused(settings):
    settings.ARCHIVE_MAX_ZIP_BYTES = len(GOOD_A) + len(GOOD_B) - 1
    report = services.articles_import([("big.zip", zip_of({"a.txt": GOOD_A, "b.txt": GOOD_B}))])
    assert "over the limit of" in report.files[0].message
    assert not Article.objects.exists()


def test_a_zip_whose_declared_sizes_lie_is_refused(settings):
    raw = bytearray(zip_of({"a.txt": GOOD_A, "b.txt": GOOD_B * 3}))
    # Shrink the declared sizes in the central directory to one byte each.
    position = 0
    while (position := raw.find(b"PK\x01\x02", position)) >= 0:
        raw[position + 24 : position + 28] = (1).to_bytes(4, "little")
        position += 4
    settings.ARCHIVE_MAX_ZIP_BYTES = 100
    report = services.articles_import([("liar.zip", bytes(raw))])
    assert report.files[0].outcome == "rejected"
    assert report.files[0].message.startswith("liar.zip: ")
    assert not Article.objects.exists()


def test_a_failing_story_does_not_stop_the_others(monkeypatch):
    def extractor_bug(paragraphs, known=None):
        if "Ferry" in paragraphs[0]:
            raise RuntimeError("extractor bug")
        return found()

    monkeypatch.setattr(ingest_service, "extraction_run", extractor_bug)
    files = [
        ("a.txt", GOOD_A),
        ("b.txt", story(paragraphs=["Ferry"], url="https://x.example/").encode()),
    ]
    report = services.articles_import(files)
    assert [file.outcome for file in report.files] == ["created", "failed"]
    assert report.files[1].message == "extraction failed: extractor bug"
    assert (report.batch.status, report.batch.failed_count) == ("done", 1)
    assert Article.objects.count() == 1


def test_a_file_over_the_size_setting_is_refused(settings):
    settings.ARCHIVE_MAX_FILE_BYTES = 50
    report = services.articles_import([("a.txt", GOOD_A)])
    assert report.files[0].message == (
        f"a.txt: the file is {len(GOOD_A):,} bytes, over the limit of 50 bytes"
    )


def test_a_preview_predicts_outcomes_and_stores_nothing():
    services.articles_import([("a.txt", GOOD_A)])
    preview = services.files_preview([("a.txt", GOOD_A), ("b.txt", GOOD_B), ("broken.txt", BROKEN)])
    assert [row.expected for row in preview] == ["unchanged", "created", "rejected"]
    assert preview[1].message == "Ferry Timetable Changes"
    assert Article.objects.count() == 1
    assert ImportBatch.objects.count() == 1


# --- Editors' corrections -----------------------------------------------------------------------


def test_merge_moves_mentions_and_quotes_sums_counts_and_keeps_the_old_slug(client):
    ingest()
    duplicate = found(people=[FoundEntity("Edie Marlowe", ["Edie"], mentions=2)])
    duplicate.quotes[0].speaker = "Edie Marlowe"
    ingest(url="https://harbourpost.example/other/", extraction=duplicate)
    # Both named in the first story as well.
    first = Article.objects.get(slug="harbour-pier-to-open-in-june")
    source = Person.objects.get(name="Edie Marlowe")
    target = Person.objects.get(name="Edith Marlowe")
    PersonMention.objects.create(article=first, person=source, count=4, first_offset=2)

    services.person_merge(source, target)

    target.refresh_from_db()
    assert not Person.objects.filter(name="Edie Marlowe").exists()
    # The editor's merge confirms the merged name; what extraction saw stays a spelling.
    assert target.aliases == ["Edie Marlowe"]
    assert target.spellings == ["Marlowe"]  # "Edie" alone, a first name, is not kept
    assert target.confirmed
    assert target.former_slugs == ["edie-marlowe"]
    counts = dict(target.mentions.values_list("article__slug", "count"))
    assert counts == {"harbour-pier-to-open-in-june": 7, "harbour-pier-to-open-in-june-2": 2}
    assert set(Quote.objects.values_list("person__name", flat=True)) == {"Edith Marlowe"}
    assert "Edie Marlowe" in Article.objects.get(pk=first.pk).entity_names
    response = client.get("/people/edie-marlowe/")
    assert (response.status_code, response["Location"]) == (301, "/people/edith-marlowe/")


def test_marking_not_an_entity_removes_its_mentions_and_quote_links():
    ingest()
    person = Person.objects.get()
    services.entity_mark_not_an_entity(person)
    assert not PersonMention.objects.exists()
    quote = Quote.objects.get()
    assert quote.person is None and quote.speaker_text == "Marlowe"
    assert "Marlowe" not in Article.objects.get().entity_names


def test_changing_a_speaker_verifies_the_quote():
    ingest()
    organisation = Organisation.objects.get()
    quote = Quote.objects.get()
    services.quote_speaker_change(quote, organisation=organisation)
    quote.refresh_from_db()
    assert (quote.person, quote.organisation, quote.status) == (None, organisation, "verified")


def test_reextract_keeps_every_editor_decision(monkeypatch):
    ingest()
    ingest(url="https://harbourpost.example/other/", extraction=found(people=[], quotes=[]))
    verified = Quote.objects.get()
    services.quote_speaker_change(verified, organisation=Organisation.objects.get())
    services.entity_mark_not_an_entity(Organisation.objects.get())
    ingest(
        url="https://harbourpost.example/third/",
        extraction=found(people=[FoundEntity("Edie Marlowe")], organisations=[], quotes=[]),
    )
    services.person_merge(
        Person.objects.get(name="Edie Marlowe"), Person.objects.get(name="Edith Marlowe")
    )

    # Extraction now finds the old spelling, the false organisation and the quote again.
    again = found(people=[FoundEntity("Edie Marlowe")])
    monkeypatch.setattr(ingest_service, "extraction_run", lambda paragraphs, known=None: again)
    report = services.articles_reextract()
    assert (report.batch.origin, report.batch.updated_count) == ("reextract", 3)

    assert list(Person.objects.values_list("name", flat=True)) == ["Edith Marlowe"]
    assert PersonMention.objects.count() == 3
    assert not OrganisationMention.objects.exists()
    quote = Quote.objects.filter(article__slug="harbour-pier-to-open-in-june").get()
    assert (quote.pk, quote.status) == (verified.pk, "verified")
    assert Quote.objects.filter(status="unreviewed").count() == 2  # the other two stories


# --- Two imports at the same moment -------------------------------------------------------------


def run_together(*calls):
    """Run each call in its own thread and database connection, released at one instant."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait()
            results.append(call())
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_one_story_leave_one_article():
    for _round in range(5):
        Article.objects.all().delete()
        parsed = parse(story())
        results = run_together(
            *[lambda p=parsed: services.article_ingest(p, extraction=found()) for _ in range(4)]
        )
        assert sorted(result.outcome for result in results) == [
            "created",
            "unchanged",
            "unchanged",
            "unchanged",
        ]
        assert Article.objects.count() == 1
        assert Person.objects.count() == 1
        assert Quote.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_stories_naming_the_same_people_create_each_person_once():
    people = [FoundEntity(name) for name in ("Ada Quill", "Bo Rensen", "Cy Tanaka")]

    def importer(number):
        extraction = found(people=list(reversed(people)) if number % 2 else people, quotes=[])
        text = story(url=f"https://harbourpost.example/{number}/", title="Same Title")
        return lambda: services.article_ingest(parse(text), extraction=extraction)

    results = run_together(*[importer(number) for number in range(6)])
    assert [result.outcome for result in results] == ["created"] * 6
    assert Person.objects.count() == 3
    assert PersonMention.objects.count() == 18
    assert len(set(Article.objects.values_list("slug", flat=True))) == 6


def test_story_counts_follow_imports_updates_merges_and_corrections():
    def counts():
        return dict(Person.objects.values_list("name", "article_count"))

    ingest(extraction=found())
    ingest(url="https://harbourpost.example/second/", extraction=found())
    assert counts() == {"Edith Marlowe": 2}

    # The second story, edited, no longer names her but names someone else.
    other = found(people=[FoundEntity("Jo Bloggs")], quotes=[])
    ingest(url="https://harbourpost.example/second/", title="Edited", extraction=other)
    assert counts() == {"Edith Marlowe": 1, "Jo Bloggs": 1}

    services.person_merge(
        Person.objects.get(name="Jo Bloggs"), Person.objects.get(name="Edith Marlowe")
    )
    assert counts() == {"Edith Marlowe": 2}

    services.entity_mark_not_an_entity(Person.objects.get())
    assert counts() == {"Edith Marlowe": 0}


def test_a_merge_costs_the_same_few_queries_however_many_stories_name_them(
    django_assert_max_num_queries,
):
    for number in range(12):
        ingest(url=f"https://harbourpost.example/story-{number}/", extraction=found())
        other = found(people=[FoundEntity("Edie Marlowe")], quotes=[])
        ingest(url=f"https://harbourpost.example/other-{number}/", extraction=other)
    source = Person.objects.get(name="Edie Marlowe")
    target = Person.objects.get(name="Edith Marlowe")
    with django_assert_max_num_queries(20):
        services.person_merge(source, target)
    assert Person.objects.get().article_count == 24
    assert all(
        "Edie Marlowe" in names for names in Article.objects.values_list("entity_names", flat=True)
    )


def test_a_repaired_title_is_stored_and_the_page_says_so(client):
    title = "Harbour Board Won’t Sell the Pier"
    article = ingest(title=title.encode("utf-8").decode("cp1252")).article
    article.refresh_from_db()
    assert (article.title, article.repaired_lines) == (title, [1])
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Harbour Board Won’t Sell the Pier" in page
    assert "were repaired in the title." in page
    assert (
        "repaired"
        not in client.get(
            ingest(url="https://news.example/clean/").article.get_absolute_url()
        ).content.decode()
    )


def test_a_story_naming_many_new_people_costs_no_more_queries_than_one_naming_few(
    django_assert_max_num_queries,
):
    """New entries of a story are saved together: the queries do not grow with their number."""
    surnames = ["Quill", "Rensen", "Tanaka", "Oduya", "Vesk", "Halden", "Brisco", "Lund"]

    def people(first_name):
        return [FoundEntity(f"{first_name} {surname}") for surname in surnames[:2]]

    with CaptureQueriesContext(connection) as few:
        ingest(extraction=found(people=people("Ada"), quotes=[]))
    many = [FoundEntity(f"Bram {surname}") for surname in surnames]
    with django_assert_max_num_queries(len(few)):
        ingest(url="https://harbourpost.example/many/", extraction=found(people=many, quotes=[]))
    assert Person.objects.filter(name__startswith="Bram ").count() == len(surnames)


def test_new_spellings_of_many_stored_people_cost_no_more_queries_than_of_one(
    django_assert_max_num_queries,
):
    """A story's new spellings of stored names are read and written together, however many."""
    surnames = ["Quill", "Rensen", "Tanaka", "Oduya", "Vesk", "Halden", "Brisco", "Lund"]
    everyone = [FoundEntity(f"Ada {surname}") for surname in surnames]
    ingest(extraction=found(people=everyone, quotes=[]))

    def respelled(count):
        return [FoundEntity(f"Ada {s}", [f"A. {s}"]) for s in surnames[:count]] + everyone[count:]

    with CaptureQueriesContext(connection) as one:
        ingest(url="https://harbourpost.example/one/", extraction=found(people=respelled(1)))
    with django_assert_max_num_queries(len(one)):
        ingest(url="https://harbourpost.example/all/", extraction=found(people=respelled(8)))
    assert sorted(Person.objects.values_list("spellings", flat=True)) == sorted(
        [f"A. {surname}"] for surname in surnames
    )


def test_slugs_made_together_differ_from_each_other_and_from_stored_and_former_slugs():
    Person.objects.create(name="Jose Pena", slug="jose-pena", former_slugs=["jose-pena-2"])
    slugs = unique_slugs(Person, ["José Peña", "Jose  Pena", "Ada Quill"], "person")
    assert slugs == ["jose-pena-3", "jose-pena-4", "ada-quill"]


def test_slugs_spell_out_letters_that_have_no_accent_to_drop():
    slugs = unique_slugs(Person, ["Łukasz Nowak", "Søren Brandt", "Johann Strauß", "Æsa Ørn"], "p")
    assert slugs == ["lukasz-nowak", "soren-brandt", "johann-strauss", "aesa-orn"]


def test_an_entry_created_meanwhile_by_another_import_is_used_not_duplicated():
    """The story's new entries are planned, then saved in one insert; when another import
    stored one of the names in between, the insert fails and each is found or created alone."""
    planned = [Person(name="Ada Quill", slug="", **resolution.entity_keys(Person, "Ada Quill"))]
    planned.append(Person(name="Bram Lund", slug="", **resolution.entity_keys(Person, "Bram Lund")))
    other_import = Person.objects.create(name="Bram Lund", slug="bram-lund")
    saved = resolution._entities_create(Person, planned)
    assert saved[id(planned[1])].pk == other_import.pk
    assert sorted(Person.objects.values_list("name", "slug")) == [
        ("Ada Quill", "ada-quill"),
        ("Bram Lund", "bram-lund"),
    ]
