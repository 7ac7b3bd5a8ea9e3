"""Reading order (articles/ingest/order.py): the estimate, its storage at import and the page
that shows a shuffled story in it, with the file's order one click away."""

import re

import pytest
from django.urls import reverse

from articles import services
from articles.ingest.order import (
    PAIR_FEATURES,
    UNARY_FEATURES,
    load_model,
    reading_order,
    story_features,
)
from articles.ingest.parse import parse
from articles.ingest.types import Extraction
from articles.models import Article
from articles.services import ingest as ingest_service
from tests.factories import ArticleFactory

TITLE = "Senate Passes Harbour Bill After Long Debate"
# A story as published, and the order a file brought it in (shuffled: credits first).
IN_ORDER = [
    "WASHINGTON (Reuters) - The U.S. Senate on Tuesday passed a harbour bill sponsored by "
    "Senator Jane Holloway after a long debate, sending it to the House.",
    "Holloway said the bill would pay for dredging in 40 ports over five years.",
    'But critics said the cost was too high. "This is money we do not have," one aide said.',
    "Reporting by Tom Reed; Editing by Ann Lowe",
]
FILE_ORDER = [IN_ORDER[3], IN_ORDER[2], IN_ORDER[1], IN_ORDER[0]]


def story_file(paragraphs=FILE_ORDER, url="https://www.harbourpost.example/senate-bill/") -> bytes:
    return "\n".join([TITLE, "20230602", url, *paragraphs]).encode() + b"\n"


def test_the_order_is_a_permutation_of_the_paragraphs_with_the_opening_first():
    order = reading_order(FILE_ORDER, TITLE)

    assert sorted(order) == [0, 1, 2, 3]
    assert [FILE_ORDER[index] for index in order][0] == IN_ORDER[0]
    assert [FILE_ORDER[index] for index in order][-1] == IN_ORDER[3]


def test_a_full_name_comes_before_the_surname_alone():
    features = story_features(["Holloway said no.", "Senator Jane Holloway spoke."], "")
    introduces = PAIR_FEATURES.index("introduces_name")

    assert features.pair[1, 0, introduces] > 0
    assert features.pair[0, 1, introduces] == -features.pair[1, 0, introduces]


def test_paragraph_cues_read_a_dateline_a_pronoun_opening_and_a_question():
    dateline = story_features(["WASHINGTON (Reuters) - The Senate voted on Tuesday.", "x y"], "")
    pronoun = story_features(["He added that the vote would wait?", "x y"], "")
    column = UNARY_FEATURES.index

    assert dateline.unary[0, column("dateline")] == 1
    assert dateline.unary[0, column("weekday")] == 1
    assert dateline.unary[1, column("dateline")] == 0
    assert pronoun.unary[0, column("starts_pronoun")] == 1
    assert pronoun.unary[0, column("question")] == 1


def test_a_paragraph_repeating_the_title_scores_the_best_overlap():
    features = story_features(
        ["Harbour pier opens in June after delays.", "The mayor cut a ribbon."],
        "Harbour Pier Opens in June",
    )
    column = UNARY_FEATURES.index

    assert features.unary[:, column("title_overlap_best")].tolist() == [1, 0]
    assert features.unary[0, column("title_overlap")] == 1


def test_short_and_odd_stories_keep_their_order():
    assert reading_order([], TITLE) == []
    assert reading_order(["Only one paragraph."], TITLE) == [0]
    assert sorted(reading_order(["", "", "x"], "")) == [0, 1, 2]


def test_the_committed_weights_load_and_were_measured_on_held_out_stories():
    model = load_model()

    assert model.lexicon.words
    assert model.opening.any() and model.pairwise_unary.any() and model.pairwise_pair.any()


# --- Stored at import, shown on the page ------------------------------------------------------


@pytest.fixture
def no_extractor(monkeypatch):
    monkeypatch.setattr(
        ingest_service, "extraction_run", lambda paragraphs, known=None: Extraction()
    )


