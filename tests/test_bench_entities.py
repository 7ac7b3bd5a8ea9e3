"""bench/entities.py: its indicators on planted names, and a whole run on invented stories, so
the benchmark never rots. Needs nothing outside the repository."""

import gzip
import importlib.util
import json
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "entities.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_entities", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- The stories -----------------------------------------------------------------------------


def test_seed_text_strips_marks_and_shuffles_paragraphs_with_a_fixed_seed(bench):
    paragraphs = [f"Paragraph {n}: the mayor’s “plan” isn't 'final'." for n in range(8)]
    text = bench.seed_text("The Mayor's Plan", "20200102", "https://a.example/1", paragraphs, "x")

    title, date, url, *body = text.rstrip("\n").split("\n")
    assert (title, date, url) == ("The Mayors Plan", "20200102", "https://a.example/1")
    assert body[0].endswith("the mayors plan isnt final.")
    assert sorted(body) == sorted(p.translate(bench.STRIPPED_MARKS) for p in paragraphs)
    assert body != [p.translate(bench.STRIPPED_MARKS) for p in paragraphs]
    assert text == bench.seed_text(
        "The Mayor's Plan", "20200102", "https://a.example/1", paragraphs, "x"
    )


def test_large_stories_takes_the_first_dated_stories_with_text(bench, tmp_path):
    corpus = tmp_path / "tiny.jsonl.gz"
    records = [
        {"id": "a/1", "title": "One", "date": "20200101", "url": "https://a.example/1",
         "paragraphs": ["Alpha."]},
        {"id": "a/2", "title": "Two", "date": None, "url": "https://a.example/2",
         "paragraphs": ["Beta."]},
        {"id": "a/3", "title": "Three", "date": "20200103", "url": "https://a.example/3",
         "paragraphs": []},
        {"id": "a/4", "title": "Four", "date": "20200104", "url": "https://a.example/4",
         "paragraphs": ["Delta."]},
        {"id": "a/5", "title": "Five", "date": "20200105", "url": "https://a.example/5",
         "paragraphs": ["Epsilon."]},
    ]  # fmt: skip
    with gzip.open(corpus, "wt", encoding="utf-8") as lines:
        lines.writelines(json.dumps(record) + "\n" for record in records)

    stories, skipped = bench.large_stories(corpus, 2)

    assert [name for name, _raw in stories] == ["a-1.txt", "a-4.txt"]
    assert stories[1][1].decode() == "Four\n20200104\nhttps://a.example/4\nDelta.\n"
    assert skipped == 2


def test_batches_split_keeps_order_and_sizes_nearly_equal(bench):
    batches = bench.batches_split(list(range(10)), 4)
    assert batches == [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]]
    assert bench.batches_split([1, 2], 5) == [[1], [2]]


# --- Indicators on planted names -----------------------------------------------------------

ARCHIVE_TEXT = [
    "John Bolton said the talks failed. Donald Trump said they did not. Trump left.",
    "Bolton and Trump met. The media said little. Media coverage was thin, the media agreed.",
    "The coverage ended.",
    "Chris Wallace asked. Chris Christie answered. Chris Murphy listened.",
    "Mitch McConnell spoke. McConnell said the Senate would vote on YouTube rules.",
    "YouTube said it would comply.",
]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Replay More Videos", "page furniture"),
        ("WATCHED", "all-caps word: WATCHED"),
        ("WATCH Obama", "all-caps word: WATCH"),
        ("Ill", "contraction without its apostrophe"),
        ("Media", "common word"),
        ("David", "first name alone"),
        ("Chris", "first name alone"),
        ("John BoltonTrump", "words run together"),
        ("#MeToo", "hashtag or handle"),
        ("@realDonaldTrump", "hashtag or handle"),
        ("Area 51", "digits"),
        ("John Quincy Adams Walker Brown Smith", "more than 5 words"),
        ("Moscow", "a place: Moscow"),
        ("Obama American", "a nationality or group in the name"),
        ("Charles Krauthammer on Special Report", "a lowercase word in the name"),
        ("Media Coverage", "ordinary words only"),
    ],
)
def test_junk_reasons_flag_planted_junk(bench, name, reason):
    counts = bench.WordCounts.of(ARCHIVE_TEXT)
    assert reason in bench.junk_reasons(name, counts)


def test_junk_reasons_for_organisations_allow_long_names_and_group_aliases(bench):
    counts = bench.WordCounts.of(ARCHIVE_TEXT)
    long_name = "Bureau of Alcohol, Tobacco, Firearms and Explosives"
    assert bench.junk_reasons(long_name, counts, kind="organisation") == []
    assert (
        bench.junk_reasons("Republican Party", counts, kind="organisation", aliases=("GOP",)) == []
    )
    assert bench.junk_reasons("Massachusett", counts, aliases=("Massachusetts",)) == [
        "a place: Massachusetts"
    ]


