"""Editors correct extraction in the admin: merges, false entities, quotes, the audit trail."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from articles import services
from articles.ingest.parse import parse
from articles.ingest.types import FoundEntity
from articles.models import Article, ImportBatch, Organisation, Person, PersonMention, Quote
from tests.test_ingest import found, story

pytestmark = pytest.mark.django_db


@pytest.fixture
def stories():
    services.article_ingest(parse(story()), extraction=found())
    services.article_ingest(
        parse(story(url="https://harbourpost.example/other/", title="Second Story")),
        extraction=found(people=[FoundEntity("Edie Marlowe", ["Edie"])], quotes=[]),
    )


def test_merge_asks_for_the_target_then_moves_everything(admin_client, stories):
    people = list(Person.objects.order_by("name"))
    selected = {"action": "merge_selected", ACTION_CHECKBOX_NAME: [p.pk for p in people]}
    confirm = admin_client.post("/admin/articles/person/", selected)
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Choose the person to keep" in page
    assert "Edie Marlowe" in page and "Edith Marlowe" in page
    assert Person.objects.count() == 2  # nothing merged yet

    keep = Person.objects.get(name="Edith Marlowe")
    response = admin_client.post(
        "/admin/articles/person/", {**selected, "confirm": "yes", "target": keep.pk}, follow=True
    )
    assert "Merged Edie Marlowe into Edith Marlowe." in response.content.decode()
    keep.refresh_from_db()
    assert list(Person.objects.all()) == [keep]
    assert keep.former_slugs == ["edie-marlowe"]
    # The editor confirmed the merged name; the spellings extraction saw stay spellings.
    assert keep.aliases == ["Edie Marlowe"]
    assert keep.confirmed
    assert PersonMention.objects.filter(person=keep).count() == 2
    assert admin_client.get("/people/edie-marlowe/")["Location"] == "/people/edith-marlowe/"


def test_mark_not_an_entity_action(admin_client, stories):
    organisation = Organisation.objects.get()
    admin_client.post(
        "/admin/articles/organisation/",
        {"action": "mark_not_an_entity", ACTION_CHECKBOX_NAME: [organisation.pk]},
    )
    organisation.refresh_from_db()
    assert organisation.not_an_entity
    assert not organisation.mentions.exists()


def test_editing_aliases_refreshes_the_search_text_of_the_stories(admin_client, stories):
    person = Person.objects.get(name="Edith Marlowe")
    response = admin_client.post(
        f"/admin/articles/person/{person.pk}/change/",
        {
            "name": person.name,
            "slug": person.slug,
            "aliases": "Marlowe,Harbour Mistress",
            "description": "Harbour master",
            "wikidata_id": "",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.aliases == ["Marlowe", "Harbour Mistress"]
    article = Article.objects.get(slug="harbour-pier-to-open-in-june")
    assert "Harbour Mistress" in article.entity_names
    assert Article.objects.filter(search_vector="mistress").count() == 1


def test_people_are_found_by_alias_in_the_admin_search(admin_client, stories):
    Person.objects.filter(name="Edie Marlowe").update(aliases=["Harbourmistress"])
    response = admin_client.get("/admin/articles/person/", {"q": "harbourmistress"})
    assert list(response.context["cl"].result_list) == [Person.objects.get(name="Edie Marlowe")]


def test_verify_and_reject_actions(admin_client, stories):
    quote = Quote.objects.get()
    for action, status in (("verify", "verified"), ("reject", "rejected")):
        admin_client.post(
            "/admin/articles/quote/", {"action": action, ACTION_CHECKBOX_NAME: [quote.pk]}
        )
        quote.refresh_from_db()
        assert quote.status == status


def test_changing_the_speaker_in_the_change_form_verifies_the_quote(admin_client, stories):
    quote = Quote.objects.get()
    other = Person.objects.get(name="Edie Marlowe")
    page = admin_client.get(f"/admin/articles/quote/{quote.pk}/change/").content.decode()
    assert "admin-autocomplete" in page
    data = {
        "article": quote.article_id,
        "person": other.pk,
        "organisation": "",
        "speaker_text": quote.speaker_text,
        "text": quote.text,
        "kind": quote.kind,
        "verb": quote.verb,
        "paragraph": quote.paragraph,
        "start": quote.start,
        "end": quote.end,
        "status": "unreviewed",
    }
    response = admin_client.post(f"/admin/articles/quote/{quote.pk}/change/", data)
    assert response.status_code == 302
    quote.refresh_from_db()
    assert (quote.person, quote.status) == (other, "verified")


def test_a_quote_cannot_have_two_speakers(admin_client, stories):
    quote = Quote.objects.get()
    data = {
        "article": quote.article_id,
        "person": quote.person_id,
        "organisation": Organisation.objects.get().pk,
        "speaker_text": "",
        "text": quote.text,
        "kind": quote.kind,
        "verb": "",
        "paragraph": 0,
        "start": 0,
        "end": 0,
        "status": "unreviewed",
    }
    response = admin_client.post(f"/admin/articles/quote/{quote.pk}/change/", data)
    assert response.status_code == 200
    assert Quote.objects.get().organisation is None


def test_import_batches_are_a_read_only_audit_trail(admin_client, stories):
    report = services.articles_import([("a.txt", story().encode()), ("b.txt", b"")])
    url = f"/admin/articles/importbatch/{report.batch.pk}/change/"
    page = admin_client.get(url, follow=True).content.decode()
    assert "b.txt: the file is empty" in page and "unchanged" in page
    assert 'name="_save"' not in page
    assert admin_client.post(url, {}).status_code in (302, 403)
    assert (
        admin_client.get(f"/admin/articles/importbatch/{report.batch.pk}/delete/").status_code
        == 403
    )
    assert admin_client.get("/admin/articles/importbatch/add/").status_code == 403
    assert ImportBatch.objects.count() == 1


def test_every_admin_list_renders(admin_client, stories):
    for model in ("source", "article", "person", "organisation", "quote", "importbatch"):
        assert admin_client.get(f"/admin/articles/{model}/").status_code == 200
    article = Article.objects.first()
    assert admin_client.get(f"/admin/articles/article/{article.pk}/change/").status_code == 200


def test_confirming_makes_a_name_known_to_later_imports(admin_client, stories):
    person = Person.objects.get(name="Edith Marlowe")
    assert "edith marlowe" not in services.known_entities().people
    selected = {"action": "confirm_selected", ACTION_CHECKBOX_NAME: [person.pk]}
    response = admin_client.post("/admin/articles/person/", selected, follow=True)
    assert "1 confirmed." in response.content.decode()
    assert services.known_entities().people["edith marlowe"] == "Edith Marlowe"


def test_an_alias_that_would_capture_other_stories_is_refused(admin_client, stories):
    person = Person.objects.get(name="Edith Marlowe")
    url = f"/admin/articles/person/{person.pk}/change/"
    data = {"name": person.name, "slug": person.slug, "aliases": "Marlowe,Republicans"}
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form again, with the reason
    assert "&#x27;Republicans&#x27; names a group of people." in response.content.decode()
    person.refresh_from_db()
    assert person.aliases == [] and not person.confirmed


def test_a_story_is_read_only_and_deleting_it_takes_it_out_of_the_counts(admin_client, stories):
    article = Article.objects.get(title="Second Story")
    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert 'name="body"' not in page and 'name="title"' not in page
    assert Person.objects.get(name="Edie Marlowe").article_count == 1
    admin_client.post(f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"})
    assert not Article.objects.filter(pk=article.pk).exists()
    assert Person.objects.get(name="Edie Marlowe").article_count == 0
    assert Organisation.objects.get(name="Port Authority").article_count == 1
