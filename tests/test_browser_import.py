"""An editor imports a zip through the admin in a real browser, watches the background job
store it, then finds the stories on the site."""

import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from articles.management.workers import workers_started
from tests.test_ingest import BROKEN, story

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = story(
    title="Lighthouse Keeper Retires After Forty Years",
    url="https://coastaltimes.example/lighthouse-keeper-retires",
    paragraphs=[
        "Keeper Rosa Tendall climbed the lighthouse stairs for the last time on Friday.",
        '"The light never went out on my watch," Tendall said.',
    ],
)
SECOND = story(
    title="Council Approves Cycle Lanes on Quay Street",
    url="https://coastaltimes.example/quay-street-cycle-lanes",
    paragraphs=["The Harbour Council voted seven to two for the new cycle lanes."],
)


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="harbour-lights", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    return user


def test_an_editor_uploads_a_zip_previews_confirms_watches_progress_and_finds_the_stories(
    page, live_server, editor, tmp_path
):
    archive = tmp_path / "stories.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("lighthouse.txt", FIRST)
        bundle.writestr("cycle.txt", SECOND)
        bundle.writestr("broken.txt", BROKEN)
    # The page forbids inline script, as a production Content-Security-Policy would.
    page.route("**/admin/articles/importbatch/*/batch/", forbid_inline_script)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("harbour-lights")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Import stories").click()

    page.locator("input[name=files]").set_input_files(archive)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: nothing is stored yet")).to_be_visible()
    expect(page.locator("#preview-totals")).to_have_text(
        "3 files: 2 new, 0 updated, 0 unchanged, 1 rejected."
    )
    files = page.locator("#batch-files")
    expect(files).to_contain_text("Lighthouse Keeper Retires After Forty Years")
    expect(page.locator("#batch-problems")).to_contain_text(
        "broken.txt, line 2: expected a date as YYYYMMDD, got '2021-13-40'"
    )

    page.get_by_role("button", name="Import 2 stories").click()
    expect(page.locator("#batch-summary")).to_contain_text("1 of 3 files done")
    # A worker starts only now, as on a busy system: the page follows it without a reload.
    with workers_started(1):
        expect(page.locator("[data-field=done]")).to_have_text("3", timeout=120_000)
        expect(page.locator("#batch-summary")).to_contain_text(
            "3 of 3 files done: 2 created, 0 updated, 0 unchanged, 1 rejected"
        )
    expect(page.get_by_text("Status: Done")).to_be_visible()
    expect(page.get_by_text("This batch was already confirmed")).to_have_count(0)
    expect(page.get_by_text("waiting for a worker")).to_be_hidden()
    expect(page.locator("#batch-files tr.outcome-created")).to_have_count(2)
    page.screenshot(path=str(SCREENSHOTS / "import-batch-done.png"), full_page=True)

    page.get_by_role("link", name="Lighthouse Keeper Retires After Forty Years").click()
    expect(
        page.get_by_role("heading", name="Lighthouse Keeper Retires After Forty Years")
    ).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(
        page.get_by_role("link", name="Council Approves Cycle Lanes on Quay Street")
    ).to_be_visible()


def forbid_inline_script(route):
    if route.request.method != "GET":
        route.continue_()
        return
    response = route.fetch()
    route.fulfill(
        response=response,
        headers={**response.headers, "content-security-policy": "script-src 'self'"},
    )
