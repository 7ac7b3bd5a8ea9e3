"""An editor imports stories through the admin in a real browser, then finds them on the site."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.test_ingest import BROKEN, story

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


def test_an_editor_imports_two_stories_and_a_broken_file(page, live_server, editor, tmp_path):
    files = []
    for name, content in (("lighthouse.txt", FIRST), ("cycle.txt", SECOND)):
        (tmp_path / name).write_text(content)
        files.append(tmp_path / name)
    (tmp_path / "broken.txt").write_bytes(BROKEN)
    files.append(tmp_path / "broken.txt")

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("harbour-lights")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Import stories").click()

    page.locator("input[name=files]").set_input_files(files)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#import-preview")
    expect(page.get_by_role("heading", name="Preview: nothing is stored yet")).to_be_visible()
    expect(preview).to_contain_text("Lighthouse Keeper Retires After Forty Years")
    expect(preview).to_contain_text("Council Approves Cycle Lanes on Quay Street")
    expect(preview).to_contain_text("coastaltimes.example")
    expect(preview).to_contain_text(
        "broken.txt, line 2: expected a date as YYYYMMDD, got '2021-13-40'"
    )

    page.get_by_role("button", name="Import 2 stories").click()
    expect(page.locator("#import-summary")).to_contain_text(
        "3 files: 2 created, 0 updated, 0 unchanged, 1 rejected."
    )
    report = page.locator("#import-report")
    expect(report.locator("tr.outcome-created")).to_have_count(2)
    expect(report.locator("tr.outcome-rejected")).to_contain_text("line 2")

    page.goto(f"{live_server.url}/")
    expect(
        page.get_by_role("link", name="Lighthouse Keeper Retires After Forty Years")
    ).to_be_visible()
    expect(
        page.get_by_role("link", name="Council Approves Cycle Lanes on Quay Street")
    ).to_be_visible()
