"""Backups (`manage.py backup`, `manage.py restore`; `make backup`, `make restore`): an archive
with stories, people, organisations, quotes and every kind of editor decision is backed up,
restored into a fresh database, and found there whole, by the database and by a reader.

Runs on whichever server the tests use: the embedded PostgreSQL 18, or DATABASE_URL's."""

import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from archive import backups
from articles.models import (
    Article,
    ImportBatch,
    ImportFile,
    Organisation,
    OrganisationPair,
    Person,
    PersonPair,
    Quote,
)
from articles.services import corrections
from tests.factories import ArticleFactory, OrganisationFactory, PersonFactory, QuoteFactory

pytestmark = pytest.mark.django_db(transaction=True)


def archive_build() -> None:
    """Stories naming people and organisations, with quotes, and what editors decided."""
    editor = get_user_model().objects.create_user("night-editor", is_staff=True)
    editor.groups.add(Group.objects.get_or_create(name="Editors")[0])

    blinken = PersonFactory(name="Antony Blinken", slug="antony-blinken")
    secretary = PersonFactory(name="Secretary Blinken", slug="secretary-blinken")
    peskov = PersonFactory(name="Dmitry Peskov", slug="dmitry-peskov")
    lavrov = PersonFactory(name="Sergei Lavrov", slug="sergei-lavrov")
    sergey = PersonFactory(name="Sergey Lavrov", slug="sergey-lavrov")
    minsk = PersonFactory(name="Minsk", slug="minsk")
    kremlin = OrganisationFactory(name="Kremlin", slug="kremlin")
    nato = OrganisationFactory(name="NATO", slug="nato")
    alliance = OrganisationFactory(name="North Atlantic Alliance", slug="north-atlantic-alliance")
    state = OrganisationFactory(name="State", slug="state")

    stories = [
        ArticleFactory(
            title=f"Talks over the pipeline, day {day}",
            body=f"Envoys met over the Baltic pipeline on day {day}.\nA second paragraph.",
            people=people,
            organisations=organisations,
        )
        for day, people, organisations in [
            (1, [blinken, peskov, minsk], [kremlin, nato]),
            (2, [secretary, lavrov], [nato, state]),
            (3, [sergey, peskov], [alliance, kremlin]),
            (4, [blinken, lavrov], [kremlin]),
        ]
    ]
    said = QuoteFactory(article=stories[0], person=peskov, text="Envoys met", verb="said")
    QuoteFactory(article=stories[1], person=lavrov, text="Envoys met", kind=Quote.Kind.REPORTED)
    QuoteFactory(article=stories[2], organisation=kremlin, text="A second paragraph", paragraph=1)
    wrong = QuoteFactory(article=stories[3], person=blinken, text="A second", paragraph=1)

    # Every kind of editor decision the archive keeps.
    corrections.quote_verify(said)
    corrections.quote_reject(wrong)
    corrections.person_merge(secretary, blinken, user=editor)  # former slug, alias, confirmed
    corrections.entity_mark_not_an_entity(minsk)
    corrections.entity_mark_not_an_entity(state)
    corrections.entities_confirm(Organisation.objects.filter(pk=kremlin.pk))
    first, second = sorted([lavrov, sergey], key=lambda person: person.pk)
    corrections.pair_decide(
        PersonPair.objects.create(first=first, second=second, reason="spelling", score=0.8),
        "distinct",
        user=editor,
    )
    first, second = sorted([nato, alliance], key=lambda organisation: organisation.pk)
    corrections.pair_decide(
        OrganisationPair.objects.create(first=first, second=second, reason="acronym", score=0.9),
        "merged",
        user=editor,
    )
    batch = ImportBatch.objects.create(created_by=editor, origin="admin", status="done")
    ImportFile.objects.create(batch=batch, filename="talks.txt", outcome="created")


def archive_facts() -> dict:
    """Everything the backup must bring back, read as plain values."""

    def entities(model):
        return sorted(
            model.objects.values_list(
                "slug", "name", "aliases", "confirmed", "not_an_entity", "former_slugs",
                "merged_keys", "article_count",
            )
        )  # fmt: skip

    def pairs(model):
        return sorted(
            model.objects.values_list(
                "first__slug", "second__slug", "reason", "decision", "decided_by__username",
                "decided",
            )
        )  # fmt: skip

    return {
        "stories": sorted(
            Article.objects.values_list(
                "url", "slug", "title", "published", "body", "source__domain", "entity_names",
                "content_hash", "search_vector",
            )
        ),
        "people": entities(Person),
        "organisations": entities(Organisation),
        "person mentions": sorted(
            Person.objects.values_list("slug", "mentions__article__url", "mentions__count")
        ),
        "organisation mentions": sorted(
            Organisation.objects.values_list("slug", "mentions__article__url", "mentions__count")
        ),
        "quotes": sorted(
            Quote.objects.values_list(
                "article__url", "text", "kind", "status", "person__slug", "organisation__slug",
                "paragraph", "start", "end",
            ),
            key=repr,
        ),
        "person pairs": pairs(PersonPair),
        "organisation pairs": pairs(OrganisationPair),
        "accounts": sorted(
            get_user_model().objects.values_list("username", "is_staff", "groups__name")
        ),
        "imports": sorted(
            ImportFile.objects.values_list(
                "batch__origin", "batch__status", "batch__created_by__username", "filename",
                "outcome",
            )
        ),
    }  # fmt: skip


