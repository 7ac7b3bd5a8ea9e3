"""The search page as a reader sees it: what matches, in what order, with which counts."""

import datetime
import re

import pytest
from django.urls import reverse

from articles import search
from articles.models import Article
from tests.factories import ArticleFactory, OrganisationFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("articles:search")


def titles(response):
    """Result titles in order, as shown (highlight markup removed)."""
    return [re.sub(r"<[^>]+>", "", row.article.title) for row in response.context["results"].rows]


def get(client, **params):
    return client.get(SEARCH, params)


def test_words_match_with_stemming_and_accents():
    ArticleFactory(title="Talks", body="The ministers were negotiating in the café.")
    ArticleFactory(title="Other", body="Nothing relevant here.")
    parsed = search.parse_query("negotiations cafe")
    found = search.apply_search(Article.objects.all(), parsed.query)
    assert [article.title for article in found] == ["Talks"]


def test_a_phrase_never_matches_across_paragraphs_names_or_fields(client):
    white, house = PersonFactory(name="Jack White"), PersonFactory(name="House Speaker")
    ArticleFactory(title="Across paragraphs", body="Snow fell white\nHouse prices rose.")
    ArticleFactory(title="Across names", body="Nothing here.", people=[white, house])
    ArticleFactory(title="Across fields: the White", body="House prices rose.")
    ArticleFactory(title="The phrase", body="Talks at the White House ended.")
    assert titles(get(client, q='"white house"')) == ["The phrase"]
    assert titles(get(client, q='"jack white"')) == ["Across names"]
    assert set(titles(get(client, q="white house"))) == {
        "Across paragraphs",
        "Across names",
        "Across fields: the White",
        "The phrase",
    }


def test_phrase_matches_only_the_words_in_that_order(client):
    ArticleFactory(title="One", body="The peace talks resumed on Monday.")
    ArticleFactory(title="Two", body="Talks about peace are over.")
    assert titles(get(client, q='"peace talks"')) == ["One"]
    assert sorted(titles(get(client, q="peace talks"))) == ["One", "Two"]


def test_or_matches_either_word(client):
    ArticleFactory(title="Grain", body="Wheat exports rose.")
    ArticleFactory(title="Energy", body="Gas prices fell.")
    ArticleFactory(title="Sport", body="The match was a draw.")
    assert sorted(titles(get(client, q="wheat or gas"))) == ["Energy", "Grain"]
    assert titles(get(client, q="wheat gas")) == []


def test_minus_excludes_a_word(client):
    ArticleFactory(title="Kyiv talks", body="Sanctions were discussed with Moscow.")
    ArticleFactory(title="Brussels talks", body="Sanctions were discussed in Brussels.")
    assert titles(get(client, q="sanctions -moscow")) == ["Brussels talks"]


def test_title_match_ranks_above_body_only_match(client):
    body_only = ArticleFactory(
        title="Weekly roundup",
        body="Many things happened. Among them, a ceasefire was mentioned once.",
        published=datetime.date(2022, 5, 2),
    )
    in_title = ArticleFactory(
        title="Ceasefire agreed",
        body="Officials met and agreed on terms.",
        published=datetime.date(2022, 5, 1),
    )
    response = get(client, q="ceasefire")
    assert titles(response) == [in_title.title, body_only.title]
    assert titles(get(client, q="ceasefire", sort="newest")) == [body_only.title, in_title.title]
    assert titles(get(client, q="ceasefire", sort="oldest")) == [in_title.title, body_only.title]


def test_without_a_query_newest_first(client):
    ArticleFactory(title="Old", published=datetime.date(2020, 1, 1))
    ArticleFactory(title="New", published=datetime.date(2023, 1, 1))
    response = get(client)
    assert titles(response) == ["New", "Old"]
    assert response.context["results"].sort == "newest"


def test_stop_words_only_says_so(client):
    ArticleFactory(title="Anything")
    response = get(client, q="the and of")
    assert response.status_code == 200
    assert response.context["results"].parsed.only_stop_words
    assert "only very common words" in response.content.decode()
    assert titles(response) == ["Anything"]


