"""The management commands: output, exit status, and what they store."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from articles.management.commands import ensure_editor
from articles.models import Article, ImportBatch, Quote
from articles.services import ingest as ingest_service
from tests.test_ingest import BROKEN, GOOD_A, GOOD_B, found, zip_of

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def no_real_extractor(monkeypatch):
    monkeypatch.setattr(ingest_service, "extraction_run", lambda paragraphs, known=None: found())


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "a.txt").write_bytes(GOOD_A)
    (tmp_path / "nested" / "deeper" / "b.txt").write_bytes(GOOD_B)
    (tmp_path / "README.md").write_text("Not a story: folders are searched for .txt and .zip.")
    (tmp_path / ".hidden.txt").write_bytes(BROKEN)
    return tmp_path


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_import_a_folder_recursively_then_again_unchanged(folder):
    output = run("import_articles", "--inline", str(folder))
    assert f"created   {folder}/a.txt  Harbour Pier to Open in June" in output
    assert f"created   {folder}/nested/deeper/b.txt  Ferry Timetable Changes" in output
    assert "2 created, 0 updated, 0 unchanged, 0 rejected" in output
    again = run("import_articles", "--inline", str(folder))
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in again
    assert Article.objects.count() == 2
    assert list(ImportBatch.objects.values_list("origin", flat=True)) == ["command", "command"]


def test_a_rejected_file_is_reported_and_the_exit_status_is_1(folder):
    (folder / "broken.txt").write_bytes(BROKEN)
    archive = folder / "more.zip"
    archive.write_bytes(zip_of({"../escape.txt": GOOD_A}))
    with pytest.raises(CommandError) as caught:
        run("import_articles", "--inline", str(folder))
    assert caught.value.returncode == 1
    assert str(caught.value) == "2 file(s) rejected"
    assert Article.objects.count() == 2
    batch = ImportBatch.objects.get()
    messages = list(batch.files.filter(outcome="rejected").values_list("message", flat=True))
    assert messages == [
        f"{folder}/broken.txt, line 2: expected a date as YYYYMMDD, got '2021-13-40'",
        f"{folder}/more.zip: the member '../escape.txt' points outside the archive",
    ]


def test_dry_run_stores_nothing(folder):
    output = run("import_articles", "--dry-run", str(folder / "a.txt"))
    assert "1 created, 0 updated, 0 unchanged, 0 rejected" in output
    assert "dry run: nothing stored" in output
    assert not Article.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_missing_path_is_an_error():
    with pytest.raises(CommandError, match="no-such-folder: no such file or folder"):
        run("import_articles", "--inline", "no-such-folder")


def test_extract_prints_the_json_shape_and_stores_nothing(folder):
    document = json.loads(run("extract", str(folder / "a.txt"), "--json"))
    assert {key: document[key] for key in ("title", "published", "url", "source")} == {
        "title": "Harbour Pier to Open in June",
        "published": "2023-06-02",
        "url": "https://www.harbourpost.example/news/pier-opens/",
        "source": "harbourpost.example",
    }
    assert document["people"] == [
        {"name": "Edith Marlowe", "aliases": ["Marlowe"], "mentions": 3, "first_offset": 13}
    ]
    assert document["organisations"][0]["name"] == "Port Authority"
    [quote] = document["quotes"]
    assert {
        key: quote[key] for key in ("speaker", "speaker_type", "kind", "verb", "paragraph")
    } == {
        "speaker": "Edith Marlowe",
        "speaker_type": "person",
        "kind": "direct",
        "verb": "said",
        "paragraph": 2,
    }
    assert quote["text"] == "We are ready for the summer crowds,"
    assert quote["confidence"] == 0.9
    assert not Article.objects.exists()


def test_extract_on_a_broken_file_is_an_error_with_status_2(folder):
    (folder / "broken.txt").write_bytes(BROKEN)
    with pytest.raises(CommandError) as caught:
        run("extract", str(folder / "broken.txt"), "--json")
    assert caught.value.returncode == 2
    assert str(caught.value) == (
        f"{folder}/broken.txt, line 2: expected a date as YYYYMMDD, got '2021-13-40'"
    )


def test_reextract_runs_over_every_story(folder):
    run("import_articles", "--inline", str(folder))
    Quote.objects.update(status=Quote.Status.VERIFIED)
    assert "Re-extracted 2 stories in " in run("reextract", "--inline")
    assert set(Quote.objects.values_list("status", flat=True)) == {"verified"}


def _test_database_url():
    """The test database as a URL, so that a command run in a subprocess uses it too."""
    database = connection.settings_dict
    host = quote(database["HOST"] or "localhost", safe="")
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    port = f":{database['PORT']}" if database["PORT"] else ""
    return f"postgresql://{credentials}@{host}{port}/{database['NAME']}"


def test_the_exit_statuses_from_a_shell(tmp_path):
    """As `make run` and an operator see them: 0, 1 for a rejected file, 2 for extract."""
    broken = tmp_path / "broken.txt"
    broken.write_bytes(BROKEN)
    environment = {**os.environ, "DATABASE_URL": _test_database_url()}
    extract = subprocess.run(
        [sys.executable, "manage.py", "extract", str(broken), "--json"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert extract.returncode == 2
    assert extract.stdout == ""
    assert "line 2: expected a date as YYYYMMDD, got '2021-13-40'" in extract.stderr
    dry_run = subprocess.run(
        [sys.executable, "manage.py", "import_articles", "--dry-run", str(broken)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dry_run.returncode == 1
    assert "1 file(s) rejected" in dry_run.stderr


def test_extract_answers_on_a_database_not_yet_set_up(folder):
    """`extract` stores nothing, so before `migrate` it still answers, without curated names,
    and says why."""
    import psycopg

    url = _test_database_url()
    empty = connection.settings_dict["NAME"] + "_unmigrated"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{empty}"')
        admin.execute(f'CREATE DATABASE "{empty}"')
    try:
        extract = subprocess.run(
            [sys.executable, "manage.py", "extract", str(folder / "a.txt"), "--json"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url.rsplit("/", 1)[0] + "/" + empty},
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{empty}"')
    assert extract.returncode == 0, extract.stderr
    assert json.loads(extract.stdout)["title"] == "Harbour Pier to Open in June"
    assert "database is not set up (run `python manage.py migrate`)" in extract.stderr


def test_the_system_checks_pass():
    """Every command (migrate, the workers, imports) runs the system checks first: one error
    there stops them all."""
    call_command("check", fail_level="WARNING")


def test_the_editor_account_is_created_once_and_never_reset(tmp_path, monkeypatch):
    monkeypatch.setattr(ensure_editor, "LOGIN_FILE", tmp_path / ".editor-login")
    first = _output("ensure_editor", "--address", "http://127.0.0.1:8123")
    password = (tmp_path / ".editor-login").read_text().strip()
    assert f"http://127.0.0.1:8123/admin/ : editor / {password}" in first
    editor = get_user_model().objects.get(username="editor")
    editor.set_password("chosen by the editor")
    editor.save()
    (tmp_path / ".editor-login").unlink()
    again = _output("ensure_editor")
    assert "with the password set earlier" in again and password not in again
    assert get_user_model().objects.get(username="editor").check_password("chosen by the editor")


def _output(*arguments) -> str:
    out = StringIO()
    call_command(*arguments, stdout=out)
    return out.getvalue()
