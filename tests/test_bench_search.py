"""bench/search.py: its name heuristics and story recombination, and a whole small run (a
build in two resumed parts, then the timings), so the benchmark never rots. Needs nothing
outside the repository: without ../shared/corpus the run recombines invented records."""

import gzip
import importlib.util
import json
import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "search.py"
CLASSES = [
    "rare word",
    "common word",
    "phrase",
    "phrase, unusual order",
    "many words",
    "name",
]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_search", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- Names and quotes in text ----------------------------------------------------------------


def test_mentions_in_finds_people_and_organisations_with_counts_and_offsets(bench):
    text = (
        "Secretary of State Antony Blinken told the Justice Department and the House "
        "Intelligence Committee that NATO would meet. Blinken’s aide, Adam B. Schiff and "
        "Donald Trump Jr. said the Department of Homeland Security agreed with Antony Blinken."
    )

    people, organisations = bench.mentions_in(text)

    assert {(m.name, m.count) for m in people} == {
        ("Antony Blinken", 2),
        ("Adam B. Schiff", 1),
        ("Donald Trump Jr.", 1),
    }
    blinken = next(m for m in people if m.name == "Antony Blinken")
    assert text[blinken.first :].startswith("Antony Blinken told")
    assert {m.name for m in organisations} == {
        "Justice Department",
        "House Intelligence Committee",
        "NATO",
        "Department of Homeland Security",
    }


@pytest.mark.parametrize(
    "text",
    [
        "The New Hampshire primary was held in Washington on Monday.",  # places and days
        "Republicans and Democrats met. The meeting ended.",  # groups, sentence words
        "WATCH: He said nothing of the kind to Will, or to anyone at all.",
    ],
)
def test_mentions_in_names_no_person_in_places_groups_or_pronouns(bench, text):
    people, _organisations = bench.mentions_in(text)
    assert people == []


def test_mentions_in_never_joins_two_names_with_and_into_one_organisation(bench):
    _people, organisations = bench.mentions_in(
        "The House and Senate met as Senate Majority Leader Mitch McConnell and House "
        "Speaker Nancy Pelosi spoke to the White House."
    )
    assert {m.name for m in organisations} == {"Senate", "White House"}


def test_attributions_in_takes_the_quotation_or_the_reported_clause(bench):
    text = (
        '"We will respond firmly to any attack," Blinken said on Tuesday. '
        "Sen. Bob Corker told reporters that the talks would go on for weeks. "
        "He said nothing more about the talks at all."
    )

    found = bench.attributions_in(text)

    assert [(a.speaker, a.verb, a.kind, text[a.start : a.end]) for a in found] == [
        ("Blinken", "said", "direct", "We will respond firmly to any attack"),
        ("Bob Corker", "told", "reported", "reporters that the talks would go on for weeks"),
    ]


# --- The corpus and the stories --------------------------------------------------------------


def write_corpus(folder: Path) -> Path:
    """A tiny file in the shape of ../shared/corpus/large/*.jsonl.gz, dates out of order."""
    records = [
        {"title": "Late Story", "date": "20200105", "url": "https://www.late.example/1",
         "source": "Late", "paragraphs": ["Maria Halden said the  pier\nwould open.", " "]},
        {"title": "Undated Story", "date": None, "url": "reuters21578:7", "source": "Reuters",
         "paragraphs": ["The XQZ board met.", "Prices rose sharply, the XQZ said."]},
        {"title": "", "date": "20200101", "url": "https://a.example/2", "paragraphs": ["x"]},
        {"title": "Early Story", "date": "20200101", "url": "https://early.example/3",
         "source": "Early", "paragraphs": ["Peter Oduya of the Harbour Council spoke.", "WATCH"]},
    ]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "tiny.jsonl.gz", "wt", encoding="utf-8") as lines:
        lines.writelines(json.dumps(record) + "\n" for record in records)
    return folder