def _shown_paragraphs(html: str) -> list[str]:
    body = html.split('class="story-body">', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"<[^>]+>", "", paragraph) for paragraph in re.findall(r"<p>(.*?)</p>", body)]


def _plain(text: str) -> str:
    return text.replace('"', "&quot;")


@pytest.mark.django_db
def test_a_story_imported_shuffled_is_shown_in_its_estimated_order(client, no_extractor):
    result = services.article_ingest(parse(story_file()))
    article = Article.objects.get(pk=result.article.pk)

    assert article.reading_order == reading_order(FILE_ORDER, TITLE)
    assert article.body == "\n".join(FILE_ORDER)  # the stored text is never changed
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    shown = _shown_paragraphs(response.content.decode())
    assert shown == [_plain(FILE_ORDER[index]) for index in article.reading_order]
    assert shown[0].startswith("WASHINGTON (Reuters)")
    assert shown[-1].startswith("Reporting by")
    assert "Paragraphs shown in estimated reading order" in response.content.decode()


@pytest.mark.django_db
def test_order_file_shows_the_files_order_and_a_way_back(client, no_extractor):
    article = services.article_ingest(parse(story_file())).article

    response = client.get(article.get_absolute_url(), {"order": "file"})

    assert _shown_paragraphs(response.content.decode()) == [_plain(p) for p in FILE_ORDER]
    html = response.content.decode()
    assert "estimated reading order</a>" in html
    assert "Paragraphs shown in the file’s order" in html


@pytest.mark.django_db
def test_the_note_links_to_the_files_order(client, no_extractor):
    article = services.article_ingest(parse(story_file())).article

    html = client.get(article.get_absolute_url()).content.decode()

    link = re.search(r'estimated reading order — <a href="([^"]+)">the file’s order</a>', html)
    assert link and link.group(1) == "?order=file"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "reading", "FILE", "file'--", "x" * 300])
def test_an_unknown_order_shows_the_estimated_order(client, no_extractor, value):
    article = services.article_ingest(parse(story_file())).article

    response = client.get(article.get_absolute_url(), {"order": value})

    assert response.status_code == 200
    shown = _shown_paragraphs(response.content.decode())
    assert shown[0].startswith("WASHINGTON (Reuters)")


@pytest.mark.django_db
def test_a_story_stored_before_ordering_reads_in_file_order_without_a_note(client):
    article = ArticleFactory(body="Second line first.\nFirst line second.", reading_order=None)

    html = client.get(article.get_absolute_url()).content.decode()

    assert _shown_paragraphs(html) == ["Second line first.", "First line second."]
    assert "reading order" not in html


@pytest.mark.django_db
def test_an_order_that_no_longer_fits_the_text_is_ignored(client):
    article = ArticleFactory(body="One.\nTwo.", reading_order=[0, 1, 2])

    html = client.get(reverse("articles:article", args=[article.slug])).content.decode()

    assert _shown_paragraphs(html) == ["One.", "Two."]
    assert "reading order" not in html


@pytest.mark.django_db
def test_reextract_fills_the_order_of_an_older_story(no_extractor):
    article = ArticleFactory(body="\n".join(FILE_ORDER), title=TITLE, reading_order=None)

    services.article_reextract(article.pk, services.known_entities())

    article.refresh_from_db()
    assert article.reading_order == reading_order(FILE_ORDER, TITLE)


@pytest.mark.django_db
def test_the_api_gives_the_order_with_the_paragraphs(client, no_extractor):
    article = services.article_ingest(parse(story_file())).article
    older = ArticleFactory(body="One.\nTwo.", reading_order=None)

    detail = client.get(reverse("api:article-detail", args=[article.slug])).json()

    assert detail["paragraphs"] == FILE_ORDER
    assert detail["reading_order"] == reading_order(FILE_ORDER, TITLE)
    assert detail["paragraphs"][detail["reading_order"][0]] == IN_ORDER[0]
    older_detail = client.get(reverse("api:article-detail", args=[older.slug])).json()
    assert older_detail["reading_order"] is None