def test_highlighted_snippet_is_escaped(client):
    ArticleFactory(
        title="Budget <b>vote</b>",
        body='Before. The budget <script>alert("pwned")</script> passed & 1 < 2.\nAfter.',
    )
    response = get(client, q="budget")
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in html
    assert "<mark>budget</mark>" in html
    assert "Budget &lt;b&gt;vote&lt;/b&gt;" in html.replace("<mark>", "").replace("</mark>", "")
    assert "&amp; 1 &lt; 2" in html


def test_people_and_organisations_shown_per_result(client):
    person = PersonFactory(name="Dmitry Peskov")
    organisation = OrganisationFactory(name="Kremlin")
    hidden = PersonFactory(name="Minsk", not_an_entity=True)
    ArticleFactory(title="Statement", people=[person, hidden], organisations=[organisation])
    response = get(client)
    row = response.context["results"].rows[0]
    assert [p.name for p in row.people] == ["Dmitry Peskov"]
    assert [o.name for o in row.organisations] == ["Kremlin"]
    html = response.content.decode()
    assert 'href="/people/dmitry-peskov/"' in html
    assert ">Minsk<" not in html


def test_name_in_entity_names_is_searchable(client):
    person = PersonFactory(name="Antony Blinken")
    ArticleFactory(title="Diplomacy", body="The secretary of state spoke.", people=[person])
    assert titles(get(client, q="blinken")) == ["Diplomacy"]


@pytest.fixture
def archive():
    """Six stories with people, organisations, sources and years to filter by."""
    putin = PersonFactory(name="Vladimir Putin")
    biden = PersonFactory(name="Joe Biden")
    nato = OrganisationFactory(name="NATO")
    un = OrganisationFactory(name="United Nations")
    reuters = SourceFactory(domain="reuters.com", name="Reuters")
    bbc = SourceFactory(domain="bbc.co.uk", name="BBC")
    stories = [
        ("Summit one", "2021-06-16", reuters, [putin, biden], [nato]),
        ("Summit two", "2021-12-07", bbc, [putin, biden], [un]),
        ("Troops", "2022-02-24", reuters, [putin], [nato, un]),
        ("Aid", "2022-04-28", bbc, [biden], [nato]),
        ("Vote", "2022-10-12", bbc, [], [un]),
        ("Grain", "2023-07-17", reuters, [putin], []),
    ]
    for title, published, source, people, organisations in stories:
        ArticleFactory(
            title=title,
            body=f"{title}: a summit story about the war.",
            published=datetime.date.fromisoformat(published),
            source=source,
            people=people,
            organisations=organisations,
        )
    return {"putin": putin, "biden": biden, "nato": nato, "un": un, "reuters": reuters}


FILTERS = [
    ({"person": "vladimir-putin"}, {"Summit one", "Summit two", "Troops", "Grain"}),
    ({"person": ["vladimir-putin", "joe-biden"]}, {"Summit one", "Summit two"}),
    ({"organisation": "nato"}, {"Summit one", "Troops", "Aid"}),
    ({"organisation": ["nato", "united-nations"]}, {"Troops"}),
    ({"source": "reuterscom"}, {"Summit one", "Troops", "Grain"}),
    ({"year": "2022"}, {"Troops", "Aid", "Vote"}),
    ({"from": "2022-01-01", "to": "2022-06-30"}, {"Troops", "Aid"}),
    ({"from": "2022-05-01"}, {"Vote", "Grain"}),
    ({"to": "2021-12-31"}, {"Summit one", "Summit two"}),
    ({"person": "vladimir-putin", "source": "reuterscom", "year": "2022"}, {"Troops"}),
    ({"q": "summit", "organisation": "nato", "from": "2021-07-01"}, {"Troops", "Aid"}),
    ({"q": '"summit two"', "person": "joe-biden"}, {"Summit two"}),
]


