"""The admin's defences and the headers every page carries: login lockout (django-axes), the
Editors and Viewers roles, Content-Security-Policy and Permissions-Policy, and templates that
keep every script and style in static files."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.db import OperationalError
from django.test import Client
from django.urls import include, path

from articles import services
from articles.ingest.parse import parse
from articles.models import ImportBatch, Person, PersonPair
from tests.factories import PersonFactory
from tests.test_admin_import import IMPORT_URL, no_real_extractor, uploads  # noqa: F401
from tests.test_ingest import GOOD_A, found, story

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
LOGIN_URL = "/admin/login/"
PASSWORD = "harbour-lights-7"


def boom(request):
    raise RuntimeError("a bug")


# A test URLconf (settings.ROOT_URLCONF = __name__): the archive plus a view that fails.
urlpatterns = [path("boom/", boom), path("", include("archive.urls"))]


# --- Login lockout ----------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def sign_in(client, username, password, **headers):
    return client.post(
        LOGIN_URL, {"username": username, "password": password, "next": "/admin/"}, **headers
    )


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_right_password_after_a_few_wrong_ones_signs_in(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "editor", "wrong").status_code == 200  # the form again
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert signed_in(client)


def test_too_many_wrong_passwords_lock_the_account_even_with_the_right_one(
    client, editor, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5 and settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong")
    response = sign_in(client, "editor", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins" in page
    assert "After 5 wrong passwords, signing in as <strong>editor</strong>" in page
    assert "locked for 15 minutes, even with the right password" in page
    assert not signed_in(client)
    # From another address too: the account itself is locked.
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(elsewhere, "editor", PASSWORD).status_code == 429
    assert not signed_in(elsewhere)


def test_the_lock_ends_after_the_cool_off_period(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 429
    past = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= past
        attempt.save()
    assert sign_in(client, "editor", PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_address_guessing_many_accounts_is_locked_out(client, editor, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong")
    assert sign_in(client, "editor", PASSWORD).status_code == 429
    # The editor signing in from their own address is not affected.
    assert sign_in(Client(REMOTE_ADDR="198.51.100.7"), "editor", PASSWORD).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, editor, settings):
    """Without a configured proxy the connection's address counts, whatever the header says."""
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    response = sign_in(client, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert response.status_code == 429


def test_behind_the_configured_proxy_each_client_is_counted_apart(editor, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = Client(REMOTE_ADDR="10.0.0.2")  # every request comes through the proxy
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(proxy, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR="192.0.2.1")
    locked = sign_in(proxy, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert locked.status_code == 429
    assert AccessAttempt.objects.get(username="guess0").ip_address == "192.0.2.1"
    other_client = sign_in(proxy, "editor", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other_client.status_code == 302


def test_the_lockout_is_configured_by_the_environment():
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",  # settings only, no connection
        "ARCHIVE_LOGIN_FAILURE_LIMIT": "3",
        "ARCHIVE_LOGIN_COOLOFF_MINUTES": "90",
        "ARCHIVE_LOGIN_LOCKOUT_BY": "username+ip_address",
    }
    code = (
        "from archive import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME, s.AXES_LOCKOUT_PARAMETERS)"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert printed == "3 1:30:00 [['username', 'ip_address']]"


def production_settings(**environment) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",  # settings only, no connection
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-production-key-for-this-test-only-" + "x" * 30,
        **environment,
    }
    code = (
        "from archive import settings as s;"
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SECURE_HSTS_PRELOAD)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_a_clients_forwarded_proto_and_hsts_preload_are_opt_in():
    assert production_settings() == "None False"
    assert (
        production_settings(DJANGO_TRUST_X_FORWARDED_PROTO="1", DJANGO_HSTS_PRELOAD="1")
        == "('HTTP_X_FORWARDED_PROTO', 'https') True"
    )


# --- Editors and Viewers ----------------------------------------------------------------------


@pytest.fixture
def viewer_client(django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password=PASSWORD, is_staff=True)
    viewer.groups.add(Group.objects.get(name="Viewers"))
    client = Client()
    client.force_login(viewer)
    return client


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def archive(editor):
    services.article_ingest(parse(story()), extraction=found())
    people = [PersonFactory(name="Rosa Tendall"), PersonFactory(name="Rosa Tendal")]
    first, second = sorted(people, key=lambda person: person.pk)
    pair = PersonPair.objects.create(first=first, second=second, reason="spelling")
    batch = services.batch_stage([("a.txt", GOOD_A)], user=editor)
    return {"people": people, "pair": pair, "batch": batch}


def test_the_migration_made_both_groups():
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    viewers = set(Group.objects.get(name="Viewers").permissions.values_list("codename", flat=True))
    assert {"add_article", "change_person", "delete_article", "change_personpair"} <= editors
    assert {"view_article", "view_person", "view_quote", "view_importbatch"} <= viewers
    assert all(codename.startswith("view_") for codename in viewers)
    assert viewers < editors


LISTS = [
    "/admin/",
    "/admin/articles/article/",
    "/admin/articles/person/",
    "/admin/articles/organisation/",
    "/admin/articles/quote/",
    "/admin/articles/source/",
    "/admin/articles/importbatch/",
    "/admin/articles/personpair/?decision__exact=open",
]


def test_a_viewer_sees_every_list_without_import_or_decision_buttons(viewer_client, archive):
    for url in LISTS:
        response = viewer_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert IMPORT_URL not in page, url
        assert 'name="decision"' not in page, url
    batch_page = viewer_client.get(f"/admin/articles/importbatch/{archive['batch'].pk}/batch/")
    assert batch_page.status_code == 200
    assert "Preview: nothing is stored yet" in batch_page.content.decode()
    assert 'id="confirm-import"' not in batch_page.content.decode()


def test_an_editor_sees_the_import_link_and_decision_buttons(editor_client, archive):
    assert IMPORT_URL in editor_client.get("/admin/articles/importbatch/").content.decode()
    pairs = editor_client.get("/admin/articles/personpair/?decision__exact=open")
    assert 'name="decision"' in pairs.content.decode()
    batch_page = editor_client.get(f"/admin/articles/importbatch/{archive['batch'].pk}/batch/")
    assert 'id="confirm-import"' in batch_page.content.decode()


def test_a_viewer_cannot_import_confirm_decide_merge_confirm_or_edit(viewer_client, archive):
    batch, pair = archive["batch"], archive["pair"]
    first, second = archive["people"]
    assert viewer_client.get(IMPORT_URL).status_code == 403
    assert viewer_client.post(IMPORT_URL, {"files": uploads(("b.txt", GOOD_A))}).status_code == 403
    batch_url = f"/admin/articles/importbatch/{batch.pk}/batch/"
    assert viewer_client.post(batch_url, {"action": "confirm"}).status_code == 403
    decide = f"/admin/articles/personpair/{pair.pk}/decide/"
    assert viewer_client.post(decide, {"decision": "merged"}).status_code == 403
    for action in ["merge_selected", "confirm_selected", "mark_not_an_entity"]:
        viewer_client.post(
            "/admin/articles/person/",
            {
                "action": action,
                ACTION_CHECKBOX_NAME: [first.pk, second.pk],
                "confirm": "yes",
                "target": first.pk,
            },
        )
    change = viewer_client.post(
        f"/admin/articles/person/{first.pk}/change/", {"name": "Someone Else", "aliases": ""}
    )
    assert change.status_code == 403
    assert ImportBatch.objects.count() == 1
    batch.refresh_from_db()
    pair.refresh_from_db()
    assert batch.status == "preview" and pair.decision == "open"
    assert Person.objects.filter(name__in=["Rosa Tendall", "Rosa Tendal"]).count() == 2
    assert not Person.objects.filter(confirmed=True).exists()
    assert not Person.objects.filter(not_an_entity=True).exists()


def test_an_editor_can_import_decide_and_confirm(editor_client, archive):
    assert editor_client.get(IMPORT_URL).status_code == 200
    response = editor_client.post(IMPORT_URL, {"files": uploads(("b.txt", GOOD_A))})
    assert response.status_code == 302
    assert ImportBatch.objects.count() == 2
    pair = archive["pair"]
    decide = f"/admin/articles/personpair/{pair.pk}/decide/"
    assert editor_client.post(decide, {"decision": "distinct"}).status_code == 302
    pair.refresh_from_db()
    assert pair.decision == "distinct"
    first = archive["people"][0]
    editor_client.post(
        "/admin/articles/person/", {"action": "confirm_selected", ACTION_CHECKBOX_NAME: [first.pk]}
    )
    first.refresh_from_db()
    assert first.confirmed


# --- Headers and templates --------------------------------------------------------------------


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_every_kind_of_page_carries_the_policies(client, editor_client, archive):
    person = archive["people"][0]
    for url, status in [
        ("/", 200),
        ("/search/?q=harbour", 200),
        (f"/people/{person.slug}/", 200),
        ("/quotes/", 200),
        ("/api/docs/", 200),
        ("/api/articles/", 200),
        (LOGIN_URL, 200),
        ("/no-such-page/", 404),
        ("/static/css/archive.css", 200),
    ]:
        response = client.get(url)
        assert response.status_code == status, url
        assert_security_headers(response)
    for url in ["/admin/", "/admin/articles/quote/", IMPORT_URL]:
        assert_security_headers(editor_client.get(url))


def test_the_redirect_to_https_carries_the_policies(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/search/?q=harbour")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert_security_headers(response)


def test_the_500_and_503_pages_carry_the_policies(client, settings, monkeypatch):
    settings.ROOT_URLCONF = __name__
    failing = Client(raise_request_exception=False)
    response = failing.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert_security_headers(response)

    class Unreachable:
        def ensure_connection(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("articles.middleware.connection", Unreachable())
    response = client.get("/")
    assert response.status_code == 503
    assert_security_headers(response)


INLINE_CODE = re.compile(
    r"<script(?![^>]*\ssrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)


def test_no_template_holds_inline_script_style_or_handlers():
    found_inline = {
        str(template.relative_to(ROOT)): INLINE_CODE.findall(template.read_text())
        for template in (ROOT / "templates").rglob("*.html")
    }
    assert {name: hits for name, hits in found_inline.items() if hits} == {}
    # The pattern finds what it must.
    assert INLINE_CODE.findall('<p style="x"><script>1</script><a onclick="y">')