@pytest.mark.parametrize(
    "name", ["Mitch McConnell", "Ron DeSantis", "Donald Trump", "NATO", "YouTube", "Trump"]
)
def test_junk_reasons_leave_real_names_alone(bench, name):
    assert bench.junk_reasons(name, bench.WordCounts.of(ARCHIVE_TEXT)) == []


@pytest.mark.parametrize(
    ("kind", "first", "second", "reason"),
    [
        ("person", "Barack Obama", "Obama", "one name inside the other"),
        ("person", "Bill Clinton", "Hillary Clinton", "same surname"),
        ("person", "Team Obama", "Obama", "one name inside the other"),
        ("person", "Adam Schiff", "Adam B. Schiff", "same surname"),
        ("person", "Volodymyr Zelensky", "Volodymyr Zelenskyy", "trigram similarity"),
        ("person", "Zelensky", "Zalensky", "trigram similarity"),
        ("person", "Alexei Navalny", "Alexei Nawalny", "trigram similarity"),
        ("person", "Navalny", "Nawalny", "edit distance 1"),
        ("organisation", "National Rifle Association", "NRA", "NRA is an acronym of"),
        ("organisation", "F.B.I.", "Federal Bureau of Investigation", "is an acronym"),
        ("organisation", "Pentagon", "The Pentagon", "one name inside the other"),
    ],
)
def test_split_reasons_flag_planted_pairs(bench, kind, first, second, reason):
    reasons = bench.split_reasons(kind, first, second)
    assert any(reason in found for found in reasons), reasons


@pytest.mark.parametrize(
    ("kind", "first", "second", "likely"),
    [
        ("person", "Barack Obama", "Obama", True),
        ("person", "Adam Schiff", "Adam B. Schiff", True),
        ("person", "Navalny", "Nawalny", True),
        ("person", "Bill Clinton", "Hillary Clinton", False),
        ("person", "David Axelrod", "David", False),  # a first name alone is junk
        ("organisation", "National Rifle Association", "NRA", True),
        ("organisation", "CBS", "CBS News", True),
        ("organisation", "Harvard", "Harvard Law School", False),
    ],
)
def test_split_likely_tells_strong_pairs_from_weak_ones(bench, kind, first, second, likely):
    reasons = bench.split_reasons(kind, first, second)
    assert bench.split_likely(kind, first, second, reasons) is likely


@pytest.mark.parametrize(
    ("kind", "first", "second"),
    [
        ("person", "Angela Merkel", "Vladimir Putin"),
        ("organisation", "NATO", "National Rifle Association"),
        ("organisation", "Senate", "House"),
    ],
)
def test_split_reasons_leave_distinct_entries_apart(bench, kind, first, second):
    assert bench.split_reasons(kind, first, second) == []


def test_entries_judge_counts_wrong_merges_splits_and_junk(bench):
    stories = {
        1: "Chris Wallace asked the question.",
        2: "Wallaces show aired. Chris Christie answered.",  # possessive s without apostrophe
        3: "Chris Christie said nothing.",  # names no Wallace: a wrong merge
        4: "The Harbour Council met. The HC voted.",
        5: "The port authority met.",  # names neither the council nor its alias
        6: "Barack Obama spoke.",
        7: "Obama spoke again.",
    }
    people = [
        {"name": "Chris Wallace", "aliases": ["Chris"], "story_ids": [1, 2, 3]},
        {"name": "Barack Obama", "aliases": [], "story_ids": [6]},
        {"name": "Obama", "aliases": [], "story_ids": [7]},
        {"name": "Ill", "aliases": [], "story_ids": [7]},
    ]
    # Spellings extraction saw count as name forms, as editor-confirmed aliases do.
    organisations = [
        {"name": "Harbour Council", "aliases": [], "spellings": ["HC"], "story_ids": [4, 5, 6]}
    ]
    counts = bench.WordCounts.of(stories.values())

    judged_people = bench.entries_judge("person", people, stories, counts)
    judged_organisations = bench.entries_judge("organisation", organisations, stories, counts)

    assert [e["wrong_merge_stories"] for e in judged_people["entries"]] == [1, 0, 0, 1]
    assert judged_people["entries"][2]["split_with"] == ["Barack Obama"]
    assert judged_people["entries"][2]["split_likely"] == ["Barack Obama"]
    assert judged_people["entries"][3]["junk"] == ["contraction without its apostrophe"]
    assert judged_people["totals"] == {
        "entries": 4,
        "wrong_merges": 2,
        "wrong_merge_stories": 2,
        "split_pairs": 1,
        "likely_split_pairs": 1,
        "entries_in_split_pairs": 2,
        "junk": 1,
    }
    assert judged_organisations["entries"][0]["wrong_merge_stories"] == 2