def test_corpus_read_orders_by_date_and_finds_names(bench, tmp_path):
    corpus = bench.corpus_read(write_corpus(tmp_path / "corpus"))

    assert corpus.description["files"] == ["tiny.jsonl.gz"]
    assert corpus.description["synthetic"] is False
    # The untitled record is dropped; the undated one takes a dated record's date.
    assert corpus.description["records"] == 3
    assert all(record.published is not None for record in corpus.records)
    dates = [record.published for record in corpus.records]
    assert dates == sorted(dates)
    assert "reuters.example" in {record.host for record in corpus.records}
    late = next(record for record in corpus.records if record.title == "Late Story")
    assert [p.text for p in corpus.paragraphs[late.first : late.first + late.count]] == [
        "Maria Halden said the pier would open."
    ]
    names = {m.name for paragraph in corpus.paragraphs for m in paragraph.people}
    organisations = {m.name for p in corpus.paragraphs for m in p.organisations}
    assert names == {"Maria Halden", "Peter Oduya"}
    # "XQZ" is in too few records to be taken for an organisation, "WATCH" is a word.
    assert organisations == {"Harbour Council"}


def test_corpus_read_falls_back_to_invented_records(bench, tmp_path):
    corpus = bench.corpus_read(tmp_path / "absent")

    assert corpus.description["synthetic"] is True
    assert corpus.description["records"] == bench.SYNTHETIC_RECORDS
    assert sum(len(p.people) for p in corpus.paragraphs) > 1000
    assert sum(len(p.attributions) for p in corpus.paragraphs) > 1000


@pytest.fixture(scope="module")
def invented(bench):
    return bench.corpus_read(Path("/nonexistent"))


def test_story_make_is_the_same_on_every_run_and_no_story_repeats_another(bench, invented):
    stories = [bench.story_make(pk, invented) for pk in range(1, 201)]

    assert bench.story_make(7, invented) == stories[6]
    bodies = {tuple(paragraph.text for paragraph in story.paragraphs) for story in stories}
    assert len(bodies) == 200
    corpus_texts = {paragraph.text for paragraph in invented.paragraphs}
    record_bodies = {
        tuple(p.text for p in invented.paragraphs[r.first : r.first + r.count])
        for r in invented.records
    }
    for story in stories:
        assert {paragraph.text for paragraph in story.paragraphs} <= corpus_texts
        assert tuple(paragraph.text for paragraph in story.paragraphs) not in record_bodies
    assert len({story.published for story in stories}) > 150


def test_story_unique_draws_again_rather_than_repeat_a_body(bench, tmp_path):
    corpus = bench.corpus_read(write_corpus(tmp_path / "corpus"))
    drawn = [bench.story_make(pk, corpus) for pk in range(1, 41)]
    assert len({bench.body_key(story) for story in drawn}) < 40  # three records repeat

    bodies = set()
    unique = [bench.story_unique(pk, corpus, bench.SEED, bodies) for pk in range(1, 41)]

    assert len({bench.body_key(story) for story in unique}) == 40 == len(bodies)
    assert unique[0] == bench.story_make(1, corpus)  # a first draw that is new is kept


def test_story_rows_are_what_the_import_service_would_store(bench, invented):
    from django.utils import timezone

    registry = bench.Registry(
        people={}, organisations={}, sources={},
        slugs={label: set() for label in ("article", "person", "organisation", "source")},
        next_ids={label: 1 for label in ("article", "person", "organisation", "source")},
        new_rows={label: [] for label in ("person", "organisation", "source")},
        now=timezone.now(),
    )  # fmt: skip
    story = next(
        story
        for story in (bench.story_make(pk, invented) for pk in range(1, 100))
        if any(p.attributions for p in story.paragraphs)
    )

    rows = bench.story_rows(story, registry)

    body = rows.article["body"]
    assert body == "\n".join(paragraph.text for paragraph in story.paragraphs)
    names = {row["id"]: row["name"] for row in registry.new_rows["person"]}
    for mention in rows.person_mentions:
        name = names[mention["person_id"]]
        assert body[mention["first_offset"] :].startswith(name)
        assert mention["count"] == body.count(name)
    assert rows.article["entity_names"].split("\n")[: len(names)] == list(names.values())
    assert rows.quotes
    for quote in rows.quotes:
        paragraph = story.paragraphs[quote["paragraph"]].text
        assert paragraph[quote["start"] : quote["end"]] == quote["text"]
        speaker = names[quote["person_id"]] if quote["person_id"] else None
        assert speaker is None or speaker.split()[-1] in quote["speaker_text"]
    assert re.fullmatch(r"https://news\d+\.example/archive/\d+/", rows.article["url"])


