"""Issue 16 in chromium: snippets that show the searched word, the story marked after a
click, every value of a facet, the About page; each at phone and desktop widths with no
sideways scrolling on the phone. Screenshots land in test-results/screenshots/."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, PersonFactory, SourceFactory
from tests.test_browser_search import WIDTHS, assert_accessible, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILLER = [
    "Officials met on Tuesday to discuss the budget for the coming year and the state of roads.",
    "Markets were calm in the morning, and traders said they expected little change this week.",
    "A spokesman for the ministry declined to comment on the report, citing talks under way.",
]
PEOPLE = 15


@pytest.fixture
def archive():
    sources = [SourceFactory(name="Reuters"), SourceFactory(name="The Guardian")]
    people = [PersonFactory(name=f"Analyst Number{n:02d}") for n in range(PEOPLE)]
    for n in range(24):
        # The searched word only deep in the body: the opening never holds it.
        paragraphs = FILLER * 3
        paragraphs.insert(6 + n % 3, f"Deep in story {n}, the Crimea question came up again.")
        ArticleFactory(
            title=f"Photos: Photos: Regional roundup {n}",
            body="\n".join(paragraphs),
            published=datetime.date(2021, 1, 1) + datetime.timedelta(days=7 * n),
            source=sources[n % 2],
            people=people[: 1 + n % PEOPLE],
        )
    ArticleFactory(
        title="White House answers the House Oversight committee",
        body="\n".join(
            [
                *FILLER,
                "The House Oversight committee wrote to the administration last month.",
                "The White House said it would answer <b>soon</b>.",
            ]
        ),
        source=sources[0],
    )


def no_sideways_scroll(page):
    page.set_viewport_size({"width": WIDTHS["phone"], "height": 900})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    assert overflow <= 0, f"{overflow}px of sideways scrolling at {WIDTHS['phone']}px"


def test_snippets_show_the_word_and_the_story_is_marked(page, live_server, archive):
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(live_server.url + "/search/?q=crimea")
    expect(page.locator("#results-heading")).to_contain_text("24 stories")
    snippets = page.locator(".snippet")
    expect(snippets).to_have_count(20)
    for index in range(20):
        expect(snippets.nth(index).locator("mark")).to_have_text("Crimea")
    assert_accessible(page)
    no_sideways_scroll(page)
    shoot(page, "issue16-search-snippets")

    page.locator(".result-title a").first.click()
    assert "?q=crimea" in page.url
    expect(page.locator(".search-marks")).to_contain_text("1 match for “crimea”")
    expect(page.locator(".story-body mark")).to_have_text(["Crimea"])
    assert_accessible(page)
    no_sideways_scroll(page)
    shoot(page, "issue16-story-marked")

    page.locator(".search-marks").get_by_role("link", name="clear").click()
    expect(page.locator(".story-body mark")).to_have_count(0)
    expect(page.locator(".search-marks")).to_have_count(0)


def test_a_phrase_is_marked_as_a_phrase(page, live_server, archive):
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(live_server.url + '/search/?q="white house"')
    expect(page.locator(".snippet mark")).to_have_text(["White House"])
    page.locator(".result-title a").first.click()
    expect(page.locator("h1 mark")).to_have_text(["White House"])
    expect(page.locator(".story-body mark")).to_have_text(["White House"])
    expect(page.locator(".story-body")).to_contain_text("answer <b>soon</b>.")
    expect(page.locator(".search-marks")).to_contain_text("2 matches")


def test_every_value_of_a_facet(page, live_server, archive):
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(live_server.url + "/search/?q=crimea")
    people = page.locator("section[aria-labelledby=facet-people]")
    expect(people.locator("li")).to_have_count(12)
    people.get_by_role("link", name=f"Show all {PEOPLE} people").click()
    expect(page.locator("h1")).to_contain_text("People in the stories found for “crimea”")
    expect(page.locator(".facet-values li")).to_have_count(PEOPLE)
    # Most stories first: the first analyst is in every story, the last in one.
    expect(page.locator(".facet-values li").first).to_contain_text("Analyst Number00 24")
    assert_accessible(page)
    no_sideways_scroll(page)
    shoot(page, "issue16-facet-values")

    page.get_by_label("Find by name").fill("number1")
    page.get_by_role("button", name="Find").click()
    expect(page.locator(".facet-values li")).to_have_count(5)
    page.locator(".facet-values").get_by_role("link", name=re.compile("Analyst Number14")).click()
    expect(page.locator(".chips")).to_contain_text("Analyst Number14")
    expect(page.locator("#results-heading")).to_contain_text("1 story for “crimea”")


def test_about_page(page, live_server, archive):
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="About the archive").click()
    expect(page.locator("h1")).to_have_text("About the archive")
    expect(page.locator(".about-figures")).to_contain_text("25, published from")
    expect(page.locator("#quality-extraction + p")).to_contain_text("annotated by hand")
    expect(page.locator(".quality-run").first).to_contain_text("People")
    assert_accessible(page)
    no_sideways_scroll(page)
    shoot(page, "issue16-about")
