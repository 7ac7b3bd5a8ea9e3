"""Keys recomputed after namekeys learnt short given names ("Joe" is Joseph), names that
begin with an initial ("J. Christopher Stevens") and two-word acronyms ("AP")."""

from django.db import migrations

from articles.ingest.namekeys import acronym, name_key


def keys_compute(apps, schema_editor):
    Person = apps.get_model("articles", "Person")
    for person in Person.objects.iterator():
        person.name_key = name_key(person.name)
        person.save(update_fields=["name_key"])
    Organisation = apps.get_model("articles", "Organisation")
    for organisation in Organisation.objects.iterator():
        organisation.acronym = acronym(organisation.name)
        organisation.save(update_fields=["acronym"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_curated_indexes"),
    ]

    operations = [
        migrations.RunPython(keys_compute, migrations.RunPython.noop),
    ]
