"""The About page: what the archive holds and how far its machine work can be trusted."""

import datetime
import json
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from articles import selectors
from articles.models import Quote
from tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)
from tests.test_gold import readme_figures

pytestmark = pytest.mark.django_db

ABOUT = reverse("articles:about")


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.delete(selectors.SUMMARY_CACHE_KEY)
    yield
    cache.delete(selectors.SUMMARY_CACHE_KEY)


# quality.json's keys for the four figures of the README's `tests/gold/` row.
FIGURE_KEYS = {
    "people_f1": "people",
    "organisations_f1": "organisations",
    "quote_spans_f1": "quote_spans",
    "quote_speakers_f1": "quote_spans_speakers",
}

def text_of(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_about_page_counts_what_the_archive_holds(client):
    reuters, guardian = SourceFactory(name="Reuters"), SourceFactory(name="The Guardian")
    SourceFactory(name="No stories yet")
    peskov = PersonFactory(name="Dmitry Peskov", confirmed=True)
    blinken = PersonFactory(name="Antony Blinken")
    PersonFactory(name="Minsk", not_an_entity=True)
    nato = OrganisationFactory(name="NATO")
    first = ArticleFactory(
        published=datetime.date(2021, 12, 2), source=reuters, people=[peskov, blinken]
    )
    ArticleFactory(published=datetime.date(2023, 3, 1), source=guardian, organisations=[nato])
    ArticleFactory(published=datetime.date(2022, 1, 5), source=guardian)
    QuoteFactory(article=first, person=peskov, status=Quote.Status.VERIFIED)
    QuoteFactory(article=first, person=blinken)
    QuoteFactory(article=first, person=blinken, status=Quote.Status.REJECTED)

    shown = text_of(client.get(ABOUT))

    assert "Stories 3, published from 2 December 2021 to 1 March 2023" in shown
    assert "Sources 2 news outlets" in shown
    assert "People 2, 1 of them confirmed by an editor" in shown
    assert "Organisations 1, 0 of them confirmed by an editor" in shown
    assert "Quotes 2, 1 of them verified by an editor" in shown
    assert "they are the machine’s guesses unless an editor confirmed them" in shown


def test_counts_are_kept_for_a_few_minutes(client, django_assert_max_num_queries):
    ArticleFactory()
    client.get(ABOUT)
    ArticleFactory()
    with django_assert_max_num_queries(0):
        response = client.get(ABOUT)
    assert "Stories 1," in text_of(response)
    cache.delete(selectors.SUMMARY_CACHE_KEY)
    assert "Stories 2," in text_of(client.get(ABOUT))


def test_extraction_figures_come_from_the_committed_file_with_how_they_were_measured(client):
    shown = text_of(client.get(ABOUT))
    recorded = json.loads(selectors.QUALITY_FILE.read_text())
    extraction = next(s for s in recorded["sections"] if s["key"] == "extraction")
    seeds = extraction["runs"][0]
    # The About page and the README give the same figures for the seeds gold.
    promised = readme_figures()
    assert [seeds["figures"][key] for key in FIGURE_KEYS] == [
        promised[measure] for measure in FIGURE_KEYS.values()
    ]
    figures = " ".join(
        f"{label} {seeds['figures'][key]:.3f}"
        for label, key in (
            ("People", "people_f1"),
            ("Organisations", "organisations_f1"),
            ("Quotes", "quote_spans_f1"),
            ("Quotes with the right speaker", "quote_speakers_f1"),
        )
    )
    assert (
        "The 13 seed stories of tests/gold/ (one real, 12 invented to test the rules) "
        f"(13 stories), measured {seeds['date']} {figures} "
        "Measured with .venv/bin/python bench/extraction.py"
    ) in shown


def test_a_measure_without_figures_reads_not_yet_measured(client, tmp_path, monkeypatch):
    quality = {
        "sections": [
            {
                "key": "ordering",
                "title": "Reading order",
                "how": "Shuffled stories <b>put back</b> in order.",
                "measures": [
                    {
                        "key": "first_paragraph_right",
                        "label": "First paragraph right",
                        "unit": "share",
                    },
                    {"key": "mean_kendall_tau", "label": "Mean tau", "unit": "tau"},
                ],
                "runs": [
                    {
                        "measured_on": "200 stories",
                        "stories": 200,
                        "date": "2026-11-30",
                        "command": "bench/order.py",
                        "figures": {"first_paragraph_right": 0.855, "mean_kendall_tau": None},
                    }
                ],
            },
            {"key": "other", "title": "Other", "how": None, "measures": [], "runs": []},
        ]
    }
    path = tmp_path / "quality.json"
    path.write_text(json.dumps(quality))
    monkeypatch.setattr(selectors, "QUALITY_FILE", path)
    response = client.get(ABOUT)
    shown = text_of(response)
    assert "First paragraph right 86% Mean tau not yet measured" in shown
    assert "Other Not yet measured." in shown
    assert "&lt;b&gt;put back&lt;/b&gt;" in response.content.decode()


def test_the_committed_ordering_entry_shows_no_made_up_figure(client):
    recorded = json.loads(selectors.QUALITY_FILE.read_text())
    ordering = next(s for s in recorded["sections"] if s["key"] == "ordering")
    sections = {section.key: section for section in selectors.archive_quality()}
    for run, shown in zip(ordering["runs"], sections["ordering"].runs, strict=True):
        for measure, (_, figure) in zip(ordering["measures"], shown.pairs, strict=True):
            value = run["figures"].get(measure["key"])
            assert (figure == "not yet measured") == (value is None)


def test_footer_links_the_about_page(client):
    assert f'href="{ABOUT}"' in client.get(reverse("articles:home")).content.decode()