# --- A whole run on invented stories ----------------------------------------------------

STORIES = [
    (
        "Velmora Council Backs the Harbour Plan",
        "Greta Halden, the mayor of Velmora, said the harbour plan would go ahead next spring.",
        "The Velmora Harbour Authority said it would publish the budget in March.",
    ),
    (
        "Ferry Strike Ends After Talks",
        "Greta Halden said the ferry strike had ended after two days of talks.",
        "Jonas Oduya, who leads the Northern Rail Union, said members would vote on Friday.",
    ),
    (
        "Storm Closes the Coastal Road",
        "The coastal road was closed overnight, Greta Halden told reporters on Tuesday.",
        "Jonas Oduya said the Northern Rail Union would run extra trains.",
    ),
    (
        "Fishing Fleet Returns Early",
        "Greta Halden said the fishing fleet had returned a week early.",
        "The Velmora Harbour Authority said the pier would reopen on Monday.",
    ),
    (
        "Budget Vote Delayed",
        "Jonas Oduya said the union would not accept the budget as written.",
        "Greta Halden said the council would vote on the budget next month.",
    ),
]


def write_invented_corpus(folder: Path) -> tuple[Path, Path]:
    """A tiny jsonl.gz in the large corpus' shape and a folder of two seed-format files."""
    corpus = folder / "invented.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as lines:
        for number, (title, *paragraphs) in enumerate(STORIES):
            record = {
                "id": f"invented-{number}",
                "title": title,
                "date": f"202001{number + 10}",
                "url": f"https://www.velmora-news.example/story/{number}/",
                "source": "Velmora News",
                "paragraphs": paragraphs,
            }
            lines.write(json.dumps(record) + "\n")
    seedlike = folder / "seedlike"
    seedlike.mkdir()
    for number in range(2):
        (seedlike / f"seed_{number}.txt").write_text(
            f"Harbour Report {number}\n2020020{number + 1}\n"
            f"https://www.harbour-times.example/report/{number}/\n"
            "Greta Halden said the harbour would stay open all winter.\n"
            "The Velmora Harbour Authority said it agreed.\n"
        )
    return corpus, seedlike


def test_a_small_run_imports_in_batches_and_reports_both_lists(bench, tmp_path, django_db_blocker):
    from django.db import connection

    corpus, seedlike = write_invented_corpus(tmp_path)
    test_name = connection.settings_dict.get("TEST", {}).get("NAME") or (
        "test_" + connection.settings_dict["NAME"]
    )
    results = tmp_path / "results"

    with django_db_blocker.unblock():
        report = bench.main(
            [
                *("--corpus", str(corpus), "--large", "4", "--seedlike", str(seedlike)),
                *("--batches", "3", "--top", "10", "--reextract", "--quiet"),
                *("--database", f"{test_name}_entities", "--results", str(results)),
            ]
        )

    assert report["corpus"]["seedlike_stories"] == 2
    assert report["corpus"]["large_stories"] == 4
    assert report["import"]["stories"] == 6
    assert report["import"]["outcomes"] == {"created": 6}
    assert [batch["stories"] for batch in report["import"]["batches"]] == [2, 2, 2]
    assert report["reextract"]["stories"] == 6
    for stage in ("after_import", "after_reextract"):
        judged = report[stage]
        assert judged["stories"] == 6
        people = judged["people"]["entries"]
        # Every story imported names Greta Halden (the fifth invented one is beyond --large 4).
        assert people[0]["name"] == "Greta Halden"
        assert people[0]["stories"] == 6
        assert people[0]["wrong_merge_stories"] == 0
        assert people[0]["junk"] == []
        assert set(people[0]) >= {"rank", "name", "aliases", "stories", "split_with", "junk"}
        assert set(judged["people"]["totals"]) >= {"wrong_merges", "likely_split_pairs", "junk"}
        assert judged["people"]["totals"]["entries"] == len(people) <= 10
        assert judged["organisations"]["totals"]["entries"] >= 1
    written = json.loads((results / "entities.json").read_text())
    assert written["import"]["stories"] == 6
    readable = (results / "entities.txt").read_text()
    assert "after import" in readable and "after reextract" in readable
    assert "Greta Halden" in readable
    # The run left the connection where it found it, for the tests that follow.
    assert not connection.settings_dict["NAME"].endswith("_entities")