@pytest.fixture
def fresh_database():
    """A database name that does not exist yet, on the tests' server; the connection is
    pointed back at the test database and the new one dropped afterwards."""
    test_database = connection.settings_dict["NAME"]
    name = f"{test_database}_restored"
    backups.database_drop(connection, name)
    yield name
    connection.close()
    connection.settings_dict["NAME"] = test_database
    backups.database_drop(connection, name)


def command(*args) -> str:
    output = StringIO()
    call_command(*args, stdout=output)
    return output.getvalue()


def test_a_restore_into_a_fresh_database_brings_back_every_story_entity_quote_and_decision(
    tmp_path, fresh_database
):
    archive_build()
    before = archive_facts()
    test_database = connection.settings_dict["NAME"]
    backup = tmp_path / "archive.dump"

    printed = command("backup", str(backup))

    assert backup.read_bytes().startswith(b"PGDMP")
    recorded = json.loads((tmp_path / "archive.dump.json").read_text())
    assert recorded["database"] == test_database
    assert recorded["counts"]["stories"] == 4
    assert recorded["counts"]["quotes"] == 4
    assert recorded["counts"]["quotes verified"] == 1
    assert recorded["counts"]["quotes rejected"] == 1
    assert recorded["counts"]["people merged away"] == 1
    assert recorded["counts"]["organisations merged away"] == 1
    assert recorded["counts"]["people refused"] == 1
    assert recorded["counts"]["person pairs distinct"] == 1
    assert recorded["counts"]["organisation pairs merged"] == 1
    assert "stories                                 4" in printed

    connection.close()
    connection.settings_dict["NAME"] = fresh_database
    printed = command("restore", str(backup))

    assert f"Created database '{fresh_database}'" in printed
    assert "every count matches the backup" in printed
    after = archive_facts()
    assert after == before
    # Nothing was lost on the way: the editors' decisions are all there.
    assert ("sergei-lavrov", "sergey-lavrov", "spelling", "distinct", "night-editor") in [
        pair[:5] for pair in after["person pairs"]
    ]
    blinken = Person.objects.get(slug="antony-blinken")
    assert (blinken.confirmed, blinken.former_slugs, blinken.aliases) == (
        True,
        ["secretary-blinken"],
        ["Secretary Blinken"],
    )
    assert Person.objects.get(slug="minsk").not_an_entity
    assert Quote.objects.get(status=Quote.Status.VERIFIED).person.slug == "dmitry-peskov"

    # A reader finds the same archive: search, a story, a merged person's old address.
    reader = Client()
    page = reader.get("/search/", {"q": "baltic pipeline", "sort": "oldest"})
    assert page.status_code == 200
    listed = re.findall(r'href="(/articles/[^/"]+/)', page.content.decode())
    oldest_first = Article.objects.order_by("published")
    assert list(dict.fromkeys(listed)) == [story.get_absolute_url() for story in oldest_first]
    assert reader.get("/people/secretary-blinken/").url == "/people/antony-blinken/"
    story = oldest_first.first()
    assert "Envoys met" in reader.get(story.get_absolute_url()).content.decode()


def test_a_restore_refuses_a_database_with_tables_unless_forced(tmp_path, fresh_database):
    archive_build()
    before = archive_facts()
    backup = tmp_path / "archive.dump"
    command("backup", str(backup))
    connection.close()
    connection.settings_dict["NAME"] = fresh_database
    command("restore", str(backup))
    # The restored archive moves on: a story is added, an answer changed.
    ArticleFactory(title="A story after the backup")
    PersonPair.objects.update(decision="open")

    with pytest.raises(CommandError) as refused:
        command("restore", str(backup))

    message = str(refused.value)
    assert f"Database '{fresh_database}' is not empty" in message
    assert "5 stories among them" in message
    assert "Nothing was changed" in message and "--force" in message
    assert Article.objects.filter(title="A story after the backup").exists()

    printed = command("restore", "--force", str(backup))

    assert "every count matches the backup" in printed
    assert archive_facts() == before


def test_check_restores_into_a_scratch_database_and_drops_it(tmp_path):
    archive_build()
    backup = tmp_path / "archive.dump"
    command("backup", str(backup))
    scratch = f"{connection.settings_dict['NAME']}_restore_check"

    printed = command("restore", "--check", str(backup))

    assert f"into database '{scratch}'" in printed
    assert "Checked: every count matches the backup" in printed
    assert not backups.database_exists(connection, scratch)
    assert Article.objects.count() == 4  # the configured database is the one it was


def test_a_restore_that_does_not_match_the_recorded_counts_says_so(tmp_path, fresh_database):
    archive_build()
    backup = tmp_path / "archive.dump"
    command("backup", str(backup))
    recorded = tmp_path / "archive.dump.json"
    counts = json.loads(recorded.read_text())
    counts["counts"]["quotes"] = 5  # as if the dump had lost a quote
    recorded.write_text(json.dumps(counts))
    connection.close()
    connection.settings_dict["NAME"] = fresh_database

    with pytest.raises(CommandError) as mismatch:
        command("restore", str(backup))

    assert "does not match the backup's counts" in str(mismatch.value)
    assert "quotes: 5 in the backup, 4 restored" in str(mismatch.value)


def test_backup_and_restore_refuse_what_they_should(tmp_path):
    backup = tmp_path / "archive.dump"
    backup.write_text("not a backup")

    with pytest.raises(CommandError, match="exists: choose another name or pass --overwrite"):
        command("backup", str(backup))
    with pytest.raises(CommandError, match="is not a pg_dump custom-format archive"):
        command("restore", str(backup))
    with pytest.raises(CommandError, match="no such file"):
        command("restore", str(tmp_path / "absent.dump"))
    assert backup.read_text() == "not a backup"