# --- A whole small run -----------------------------------------------------------------------


def test_a_small_run_builds_resumably_and_times_every_class(bench, tmp_path, django_db_blocker):
    from django.db import connection
    from django.test import Client

    from articles.models import Article, Organisation, Person

    original = connection.settings_dict["NAME"]
    test_name = connection.settings_dict.get("TEST", {}).get("NAME") or f"test_{original}"
    database = f"{test_name}_search"
    results = tmp_path / "results"
    common = ["--corpus", str(tmp_path / "no-corpus"), "--database", database]
    common += ["--results", str(results), "--batch-stories", "50"]
    try:
        with django_db_blocker.unblock():
            first = bench.main([*common, "--rebuild", "--stories", "120", "--build-only"])
            report = bench.main([*common, "--stories", "300", "--rounds", "2", "--variants", "2"])
        written = json.loads((results / "search.json").read_text())
        with django_db_blocker.unblock():
            again = bench.main([*common, "--stories", "300", "--build-only"])

        assert first["build"]["stories"] == 120
        build = report["build"]
        assert build["stories"] == 300
        # The second run stored only the stories the first had not.
        assert [s["stories_before"] for s in build["sessions"]] == [0, 120]
        assert build["duplicate_bodies"] == 0
        assert build["corpus"]["synthetic"] is True
        assert again["build"]["sessions"] == build["sessions"]  # nothing left to do
        assert report["sizes"]["tables"]["articles_article"]["rows"] == 300
        assert report["sizes"]["tables"]["articles_quote"]["rows"] > 300

        assert written == json.loads(json.dumps(report, default=str))
        classes = written["timing"]["classes"]
        expected = [*CLASSES, *(f"{label} + filters" for label in CLASSES)]
        expected += ["busiest person page", "busiest organisation page"]
        assert list(classes) == expected
        for label, row in classes.items():
            assert row["requests"] == 2, label
            assert row["errors"] == 0, label
            assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], label
            assert row["queries"], label
        assert classes["name"]["queries"][0]["matches"] > 0
        assert re.match(r"\d+ stor", classes["name"]["queries"][0]["shown"])
        assert written["timing"]["overall"]["requests"] == 2 * len(expected)

        # The product's own pages work on that database and find its stories.
        with django_db_blocker.unblock():
            bench.database_open(database)
            try:
                assert list(Article.objects.order_by("pk").values_list("pk", flat=True)) == list(
                    range(1, 301)
                )
                for model in (Person, Organisation):
                    for entity in model.objects.all():
                        assert entity.article_count == entity.mentions.count(), entity
                busiest = Person.objects.order_by("-article_count").first()
                stories = Article.objects.filter(people=busiest)
                client = Client()
                page = client.get("/search/", {"q": busiest.name})
                assert page.status_code == 200
                html = page.content.decode()
                shown = int(re.search(r'results-heading"[^>]*>\s*(\d+) stories', html).group(1))
                assert shown >= busiest.article_count > 0
                # A result links to its story with the query, which the story then marks.
                listed = set(re.findall(r'href="/articles/([^/"]+)/(?:\?q=[^"]*)?"', html))
                assert len(listed & set(stories.values_list("slug", flat=True))) >= 10
                page = client.get(busiest.get_absolute_url())
                assert page.status_code == 200
                newest = stories.order_by("-published", "-pk").first()
                assert newest.get_absolute_url() in page.content.decode()
                assert client.get(newest.get_absolute_url()).status_code == 200
            finally:
                bench.database_restore(original)
    finally:
        with django_db_blocker.unblock():
            bench.database_drop(database)
    # The run left the connection where it found it, for the tests that follow.
    assert connection.settings_dict["NAME"] == original
