"""A reader clicking through the archive in Debian's chromium, with axe-core on every page.

Screenshots at phone (390px) and desktop (1280px) widths land in test-results/ (git-ignored).
"""

import datetime
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import (
    ArticleFactory,
    OrganisationFactory,
    PersonFactory,
    QuoteFactory,
    SourceFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
WIDTHS = {"phone": 390, "desktop": 1280}

PARAGRAPHS = [
    "Dmitry Peskov, the Kremlin spokesman, said the talks on Ukraine would continue next week.",
    "Antony Blinken warned that there would be serious consequences, adding that NATO stood "
    "united.",
    "Officials in Kyiv said the ceasefire had held overnight along most of the front line.",
]


@pytest.fixture
def archive():
    peskov = PersonFactory(
        name="Dmitry Peskov", description="Kremlin spokesman", aliases=["Peskov"]
    )
    blinken = PersonFactory(
        name="Antony Blinken",
        description="US Secretary of State",
        aliases=["Blinken", "Secretary Blinken"],
    )
    zelenskyy = PersonFactory(name="Volodymyr Zelenskyy", description="President of Ukraine")
    nato = OrganisationFactory(name="NATO", description="Military alliance")
    kremlin = OrganisationFactory(name="Kremlin")
    sources = [
        SourceFactory(domain="nbcwashington.com", name="NBC Washington"),
        SourceFactory(domain="reuters.com", name="Reuters"),
        SourceFactory(domain="theguardian.com", name="The Guardian"),
    ]
    start = datetime.date(2021, 6, 1)
    casts = [[peskov, blinken], [blinken], [peskov, zelenskyy], [zelenskyy, blinken]]
    for n in range(48):
        people = casts[n % 4]
        article = ArticleFactory(
            title=f"Ukraine talks, day {n + 1}: {people[0].name} speaks",
            body="\n".join(PARAGRAPHS),
            published=start + datetime.timedelta(days=9 * n),
            source=sources[n % 3],
            people=people,
            organisations=[nato, kremlin] if n % 2 else [nato],
        )
        QuoteFactory(
            article=article,
            person=peskov,
            text="the talks on Ukraine would continue next week",
            paragraph=0,
            start=PARAGRAPHS[0].index("the talks"),
        )
        QuoteFactory(
            article=article,
            person=blinken,
            text="there would be serious consequences",
            paragraph=1,
            start=PARAGRAPHS[1].index("there would"),
            verb="warned",
        )
    ArticleFactory(
        title="Budget vote <script>alert('x')</script>",
        body="The budget passed. <script>alert('x')</script> & 1 < 2",
        published=datetime.date(2020, 3, 3),
        source=sources[0],
    )
    return {"peskov": peskov, "blinken": blinken, "nato": nato}


def shoot(page, name):
    """A full-page screenshot at each width, then back to desktop."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def assert_accessible(page):
    results = Axe().run(page)
    serious = [
        violation
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
    assert not serious, results.generate_report()


def test_search_facet_dates_article_person_and_paging(page, live_server, archive):
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(live_server.url + "/")
    assert_accessible(page)
    shoot(page, "home")

    page.get_by_label('Words, names or an "exact phrase"').fill("ukraine talks")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results-heading")).to_contain_text("48 stories")
    expect(page.locator(".result mark").first).to_be_visible()
    assert_accessible(page)
    shoot(page, "search")

    # Narrow by a person from the facets: a chip appears and the count drops.
    page.locator(".facets").get_by_role("link", name=re.compile(r"^Volodymyr Zelenskyy")).click()
    expect(page.locator(".chips")).to_contain_text("Volodymyr Zelenskyy")
    expect(page.locator("#results-heading")).to_contain_text("24 stories")
    assert "person=volodymyr-zelenskyy" in page.url

    # Narrow by date.
    page.get_by_label("From", exact=True).fill("2022-01-01")
    page.get_by_label("To", exact=True).fill("2022-06-30")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator(".chips")).to_contain_text("2022-01-01")
    titles = page.locator(".result-title").all_inner_texts()
    assert titles and all("Volodymyr Zelenskyy" in t or "Dmitry Peskov" in t for t in titles)
    count = int(re.search(r"(\d+) stor", page.locator("#results-heading").inner_text()).group(1))
    assert 0 < count < 24
    assert_accessible(page)
    shoot(page, "search-narrowed")

    # Remove the person chip: the date filter stays.
    page.locator(".chips").get_by_role("link", name=re.compile("Volodymyr Zelenskyy")).click()
    expect(page.locator(".chips")).not_to_contain_text("Volodymyr Zelenskyy")
    expect(page.locator(".chips")).to_contain_text("2022-06-30")

    # Open a story, then follow a person link from it.
    page.locator(".result-title a").first.click()
    expect(page.locator("h1")).to_contain_text("Ukraine talks")
    expect(page.locator(".quote").first).to_be_visible()
    assert_accessible(page)
    shoot(page, "article")
    people = page.locator("section[aria-labelledby=people-heading]")
    people.get_by_role("link", name="Antony Blinken", exact=True).click()
    expect(page.locator("h1")).to_have_text("Antony Blinken")
    expect(page.locator(".aliases")).to_contain_text("Secretary Blinken")
    expect(page.locator(".timeline svg")).to_be_visible()
    assert_accessible(page)
    shoot(page, "person")


def test_page_through_results(page, live_server, archive):
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(live_server.url + "/search/?q=ceasefire&sort=newest")
    expect(page.locator(".result")).to_have_count(20)
    first_page = page.locator(".result-title").all_inner_texts()
    page.get_by_role("link", name="Next page").click()
    expect(page.locator(".pagination [aria-current=page]")).to_contain_text("2")
    second_page = page.locator(".result-title").all_inner_texts()
    assert len(second_page) == 20 and not set(first_page) & set(second_page)
    page.get_by_role("link", name="Page 3").click()
    expect(page.locator(".result")).to_have_count(8)
    assert_accessible(page)


def test_every_public_page_is_accessible(page, live_server, archive):
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    pages = {
        "people": "/people/",
        "organisations": "/organisations/",
        "organisation": archive["nato"].get_absolute_url(),
        "quotes": "/quotes/?q=consequences",
        "search-empty": "/search/?q=zelenskiy",
        "search-stopwords": "/search/?q=the+and",
        "search-invalid": "/search/?from=2021-13-40&person=nobody",
        "search-escaped": "/search/?q=budget",
        "not-found": "/people/nobody/",
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert_accessible(page)
        shoot(page, name)
    page.goto(live_server.url + "/search/?q=budget")
    assert "<script>" not in page.locator(".results").inner_html()
    expect(page.locator(".snippet").first).to_contain_text("<script>alert('x')")


def test_keyboard_skip_link(page, live_server, archive):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_a_search_few_stories_answer_goes_on_with_those_holding_most_words(
    page, live_server, archive
):
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    page.goto(live_server.url + "/search/?q=budget+passed+ceasefire")
    expect(page.locator("#results-heading")).to_contain_text("0 stories")
    section = page.locator(".most-words")
    expect(section.locator("#most-words-heading")).to_have_text(
        "Stories holding most of these words"
    )
    expect(section).to_contain_text("No story holds every word of “budget passed ceasefire”")
    # Two of the three words: the budget story; the ceasefire stories hold only one.
    expect(section.locator(".result")).to_have_count(1)
    expect(section.locator(".result-title")).to_contain_text("Budget vote <script>")
    expect(section.locator(".result-title mark").first).to_have_text("Budget")
    assert "<script>" not in section.inner_html()
    assert_accessible(page)
    shoot(page, "search-most-words")
