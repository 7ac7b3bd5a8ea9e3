"""The admin import pages: who may use them, a preview that stores nothing, confirm, progress."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from articles import services, tasks
from articles.models import Article, ImportBatch, ImportFile
from articles.services import ingest as ingest_service
from tests.test_ingest import BROKEN, GOOD_A, GOOD_B, found, zip_of

pytestmark = pytest.mark.django_db
IMPORT_URL = "/admin/articles/importbatch/import/"


@pytest.fixture(autouse=True)
def no_real_extractor(monkeypatch):
    monkeypatch.setattr(ingest_service, "extraction_run", lambda paragraphs, known=None: found())


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


def visible_text(response) -> str:
    """The page as a reader sees it: tags dropped, white space collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def batch_url(batch):
    return f"/admin/articles/importbatch/{batch.pk}/batch/"


def test_preview_then_confirm_queues_jobs_and_a_worker_stores_each_file(
    editor_client, editor, monkeypatch
):
    response = editor_client.get(IMPORT_URL)
    assert response.status_code == 200
    assert 'type="file" name="files"' in response.content.decode()
    assert "multiple" in response.content.decode()

    files = (("a.txt", GOOD_A), ("b.txt", GOOD_B), ("broken.txt", BROKEN))
    preview = editor_client.post(IMPORT_URL, {"files": uploads(*files)}, follow=True)
    page = preview.content.decode()
    assert preview.status_code == 200
    batch = ImportBatch.objects.get()
    assert preview.redirect_chain == [(batch_url(batch), 302)]
    assert "Preview: nothing is stored yet" in page
    assert "3 files: <strong>2</strong> new, <strong>0</strong> updated" in page
    assert "Harbour Pier to Open in June" in page
    assert "broken.txt, line 2: expected a date as YYYYMMDD, got &#x27;2021-13-40&#x27;" in page
    assert "Import 2 stories" in page
    assert not Article.objects.exists()
    # The upload is kept in the database, so any app server can confirm it.
    assert batch.files.exclude(content=None).count() == 2

    deferred = []
    monkeypatch.setattr(tasks.import_files, "defer", lambda **kwargs: deferred.append(kwargs))
    confirmed = editor_client.post(batch_url(batch), {"action": "confirm"}, follow=True)
    page = visible_text(confirmed)
    assert "Import started: it goes on if you leave this page." in page
    assert "Status: Queued" in page and "1 of 3 files done: 0 created" in page
    assert not Article.objects.exists()  # the request only queued the work
    assert [file_id for job in deferred for file_id in job["file_ids"]] == list(
        batch.files.filter(outcome="pending").values_list("pk", flat=True)
    )

    for job in deferred:  # what a worker does with each job
        tasks.import_files(**job)
    finished = visible_text(editor_client.get(batch_url(batch)))
    assert "Status: Done" in finished
    assert "3 of 3 files done: 2 created, 0 updated, 0 unchanged, 1 rejected" in finished
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Ferry Timetable Changes",
        "Harbour Pier to Open in June",
    ]
    batch.refresh_from_db()
    assert (batch.origin, batch.created_by, batch.status) == ("admin", editor, "done")
    assert (batch.created_count, batch.rejected_count) == (2, 1)
    assert not batch.files.exclude(content=None).exists()  # bytes dropped once stored

    # A batch cannot be confirmed twice.
    again = editor_client.post(batch_url(batch), {"action": "confirm"}, follow=True)
    assert "This batch was already confirmed." in again.content.decode()


def test_the_progress_url_answers_counts_for_the_page_script(editor_client):
    batch = services.batch_stage([("a.txt", GOOD_A), ("broken.txt", BROKEN)])
    services.batch_confirm(batch, defer=False)
    progress = editor_client.get(f"/admin/articles/importbatch/{batch.pk}/progress/").json()
    assert progress["status"] == "queued"
    assert (progress["done"], progress["total"]) == (1, 2)
    assert progress["counts"]["rejected"] == 1


def test_a_zip_upload_and_a_reimport_predict_and_report_unchanged(editor_client):
    services.articles_import([("stories.zip", zip_of({"a.txt": GOOD_A, "b.txt": GOOD_B}))])
    upload = uploads(("stories.zip", zip_of({"a.txt": GOOD_A})))
    preview = editor_client.post(IMPORT_URL, {"files": upload}, follow=True)
    assert "<strong>1</strong> unchanged" in preview.content.decode()
    assert Article.objects.count() == 2


def test_cancel_stops_the_files_not_yet_stored(editor_client):
    batch = services.batch_stage([("a.txt", GOOD_A), ("b.txt", GOOD_B)])
    services.batch_confirm(batch, defer=False)
    page = editor_client.post(batch_url(batch), {"action": "cancel"}, follow=True)
    assert "Cancelled: 2 file(s) will not be imported." in page.content.decode()
    tasks.import_files(batch_id=batch.pk, file_ids=list(batch.files.values_list("pk", flat=True)))
    batch.refresh_from_db()
    assert (batch.status, batch.cancelled_count) == ("cancelled", 2)
    assert not Article.objects.exists()


def test_an_upload_of_only_broken_files_offers_no_confirm(editor_client):
    preview = editor_client.post(IMPORT_URL, {"files": uploads(("empty.txt", b""))}, follow=True)
    page = preview.content.decode()
    assert "empty.txt: the file is empty" in page
    assert "No file in this upload can be imported." in page


def test_a_preview_never_confirmed_is_dropped_with_its_files_after_six_hours():
    old = services.batch_stage([("a.txt", GOOD_A)])
    ImportBatch.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(hours=7))
    fresh = services.batch_stage([("b.txt", GOOD_B)])  # staging prunes first
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not ImportFile.objects.filter(batch_id=old.pk).exists()
