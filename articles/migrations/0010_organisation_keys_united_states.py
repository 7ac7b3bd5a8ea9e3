"""Organisation keys recomputed after "United States" became "US" in them ("United States
Senate" and "U.S. Senate" are one), and acronyms after "U.S." kept both its letters."""

from django.db import migrations

from articles.ingest.namekeys import acronym, organisation_key


def keys_compute(apps, schema_editor):
    Organisation = apps.get_model("articles", "Organisation")
    changed = []
    for organisation in Organisation.objects.filter(name__iregex=r"united states|\mu\.?s\M"):
        organisation.name_key = organisation_key(organisation.name)
        organisation.acronym = acronym(organisation.name)
        changed.append(organisation)
    Organisation.objects.bulk_update(changed, ["name_key", "acronym"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0009_import_file_started"),
    ]

    operations = [
        migrations.RunPython(keys_compute, migrations.RunPython.noop),
    ]
