"""Keys recomputed after folding learnt the letters Unicode does not decompose: "Łukasz
Nowak" and "Lukasz Nowak", "Søren Brandt" and "Soren Brandt", "Strauß" and "Strauss" share a
key. Only entries whose names hold such a letter change; keys of merged entries are folded
the same way. Workers' archive-wide resolution (`manage.py resolve_entities`) then joins the
entries that now share a key, as it does for any two."""

from django.db import migrations

from articles.ingest.namekeys import UNDECOMPOSED_LETTERS, acronym, name_key, organisation_key
from articles.ingest.namekeys import surname as surname_of

LETTERS = "[łŁøØđĐßẞæÆœŒıþÞðÐ]"


def _merged_keys_folded(model) -> None:
    changed = []
    for entry in model.objects.exclude(merged_keys=[]).only("merged_keys", "name_key"):
        keys = (key.translate(UNDECOMPOSED_LETTERS) for key in entry.merged_keys)
        folded = [key for key in dict.fromkeys(keys) if key != entry.name_key]
        if folded != entry.merged_keys:
            entry.merged_keys = folded
            changed.append(entry)
    model.objects.bulk_update(changed, ["merged_keys"], batch_size=1000)


def keys_compute(apps, schema_editor):
    # Names first, so that merged keys equal to an entry's own new key are dropped.
    Person = apps.get_model("articles", "Person")
    people = list(Person.objects.filter(name__regex=LETTERS).only("name"))
    for person in people:
        person.name_key = name_key(person.name)
        person.surname = surname_of(person.name)
    Person.objects.bulk_update(people, ["name_key", "surname"], batch_size=1000)
    Organisation = apps.get_model("articles", "Organisation")
    organisations = list(Organisation.objects.filter(name__regex=LETTERS).only("name"))
    for organisation in organisations:
        organisation.name_key = organisation_key(organisation.name)
        organisation.acronym = acronym(organisation.name)
    Organisation.objects.bulk_update(organisations, ["name_key", "acronym"], batch_size=1000)
    _merged_keys_folded(Person)
    _merged_keys_folded(Organisation)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0016_drop_unused_name_trigram_indexes"),
    ]

    operations = [
        migrations.RunPython(keys_compute, migrations.RunPython.noop),
    ]