@pytest.mark.parametrize(("params", "expected"), FILTERS)
def test_every_filter_narrows_and_combines(client, archive, params, expected):
    response = get(client, **params)
    assert response.status_code == 200
    assert set(titles(response)) == expected
    assert response.context["results"].count.value == len(expected)


def test_facet_counts_equal_the_filtered_counts(client, archive):
    for params in ({}, {"q": "summit"}, {"person": "vladimir-putin"}, {"year": "2022"}):
        results = get(client, **params).context["results"]
        assert results.people and results.organisations and results.sources and results.years
        for person, stories in results.people:
            person_params = {**params, "person": [*_list(params.get("person")), person.slug]}
            narrowed = get(client, **person_params)
            assert narrowed.context["results"].count.value == stories, (params, person)
        for organisation, stories in results.organisations:
            narrowed = get(client, **{**params, "organisation": organisation.slug})
            assert narrowed.context["results"].count.value == stories, (params, organisation)
        for source, stories in results.sources:
            narrowed = get(client, **{**params, "source": source.slug})
            assert narrowed.context["results"].count.value == stories, (params, source)
        for year, stories in results.years:
            narrowed = get(client, **{**params, "year": year})
            assert narrowed.context["results"].count.value == stories, (params, year)
        assert sum(bucket.count for bucket in results.timeline) == results.count.value


def _list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def test_facet_links_add_and_chips_remove(client, archive):
    html = get(client, person="vladimir-putin").content.decode()
    assert 'href="?person=vladimir-putin&amp;person=joe-biden"' in html
    assert 'href="?"' in html  # the chip that removes the only filter
    assert "Person:</span> Vladimir Putin" in html


def test_merged_slug_still_filters(client, archive):
    putin = archive["putin"]
    putin.former_slugs = ["putin"]
    putin.save()
    response = get(client, person="putin")
    assert response.status_code == 200
    assert len(titles(response)) == 4


def test_did_you_mean_a_misspelt_name(client):
    PersonFactory(name="Volodymyr Zelenskyy")
    ArticleFactory(title="Nothing")
    response = get(client, q="zelenskiy")
    suggestions = response.context["results"].suggestions
    assert [entity.name for entity in suggestions] == ["Volodymyr Zelenskyy"]
    assert "Did you mean" in response.content.decode()


def test_timeline_counts_stories_per_month(client, archive):
    results = get(client, person="vladimir-putin").context["results"]
    assert results.timeline_unit == "month"
    by_label = {bucket.label: bucket.count for bucket in results.timeline}
    assert by_label["Jun 2021"] == 1 and by_label["Dec 2021"] == 1 and by_label["Jul 2023"] == 1
    assert by_label["Jan 2022"] == 0
    html = get(client, person="vladimir-putin").content.decode()
    assert '<svg viewBox="0 0' in html and 'role="img"' in html


def test_short_timeline_shows_a_year_of_context():
    from collections import Counter

    buckets, unit = search.timeline_buckets(Counter({(2021, 12): 3}), datetime.date(2026, 12, 1))
    assert unit == "month" and len(buckets) == 12
    assert [b.count for b in buckets if b.label == "Dec 2021"] == [3]
    assert sum(b.count for b in buckets) == 3
    assert buckets[0].label == "Jul 2021" and buckets[-1].label == "Jun 2022"


def test_a_recent_timeline_does_not_run_into_months_still_to_come():
    from collections import Counter

    today = datetime.date(2026, 12, 1)
    labels = lambda months: [b.label for b in search.timeline_buckets(months, today)[0]]  # noqa: E731
    assert labels(Counter({(2026, 11): 1}))[-1] == "Dec 2026"
    assert labels(Counter({(2026, 11): 1}))[0] == "Jan 2026"
    assert labels(Counter({(2026, 9): 1, (2026, 12): 2}))[-1] == "Dec 2026"
    # Stories dated in the future (a wrong date) still show, at the end.
    assert labels(Counter({(2027, 3): 1}))[-1] == "Mar 2027"


def test_no_correction_offered_for_a_correct_word(client):
    OrganisationFactory(name="Russian Foreign Ministry")
    PersonFactory(name="Volodymyr Zelenskyy")
    assert get(client, q="russia").context["results"].suggestions == []


