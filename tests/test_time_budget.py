"""A story's extraction has a time budget: past it the story is marked failed, naming the file,
and the batch goes on, in a worker process and in this process (`import_articles --inline`).

The budgets here are a tenth of a millisecond, far below what parsing any text takes, so the
stories given that budget always run past it, whatever the machine's load."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from articles import services
from articles.ingest import pipeline
from articles.ingest.extract import extract
from articles.ingest.pipeline import Deadline, ExtractionTimeout
from articles.management.workers import workers_started
from articles.models import Article, ImportBatch, Person
from articles.services import ingest as ingest_service
from tests.test_ingest import BROKEN, story
from tests.test_jobs import wait_for

TINY_BUDGET = 0.0001
PARAGRAPHS = [
    "Mayor Ilse Varrow opened the council meeting on Tuesday.",
    "The Port Authority asked for a new budget for the northern pier.",
    "We will not raise fees this year, Varrow said.",
]


def council_story(number: int) -> bytes:
    return story(
        title=f"Harbour Council Meeting Number {number}",
        url=f"https://harbourpost.example/council/{number}/",
        paragraphs=[f"Meeting {number}.", *PARAGRAPHS],
    ).encode()


FERRY_STORY = story(
    title="Ferry Timetable Changes",
    url="https://ferrynews.example/timetable",
    paragraphs=["Ferry services change on Monday, said captain Anna Brell.", *PARAGRAPHS],
).encode()


# --- The deadline, without a database ---------------------------------------------------------


def test_a_deadline_that_has_passed_stops_extraction_with_its_budget_in_the_message():
    with pytest.raises(ExtractionTimeout, match=r"^extraction ran past 0\.0001 s$"):
        extract(PARAGRAPHS, deadline=Deadline.after(TINY_BUDGET))


def test_without_a_deadline_or_within_it_extraction_finishes():
    assert [p.name for p in extract(PARAGRAPHS).people] == ["Ilse Varrow"]
    in_time = extract(PARAGRAPHS, deadline=Deadline.after(3600))
    assert [p.name for p in in_time.people] == ["Ilse Varrow"]


def test_a_long_story_stops_after_the_parse_batch_that_ran_past_the_budget(monkeypatch):
    """The parser checks the clock between batches, so a long story does not parse to the end
    once its time is up."""
    nlp = pipeline.load_nlp()
    batches = []

    class CountingPipeline:
        def pipe(self, texts, **options):
            batches.append(len(texts))
            return nlp.pipe(texts, **options)

    monkeypatch.setattr(pipeline, "load_nlp", CountingPipeline)
    paragraph = "The council met again. " * 800  # 18,400 characters
    texts = [paragraph] * 20  # four batches of five paragraphs (BATCH_CHARS is 100,000)
    assert pipeline.BATCH_CHARS // len(paragraph) == 5
    expired = Deadline(budget_seconds=1, expires=time.monotonic())
    with pytest.raises(ExtractionTimeout):
        pipeline.parse(texts, expired)
    assert batches == [5], "one batch parsed, the three others never started"


# --- Imports ----------------------------------------------------------------------------------


@pytest.fixture
def ferry_runs_out_of_time(monkeypatch):
    """Extraction with a tiny budget for the ferry story and the normal one for the others."""
    real_extraction_run = ingest_service.extraction_run

    def extraction_run(paragraphs, known=None):
        budget = TINY_BUDGET if "Ferry" in paragraphs[0] else 3600
        with override_settings(ARCHIVE_EXTRACT_TIME_BUDGET=budget):
            return real_extraction_run(paragraphs, known)

    monkeypatch.setattr(ingest_service, "extraction_run", extraction_run)


@pytest.mark.django_db
def test_a_story_past_its_budget_fails_by_name_and_the_batch_goes_on(ferry_runs_out_of_time):
    files = [("a.txt", council_story(1)), ("ferry.txt", FERRY_STORY), ("c.txt", council_story(3))]
    report = services.articles_import(files)
    assert [(f.filename, f.outcome) for f in report.files] == [
        ("a.txt", "created"),
        ("ferry.txt", "failed"),
        ("c.txt", "created"),
    ]
    assert report.files[1].message == "ferry.txt: extraction ran past 0.0001 s"
    batch = report.batch
    assert (batch.status, batch.created_count, batch.failed_count) == ("done", 2, 1)
    # Nothing of the failed story is stored: neither the story nor its captain.
    assert not Article.objects.filter(url__contains="ferrynews").exists()
    assert not Person.objects.filter(name__contains="Brell").exists()
    assert Person.objects.get(name="Ilse Varrow").article_count == 2


@pytest.mark.django_db
def test_reextraction_past_its_budget_fails_the_story_and_keeps_it(settings):
    services.articles_import([("a.txt", council_story(1)), ("b.txt", council_story(2))])
    settings.ARCHIVE_EXTRACT_TIME_BUDGET = TINY_BUDGET
    report = services.articles_reextract()
    assert [f.outcome for f in report.files] == ["failed", "failed"]
    assert report.files[0].message == (
        "https://harbourpost.example/council/1/: extraction ran past 0.0001 s"
    )
    assert report.batch.status == "done"
    assert Person.objects.get(name="Ilse Varrow").article_count == 2  # the stories keep theirs


@pytest.mark.django_db
def test_import_articles_inline_reports_the_story_past_its_budget(tmp_path, ferry_runs_out_of_time):
    (tmp_path / "a.txt").write_bytes(council_story(1))
    (tmp_path / "ferry.txt").write_bytes(FERRY_STORY)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_articles", "--inline", str(tmp_path), stdout=out)
    assert f"{tmp_path / 'ferry.txt'}: extraction ran past 0.0001 s" in out.getvalue()
    assert "1 created, 0 updated, 0 unchanged, 0 rejected, 1 failed" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_worker_process_marks_stories_past_the_budget_failed_and_goes_on(monkeypatch):
    """A worker whose every extraction runs out of time: the batch still ends, with each
    story failed by name, the unchanged and rejected files settled, and the worker alive."""
    services.articles_import([("stored.txt", council_story(0))])
    monkeypatch.setenv("ARCHIVE_EXTRACT_TIME_BUDGET", str(TINY_BUDGET))
    files = [
        ("stored.txt", council_story(0)),
        ("one.txt", council_story(1)),
        ("broken.txt", BROKEN),
        ("two.txt", council_story(2)),
    ]
    batch = services.batch_stage(files)
    services.batch_confirm(batch, files_per_job=1)
    with workers_started(1) as [worker]:
        wait_for(lambda: ImportBatch.objects.get(pk=batch.pk).finished_work, seconds=120)
        assert worker.poll() is None, "the worker goes on after the stories that ran out"
    batch.refresh_from_db()
    assert batch.status == "done"
    assert (
        batch.created_count,
        batch.unchanged_count,
        batch.rejected_count,
        batch.failed_count,
    ) == (0, 1, 1, 2)
    assert dict(batch.files.filter(outcome="failed").values_list("filename", "message")) == {
        "one.txt": "one.txt: extraction ran past 0.0001 s",
        "two.txt": "two.txt: extraction ran past 0.0001 s",
    }
    assert Article.objects.count() == 1
