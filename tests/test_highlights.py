"""Marking a search's words: in the search page's snippets and titles, and on the story a
result leads to. Phrases are marked as phrases, excluded words never, stored text escaped."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import highlights, search
from articles.models import Article
from tests.factories import ArticleFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


def marked_words(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", str(html))


def marks(text: str, query: str) -> list[str]:
    parsed = search.parse_query(query)
    (marked,) = highlights.mark_texts([text], parsed.tsquery)
    return marked_words(marked.html)


# --- The matcher -----------------------------------------------------------------------------


def test_a_phrase_is_marked_only_where_its_words_are_adjacent():
    text = "House Oversight met at the White House. The house is white, the white car too."
    assert marks(text, '"white house"') == ["White House"]
    assert marks(text, "white house") == ["House", "White", "House", "house", "white", "white"]


def test_words_are_marked_as_the_search_stems_them_and_accents_ignored():
    text = "They negotiated; the negotiation in the Café went on."
    assert marks(text, "negotiations cafe") == ["negotiated", "negotiation", "Café"]


def test_excluded_words_are_never_marked():
    assert marks("Putin met Trump, then Putin left.", "putin -trump") == ["Putin", "Putin"]
    assert marks("The White House and the house.", 'house -"white house"') == ["House", "house"]


def test_stop_words_inside_a_phrase_keep_their_place():
    text = "The president of the United States met the states' president, United."
    assert marks(text, '"president of the united states"') == ["president of the United States"]


def test_either_word_and_hyphenated_words():
    text = "Wheat exports and gas prices; a well-known trader."
    assert marks(text, "wheat or gas") == ["Wheat", "gas"]
    assert marks(text, '"well-known"') == ["well-known"]


def test_query_tree_reads_postgresql_precedence():
    tree = highlights.tsquery_tree("'a' | 'b' & !( 'c' <-> 'd' ) & 'e' <3> 'f'")
    assert tree == highlights.Either(
        (
            highlights.Lexeme("a"),
            highlights.Both(
                (
                    highlights.Lexeme("b"),
                    highlights.Not(
                        highlights.Phrase(highlights.Lexeme("c"), highlights.Lexeme("d"), 1)
                    ),
                    highlights.Phrase(highlights.Lexeme("e"), highlights.Lexeme("f"), 3),
                )
            ),
        )
    )
    assert highlights.wanted_lexemes(tree) == ["a", "b", "e", "f"]
    assert highlights.tsquery_tree("'o''brien'") == highlights.Lexeme("o'brien")
    assert highlights.tsquery_tree("'a' & (") is None


def test_marked_text_is_escaped_and_tags_do_not_shift_the_marks():
    text = "<b>Budget</b> vote: <script>alert('budget')</script> & 1 < 2 budget"
    parsed = search.parse_query("budget")
    (marked,) = highlights.mark_texts([text], parsed.tsquery)
    html = str(marked.html)
    assert "<script>" not in html and "<b>" not in html
    assert html.startswith("&lt;b&gt;<mark>Budget</mark>&lt;/b&gt; vote: &lt;script&gt;")
    assert html.endswith("&amp; 1 &lt; 2 <mark>budget</mark>")


# --- Search results --------------------------------------------------------------------------


def test_every_snippet_comes_from_a_paragraph_holding_the_word(client):
    filler = [f"Paragraph {n} tells of the weather and the markets." for n in range(12)]
    for n in range(5):
        body = filler[: 3 + n] + [f"Deep down, Crimea was named in story {n}."] + filler
        ArticleFactory(title=f"Story {n}", body="\n".join(body))
    response = client.get(SEARCH, {"q": "crimea"})
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', response.content.decode(), re.S)
    assert len(snippets) == 5
    for snippet in snippets:
        assert "<mark>Crimea</mark> was named in story" in snippet
        assert "weather" not in snippet


def test_snippet_prefers_the_paragraph_holding_the_whole_phrase(client):
    ArticleFactory(
        title="Washington",
        body="The house voted.\nA white car passed.\nThen the White House spoke.\nNo more.",
    )
    response = client.get(SEARCH, {"q": '"white house"'})
    (row,) = response.context["results"].rows
    assert marked_words(row.snippet_html) == ["White House"]
    assert "Then the" in row.snippet_html


@pytest.mark.parametrize(
    ("query", "paragraph", "marked"),
    [
        ("tries", "They kept trying all night.", "trying"),
        ("hope", "Officials were hoping for calm.", "hoping"),
        ("zelenskyy", "Then Zelenskyý spoke at length.", "Zelenskyý"),
        ("ability", "Its abilities were doubted.", "abilities"),
        ("100%", "Turnout rose to 100% in the north.", "100"),
    ],
)
def test_snippet_finds_the_paragraph_whatever_form_the_word_takes(client, query, paragraph, marked):
    ArticleFactory(title="Roundup", body=f"Opening words.\nMore about roads.\n{paragraph}")
    (row,) = client.get(SEARCH, {"q": query}).context["results"].rows
    assert marked_words(row.snippet_html) == [marked]


def test_snippet_paragraph_is_escaped(client):
    ArticleFactory(
        title="Budget <b>vote</b>",
        body="Opening words.\nThe budget passed. <script>alert('x')</script> & 1 < 2",
    )
    html = client.get(SEARCH, {"q": "budget"}).content.decode()
    assert "<script>alert" not in html
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert f"The <mark>budget</mark> passed. {escaped}" in html
    assert "<mark>Budget</mark> &lt;b&gt;vote&lt;/b&gt;" in html


def test_long_paragraph_is_cut_around_the_match(client):
    words = " ".join(f"word{n}" for n in range(200))
    ArticleFactory(title="Long", body=f"{words} ceasefire {words}")
    (row,) = client.get(SEARCH, {"q": "ceasefire"}).context["results"].rows
    snippet = str(row.snippet_html)
    assert snippet.startswith("… word19") and snippet.endswith("word30 …")
    assert marked_words(snippet) == ["ceasefire"]


def test_result_link_carries_the_query(client):
    article = ArticleFactory(title="Bitcoin slumps", body="Bitcoin fell again today.")
    response = client.get(SEARCH, {"q": 'bitcoin "fell again"'})
    (row,) = response.context["results"].rows
    assert row.url == article.get_absolute_url() + "?q=bitcoin+%22fell+again%22"
    assert f'href="{article.get_absolute_url()}?q=bitcoin+%22fell+again%22"' in (
        response.content.decode()
    )


# --- The story page --------------------------------------------------------------------------


def story(client, article, **params):
    response = client.get(article.get_absolute_url(), params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_story_page_marks_a_phrase_only_where_its_words_are_adjacent(client):
    article = ArticleFactory(
        title="White House answers the House Oversight committee",
        body="The House Oversight committee wrote.\nThe White House said it would answer.",
    )
    response, html = story(client, article, q='"white house"')
    assert marked_words(html) == ["White House", "White House"]
    assert "2 matches for “&quot;white house&quot;”" in html
    assert response.context["robots"] == "noindex,follow"

    _, html = story(client, article, q="white house")
    assert marked_words(html) == ["White", "House", "House", "House", "White", "House"]


def test_story_page_marks_stemmed_words_but_not_excluded_ones(client):
    article = ArticleFactory(
        title="Sanctions talk",
        body="Putin met Trump.\nPutin was sanctioned, said officials.",
    )
    _, html = story(client, article, q="putin sanction -trump")
    assert marked_words(html) == ["Sanctions", "Putin", "Putin", "sanctioned"]
    assert "<mark>Trump" not in html


def test_story_page_marks_are_escaped_inside_quotes_and_links(client):
    peskov = PersonFactory(name="Dmitry Peskov", aliases=["Peskov"])
    body = "Peskov said <b>the talks</b> & more talks would follow."
    article = ArticleFactory(title="Talks <i>go on</i>", body=body, people=[peskov])
    QuoteFactory(
        article=article,
        person=peskov,
        text="<b>the talks</b> & more talks",
        paragraph=0,
        start=body.index("<b>"),
    )
    _, html = story(client, article, q="talks peskov")
    assert "<b>" not in html and "<i>" not in html
    assert "<mark>Talks</mark> &lt;i&gt;go on&lt;/i&gt;" in html
    assert "&lt;b&gt;the <mark>talks</mark>&lt;/b&gt; &amp; more <mark>talks</mark>" in html
    assert 'class="entity-link" href="/people/dmitry-peskov/"><mark>Peskov</mark></a>' in html


def test_story_page_without_a_searchable_query_is_unmarked(client):
    article = ArticleFactory(title="The talks", body="Talks went on.")
    for params in ({}, {"q": "the and"}, {"q": "x" * 301}):
        response, html = story(client, article, **params)
        assert "<mark>" not in html
        assert "matches for" not in html
    _, html = story(client, article, q="budget")
    assert "No match in the text for “budget”" in html


def test_clear_link_keeps_the_other_parameters(client):
    article = ArticleFactory(title="The talks", body="Talks went on.")
    _, html = story(client, article, q="talks", order="file")
    assert '<a href="?order=file">clear</a>' in html


def test_marks_follow_the_paragraphs_in_either_order_and_links_keep_both(client):
    article = ArticleFactory(
        title="Budget",
        body="The vote on the budget came last.\nIt opened with sanctions.\nThen sanctions again.",
        reading_order=[1, 2, 0],
    )
    _, html = story(client, article, q="sanctions budget")
    body = html.split('class="story-body"')[1]
    assert re.findall(r"<p>(.*?)</p>", body)[:3] == [
        "It opened with <mark>sanctions</mark>.",
        "Then <mark>sanctions</mark> again.",
        "The vote on the <mark>budget</mark> came last.",
    ]
    assert 'href="?q=sanctions+budget&amp;order=file"' in html

    _, html = story(client, article, q="sanctions budget", order="file")
    body = html.split('class="story-body"')[1]
    assert re.findall(r"<p>(.*?)</p>", body)[0] == "The vote on the <mark>budget</mark> came last."
    assert '<a href="?order=file">clear</a>' in html
    assert "4 matches" in html


def test_quotes_page_marks_words_as_the_search_does(client):
    article = ArticleFactory(title="Talks", body="x")
    QuoteFactory(article=article, text="The White House and the House <b>Oversight</b> panel")
    html = client.get(reverse("articles:quotes"), {"q": '"white house" -budget'}).content.decode()
    assert marked_words(html) == ["White House"]
    assert "the House &lt;b&gt;Oversight&lt;/b&gt; panel" in html
    html = client.get(reverse("articles:quotes")).content.decode()
    assert "<mark>" not in html and "&lt;b&gt;Oversight&lt;/b&gt;" in html


def test_weighted_restricts_every_word_of_the_query():
    assert highlights.weighted("'white' <-> 'hous' & !'o''brien'", "C") == (
        "'white':C <-> 'hous':C & !'o''brien':C"
    )


def test_a_story_found_by_its_title_shows_the_paragraph_with_most_of_the_words(client):
    ArticleFactory(
        title="House white paint",
        body="Nothing here.\nThe white van left.\nA white house, a white fence.",
    )
    (row,) = client.get(SEARCH, {"q": '"house white"'}).context["results"].rows
    assert marked_words(row.title_html) == ["House white"]
    assert str(row.snippet_html) == "A white house, a white fence."


WORDS = st.sampled_from(
    ["white", "house", "the", "Café", "well-known", "U.S.", "<b>", "&", "3.5", "don't", "ß", "é"]
)
TEXTS = st.lists(WORDS | st.text(max_size=8), max_size=12).map(" ".join)
QUERIES = st.lists(
    WORDS | st.sampled_from(['"', "-", "or", "(", ")", ":*", "!", "<->"]), max_size=6
).map(" ".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, query=QUERIES)
def test_any_text_and_query_mark_whole_words_of_the_text_escaped(text, query):
    text = text.replace("\x00", "")
    parsed = search.parse_query(query)
    (marked,) = highlights.mark_texts([text], parsed.tsquery)
    html = str(marked.html)
    assert html.replace("<mark>", "").replace("</mark>", "") == escape(text)
    for start, end in marked.spans:
        assert 0 <= start < end <= len(text)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=QUERIES | st.text(max_size=40))
def test_any_q_gives_the_story_page(client, query):
    if not Article.objects.filter(slug="the-story").exists():
        ArticleFactory(slug="the-story", title="White House", body="The house <b>is</b> white.")
    response = client.get("/articles/the-story/", {"q": query})
    assert response.status_code == 200
