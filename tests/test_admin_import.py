"""The admin import page: who may use it, a preview that stores nothing, confirm and report."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from articles import services
from articles.models import Article, ImportBatch
from tests.test_ingest import BROKEN, GOOD_A, GOOD_B, found, zip_of

pytestmark = pytest.mark.django_db
IMPORT_URL = "/admin/articles/importbatch/import/"


@pytest.fixture(autouse=True)
def no_real_extractor(monkeypatch):
    monkeypatch.setattr(services, "extraction_run", lambda paragraphs, known=None: found())


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="articles"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def uploads(*files):
    return [SimpleUploadedFile(name, content, "text/plain") for name, content in files]


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={IMPORT_URL}"


def test_non_staff_users_are_sent_to_the_login_page(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    response = client.post(IMPORT_URL, {"files": uploads(("a.txt", GOOD_A))})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not Article.objects.exists()


def test_staff_without_the_permission_get_403(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("clerk", password="pw", is_staff=True))
    assert client.get(IMPORT_URL).status_code == 403


def test_the_page_is_csrf_protected(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(IMPORT_URL, {"files": uploads(("a.txt", GOOD_A))})
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_the_admin_index_links_to_the_import_page(editor_client):
    response = editor_client.get("/admin/")
    assert f'href="{IMPORT_URL}"' in response.content.decode()
    changelist = editor_client.get("/admin/articles/importbatch/")
    assert f'href="{IMPORT_URL}"' in changelist.content.decode()


def test_preview_then_confirm_imports_and_reports_each_file(editor_client, editor):
    response = editor_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'type="file" name="files"' in response.content.decode()
    assert "multiple" in response.content.decode()

    files = (("a.txt", GOOD_A), ("b.txt", GOOD_B), ("broken.txt", BROKEN))
    preview = editor_client.post(IMPORT_URL, {"files": uploads(*files)})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "Preview: nothing is stored yet" in page
    assert "Harbour Pier to Open in June" in page
    assert "2023-06-02" in page and "harbourpost.example" in page
    assert "Edith Marlowe" in page and "Port Authority" in page
    assert "broken.txt, line 2: expected a date as YYYYMMDD, got &#x27;2021-13-40&#x27;" in page
    assert "Import 2 stories" in page
    assert not Article.objects.exists()
    token = preview.context["confirm_form"].initial["token"]
    assert services.import_staged(token) is not None

    report = editor_client.post(IMPORT_URL, {"token": token})
    page = report.content.decode()
    assert report.status_code == 200
    assert "2 created, 0 updated, 0 unchanged, 1 rejected" in page
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Ferry Timetable Changes",
        "Harbour Pier to Open in June",
    ]
    batch = ImportBatch.objects.get()
    assert (batch.origin, batch.created_by) == ("admin", editor)
    assert f'href="/admin/articles/importbatch/{batch.pk}/change/"' in page
    assert services.import_staged(token) is None  # cleaned up

    # The same token cannot import twice.
    again = editor_client.post(IMPORT_URL, {"token": token}, follow=True)
    assert "expired or was already imported" in again.content.decode()
    assert ImportBatch.objects.count() == 1


def test_a_zip_upload_and_a_reimport_report_unchanged(editor_client):
    upload = uploads(("stories.zip", zip_of({"a.txt": GOOD_A, "b.txt": GOOD_B})))
    token = (
        editor_client.post(IMPORT_URL, {"files": upload}).context["confirm_form"].initial["token"]
    )
    editor_client.post(IMPORT_URL, {"token": token})
    upload = uploads(("stories.zip", zip_of({"a.txt": GOOD_A})))
    preview = editor_client.post(IMPORT_URL, {"files": upload})
    assert "unchanged" in preview.content.decode()
    token = preview.context["confirm_form"].initial["token"]
    report = editor_client.post(IMPORT_URL, {"token": token})
    assert "0 created, 0 updated, 1 unchanged, 0 rejected" in report.content.decode()
    assert Article.objects.count() == 2


def test_a_token_from_another_session_is_refused(editor_client, editor, client):
    token = services.import_stage([("a.txt", GOOD_A)])
    response = editor_client.post(IMPORT_URL, {"token": token})
    assert response.status_code == 302
    assert not Article.objects.exists()
    services.import_stage_discard(token)


def test_an_upload_of_only_broken_files_offers_no_confirm(editor_client):
    preview = editor_client.post(IMPORT_URL, {"files": uploads(("empty.txt", b""))})
    page = preview.content.decode()
    assert "empty.txt: the file is empty" in page
    assert "No file in this upload can be imported." in page
