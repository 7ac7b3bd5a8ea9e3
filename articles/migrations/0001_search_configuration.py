from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        # "english with unaccent": Zelenskyy and Zelenskyý, café and cafe match alike.
        migrations.RunSQL(
            sql=[
                "CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english)",
                "ALTER TEXT SEARCH CONFIGURATION english_unaccent "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
            ],
            reverse_sql=["DROP TEXT SEARCH CONFIGURATION english_unaccent"],
        ),
    ]