def test_pages_of_twenty(client):
    for n in range(45):
        ArticleFactory(
            title=f"Story {n:02d}", published=datetime.date(2020, 1, 1) + datetime.timedelta(n)
        )
    first = get(client)
    assert len(titles(first)) == 20 and titles(first)[0] == "Story 44"
    third = get(client, page=3)
    assert titles(third) == [f"Story {n:02d}" for n in range(4, -1, -1)]
    assert third.context["results"].num_pages == 3
    beyond = get(client, page=9)
    assert beyond.context["results"].page == 3


def test_capped_candidates_are_labelled(client, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 5)
    monkeypatch.setattr(search, "COUNT_LIMIT", 7)
    for n in range(12):
        ArticleFactory(title=f"Common {n}", body="common word")
    results = get(client, q="common").context["results"]
    assert results.sampled
    assert len(results.rows) == 5
    assert results.count.estimated and results.count.value >= 8
    html = get(client, q="common").content.decode()
    assert "About " in html and "only the 5 newest" in html


def test_noindex_on_search_pages(client):
    assert '<meta name="robots" content="noindex,follow">' in get(client, q="x").content.decode()
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /search/" in robots


def test_sample_estimate_applies_every_filter(client, archive, monkeypatch):
    """The sampled count rewrites the query's FROM clause: with the whole table as the sample
    it must give the exact count, whatever filters the query carries."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    monkeypatch.setattr(search, "SAMPLE_ROWS", 10_000)
    monkeypatch.setattr(search, "SAMPLE_MAX_PERCENT", 10_000)
    monkeypatch.setattr(search, "SAMPLE_MIN_HITS", 1)
    from django.http import QueryDict

    from articles.filters import ArticleSearchFilter

    params = QueryDict("q=summit&person=vladimir-putin&source=reuterscom")
    filterset = ArticleSearchFilter(params, queryset=Article.objects.all())
    assert filterset.is_valid()
    assert search.sample_count(filterset.qs) == filterset.qs.count() == 3


def test_estimates_are_rounded():
    assert search.round_estimate(75_412.5) == 75_000
    assert search.round_estimate(1_234) == 1_200
    assert search.round_estimate(42) == 42


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_both_plans_find_the_same_candidates(archive, sort):
    """Walking the date index and collecting-then-sorting must agree, row for row."""
    parsed = search.parse_query("summit")
    queryset = search.apply_search(Article.objects.all(), parsed.query)
    walked = search.candidates_for(queryset, parsed.query, sort, limit=4, walk=True)
    sorted_ = search.candidates_for(queryset, parsed.query, sort, limit=4, walk=False)
    assert walked.ids == sorted_.ids and len(walked.ids) == 4
    assert walked.capped and sorted_.capped


def test_plan_walks_only_when_matches_are_dense(monkeypatch):
    monkeypatch.setattr(search, "estimate_count", lambda queryset: 10**6)
    dense = search.Sample(stories=1_000_000, percent=1.0, hits=8000)  # 80% match
    sparse = search.Sample(stories=1_000_000, percent=1.0, hits=30)  # 0.3% match
    monkeypatch.setattr(search, "take_sample", lambda queryset: dense)
    assert search.plan_walk(Article.objects.all(), 1000) == (True, dense)
    monkeypatch.setattr(search, "take_sample", lambda queryset: sparse)
    assert search.plan_walk(Article.objects.all(), 1000) == (False, sparse)
    monkeypatch.setattr(search, "estimate_count", lambda queryset: 10)
    assert search.plan_walk(Article.objects.all(), 1000) == (False, None)


def test_a_search_that_runs_out_of_time_says_so(client, archive, monkeypatch):
    def slow(*args, **kwargs):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(1)")

    monkeypatch.setattr(search, "SEARCH_TIMEOUT_MS", 50)
    monkeypatch.setattr(search, "candidates_for", slow)
    response = get(client, q="summit")
    assert response.status_code == 200
    assert response.context["results"].timed_out
    page = response.content.decode()
    assert "too broad to finish in time" in page
    # Nothing was counted: the page does not claim that nothing matches.
    assert "Search cut short" in page
    assert "0 stories" not in page and "No stories match" not in page
    # The connection is usable afterwards, with no time limit left behind.
    monkeypatch.undo()
    assert titles(get(client, q='"summit two"')) == ["Summit two"]


def _reference_link(params, changes, drop_page=True):
    """What the link tags must produce: a copy of the QueryDict, changed, urlencoded."""
    copied = params.copy()
    if drop_page:
        copied.pop("page", None)
    for key, values in changes:
        if values is None:
            copied.pop(key, None)
        else:
            copied.setlist(key, values)
    encoded = copied.urlencode()
    return f"?{encoded}" if encoded else "?"


def test_link_tags_encode_exactly_like_querydict():
    from django.http import QueryDict

    from articles.templatetags import archive as tags

    params = QueryDict("page=3&q=caf%C3%A9+%26+co&person=a&person=b&sort=newest&source=x%2By")
    # The prepared pieces are kept on the (immutable) request parameters: use them twice.
    for _ in range(2):
        assert tags.url_add(params, "person", "c") == _reference_link(
            params, [("person", ["a", "b", "c"])]
        )
        assert tags.url_add(params, "person", "a") == _reference_link(params, [])
        assert tags.url_add(params, "organisation", "o") == _reference_link(
            params, [("organisation", ["o"])]
        )
        assert tags.url_remove(params, "person", "a") == _reference_link(
            params, [("person", ["b"])]
        )
        assert tags.url_remove(params, "source") == _reference_link(params, [("source", None)])
        assert tags.url_remove(params, "year", "2019") == _reference_link(params, [])
        assert tags.url_set(params, "sort", "oldest") == _reference_link(
            params, [("sort", ["oldest"])]
        )
        assert tags.url_set(params, "year", 2019, "from", "", "to", "") == _reference_link(
            params, [("year", ["2019"]), ("from", None), ("to", None)]
        )
        assert tags.url_set(params, "person", "", "source", "", "q", "") == "?sort=newest"
        assert tags.url_page(params, 1) == _reference_link(params, [])
        assert tags.url_page(params, 4) == _reference_link(
            params, [("page", ["4"])], drop_page=False
        )
    empty = QueryDict("")
    assert tags.url_page(empty, 2) == "?page=2"
    assert tags.url_remove(empty, "person", "a") == "?"
    mutable = QueryDict("q=x", mutable=True)
    assert tags.url_add(mutable, "person", "a") == "?q=x&person=a"
    mutable["q"] = "y"
    assert tags.url_add(mutable, "person", "a") == "?q=y&person=a"


def test_result_links_match_reverse(client):
    article = ArticleFactory(title="Bitcoin slumps", body="Bitcoin fell again today.")
    row = search._result_rows([article.pk], search.parse_query("bitcoin"))[0]
    assert row.url == article.get_absolute_url() + "?q=bitcoin"
    row = search._result_rows([article.pk], search.parse_query(""))[0]
    assert row.url == article.get_absolute_url()
    assert search.EntityLink.person("X", "jane-doe").url == reverse(
        "articles:person", args=["jane-doe"]
    )
    assert search.EntityLink.organisation("X", "acme").url == reverse(
        "articles:organisation", args=["acme"]
    )


def test_a_search_cut_short_answers_over_the_newest_stories_and_says_at_least(
    client, archive, monkeypatch
):
    """Too slow over the whole archive, fast over its newest stories: the page lists what it
    found there, as "at least N", and says which stories it searched."""
    answer = search.candidates_for

    def slow_over_everything(queryset, query, sort):
        if "published" not in str(queryset.query.where):
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(1)")
        return answer(queryset, query, sort)

    monkeypatch.setattr(search, "SEARCH_TIMEOUT_MS", 50)
    monkeypatch.setattr(search, "WINDOW_STORIES", 3)  # the three newest of the six stories
    monkeypatch.setattr(search, "candidates_for", slow_over_everything)
    for sort, listed in (
        ("newest", ["Grain", "Vote", "Aid"]),
        ("oldest", ["Summit one", "Summit two", "Troops"]),
    ):
        response = get(client, q="summit", sort=sort)
        page = response.content.decode()
        assert titles(response) == listed
        assert "At least 3 stories" in page
        assert f"only the matches among the {sort} 3 stories" in page
    # Found nowhere among them: the archive may still hold it, so no count is claimed.
    response = get(client, q="troops", sort="newest")
    page = response.content.decode()
    assert titles(response) == []
    assert "Search cut short" in page
    assert "0 stories" not in page and "No stories match" not in page


def most_words_titles(response):
    return [row.article.title for row in response.context["results"].most_words]


def test_when_few_stories_hold_every_word_those_holding_most_follow(client):
    wire = SourceFactory(name="Wire", slug="wire")
    ArticleFactory(title="Beck speaks at CPAC", body="Glenn Beck speaks at CPAC tonight.")
    ArticleFactory(title="Beck at CPAC", body="Glenn Beck gave a speech at CPAC.")
    ArticleFactory(title="Beck on the wire", body="Glenn Beck and CPAC.", source=wire)
    ArticleFactory(title="Beck alone", body="Glenn Beck was on the radio.")
    ArticleFactory(title="Unrelated", body="Nothing of the kind, said Glenn.")
    response = get(client, q="Glenn Beck speaks cpac")
    page = response.content.decode()
    assert titles(response) == ["Beck speaks at CPAC"]
    # Three of the four words first (by rank: words in the title weigh most), then two; one
    # word is too few.
    assert most_words_titles(response) == ["Beck at CPAC", "Beck on the wire", "Beck alone"]
    assert "1 story" in page and "Stories holding most of these words" in page
    assert "Only 1 story holds every word of “Glenn Beck speaks cpac”" in page
    shown = re.sub(r"<[^>]+>", "", page)  # the marked words' tags removed
    assert shown.index("Beck speaks at CPAC") < shown.index("Beck at CPAC") < shown.index(
        "Beck alone"
    )
    # The filters hold for them too.
    response = get(client, q="Glenn Beck speaks cpac", source="wire")
    assert titles(response) == []
    assert most_words_titles(response) == ["Beck on the wire"]
    assert "No story holds every word of “Glenn Beck speaks cpac” with these filters" in (
        response.content.decode()
    )
    # Sorted by date, a phrase, an "or" or an excluded word: only what was asked for.
    for params in (
        {"q": "Glenn Beck speaks cpac", "sort": "newest"},
        {"q": '"glenn beck" speaks cpac'},
        {"q": "glenn -beck speaks cpac"},
    ):
        response = get(client, **params)
        assert most_words_titles(response) == [], params
        assert "Stories holding most" not in response.content.decode()


def test_when_no_story_holds_even_half_the_words_the_page_links_to_any_of_them(client):
    ArticleFactory(title="Beck at CPAC", body="Glenn Beck gave a speech at CPAC.")
    ArticleFactory(title="Beck alone", body="Glenn Beck was on the radio.")
    ArticleFactory(title="Unrelated", body="Nothing of the kind.")
    response = get(client, q="Glenn speaks tonight quietly")
    page = response.content.decode()
    assert titles(response) == [] and most_words_titles(response) == []
    assert response.context["results"].any_words == "Glenn or speaks or tonight or quietly"
    assert "No story holds all of these words" in page
    assert 'href="?q=Glenn+or+speaks+or+tonight+or+quietly"' in page
    # Followed: the stories holding any of the words, those holding most first.
    assert titles(get(client, q="Glenn or Beck or speaks or cpac")) == [
        "Beck at CPAC",
        "Beck alone",
    ]
    # A single word, a phrase or an excluded word says exactly what it wants: no such link.
    for q in ["speaks", '"glenn speaks"', "glenn -beck speaks"]:
        response = get(client, q=q)
        assert titles(response) == []
        assert "No story holds all of these words" not in response.content.decode()
