"""Every kind of page, public and admin, in Debian's chromium under the archive's own
Content-Security-Policy: none reports a violation, and each carries the policy headers.

A violation shows twice, and both are collected: as a `securitypolicyviolation` event in the
page (listened to from a script Playwright adds before any of the page's own) and as a console
error from chromium."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from tests.factories import ArticleFactory, OrganisationFactory, PersonFactory, QuoteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "harbour-lights-7"
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:`
    + `${event.lineNumber} ${event.sample}`);
});
"""


@pytest.fixture
def archive(django_user_model):
    person = PersonFactory(name="Dmitry Peskov", description="Kremlin spokesman")
    organisation = OrganisationFactory(name="NATO", description="Military alliance")
    article = ArticleFactory(
        title="Talks on Ukraine go on",
        body="Dmitry Peskov said the talks on Ukraine would continue.",
        published=datetime.date(2021, 12, 2),
        people=[person],
        organisations=[organisation],
    )
    quote = QuoteFactory(article=article, person=person, text="the talks would continue")
    editor = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    # The Editors group's rights (transactional tests flush what migrations made).
    editor.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    return {"person": person, "organisation": organisation, "article": article, "quote": quote}


class Violations:
    """What the page reported, from both channels."""

    def __init__(self, page):
        self.page = page
        self.console = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Permissions policy" in message.text:
            self.console.append(message.text)

    def of(self, url):
        """Open url; return the response and every violation it reported."""
        self.console.clear()
        response = self.page.goto(url)
        self.page.wait_for_load_state("networkidle")
        return response, self.reported()

    def reported(self):
        return self.page.evaluate("window.__violations") + self.console


def assert_policy_headers(response, url):
    headers = response.all_headers()
    assert "script-src 'self'" in headers.get("content-security-policy", ""), url
    assert "unsafe-inline" not in headers["content-security-policy"], url
    assert "camera=()" in headers.get("permissions-policy", ""), url


def test_the_listener_reports_an_inline_script_the_policy_blocks(page, live_server, archive):
    """The check itself can fail: a page with an inline script and a style attribute."""
    violations = Violations(page)
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
        const script = document.createElement("script");
        script.textContent = "window.ran = true";
        document.body.append(script);
        const styled = document.createElement("div");
        styled.setAttribute("style", "color: red");
        document.body.append(styled);
    }"""
    )
    page.wait_for_timeout(200)
    reported = violations.reported()
    assert page.evaluate("window.ran") is None
    assert any(report.startswith("script-src") for report in reported), reported
    assert any(report.startswith("style-src") for report in reported), reported


def test_no_page_reports_a_violation(page, live_server, archive):
    violations = Violations(page)
    site = live_server.url
    public = [
        "/",
        "/search/?q=ukraine+talks",
        f"/articles/{archive['article'].slug}/",
        f"/articles/{archive['article'].slug}/?q=ukraine",
        "/search/facets/people/?q=ukraine+talks&within=a",
        "/about/",
        f"/people/{archive['person'].slug}/",
        f"/organisations/{archive['organisation'].slug}/",
        "/people/",
        "/quotes/",
        "/api/docs/",
        "/no-such-page/",
        "/admin/login/",
    ]
    for url in public:
        response, reported = violations.of(site + url)
        assert reported == [], url
        assert_policy_headers(response, url)

    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    assert violations.reported() == []

    quote_form = f"/admin/articles/quote/{archive['quote'].pk}/change/"
    admin_pages = [
        "/admin/",
        "/admin/articles/person/",
        "/admin/articles/importbatch/",
        "/admin/articles/personpair/?decision__exact=open",
        f"/admin/articles/person/{archive['person'].pk}/change/",
        f"/admin/articles/article/{archive['article'].pk}/change/",
        "/admin/articles/importbatch/import/",
        quote_form,
    ]
    for url in admin_pages:
        response, reported = violations.of(site + url)
        assert response.status == 200, url
        assert reported == [], url
        assert_policy_headers(response, url)

    # The autocomplete widget (select2) and the action bar's scripts, used.
    page.locator("#select2-id_person-container").click()
    page.locator(".select2-search__field").fill("Pes")
    page.locator(".select2-results__option", has_text="Dmitry Peskov").wait_for()
    page.keyboard.press("Escape")
    violations.of(site + "/admin/articles/person/")
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "merge_selected")
    assert violations.reported() == []
