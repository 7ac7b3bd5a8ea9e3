"""Phrases no longer match across fields or lines (issue 13): the search vector puts a stop
word before each line of the entity names and the body (articles.models.lines_apart), so "white
house" no longer matches a story naming "... White" and "House ..." one after the other.

PostgreSQL cannot change a generated column's expression: the column and its GIN index are
dropped and made again, which recomputes every story's vector: 5 minutes for 188,000 stories
on a busy 2-core machine, during which the table is locked (searches and imports wait).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0014_article_reading_order"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="article", name="article_search_vector_gin"),
        migrations.RemoveField(model_name="article", name="search_vector"),
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            "title", config="english_unaccent", weight="A"
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            django.db.models.functions.text.Concat(
                                models.Value("the ", output_field=models.TextField()),
                                django.db.models.functions.text.Replace(
                                    "entity_names",
                                    models.Value("\n", output_field=models.TextField()),
                                    models.Value("\nthe ", output_field=models.TextField()),
                                ),
                                output_field=models.TextField(),
                            ),
                            config="english_unaccent",
                            weight="B",
                        ),
                        django.contrib.postgres.search.SearchConfig("english_unaccent"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        django.db.models.functions.text.Concat(
                            models.Value("the ", output_field=models.TextField()),
                            django.db.models.functions.text.Replace(
                                "body",
                                models.Value("\n", output_field=models.TextField()),
                                models.Value("\nthe ", output_field=models.TextField()),
                            ),
                            output_field=models.TextField(),
                        ),
                        config="english_unaccent",
                        weight="C",
                    ),
                    django.contrib.postgres.search.SearchConfig("english_unaccent"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="article_search_vector_gin"
            ),
        ),
    ]
