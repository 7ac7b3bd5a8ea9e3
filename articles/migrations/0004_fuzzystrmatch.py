"""Sound-alike and similar-spelling lookups of people and organisations ("did you mean").

Two IMMUTABLE SQL functions describe an entity's known names (its name and aliases, as one
text[]), and two GIN indexes per table are built on them:
- `entity_name_text(names)`: the names lower-cased and unaccented, one string, under a
  trigram index (pg_trgm word similarity: "klitchko" finds "Vitali Klitschko");
- `entity_name_sounds(names)`: the double-metaphone codes of every word of three letters or
  more, under an array index ("porochenko" and "poroshenko" are both PRXN, "obma" and "obama"
  both APM).
`articles.search.name_suggestions` queries them with exactly the index expressions below.

The bodies are SQL-standard (RETURN ...), so unaccent, its dictionary and dmetaphone are bound
when the function is created rather than looked up through the search_path at run time: the
index stays valid under pg_dump/restore and whatever schema a session has. unaccent is only
STABLE (its rules file could change); declaring the wrapper IMMUTABLE is the usual way to index
it, at the price of a REINDEX should anyone edit the rules.

These indexes are created by RunSQL, so Django's autodetector does not see them. When another
column of names joins the search (say `spellings`), a later migration drops and recreates the
four indexes with `|| spellings::text[]` appended to the expression, and
`articles.search.NAME_FIELDS` gains the field name.
"""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

NAMES = "(ARRAY[name]::text[] || aliases::text[])"

FUNCTIONS = [
    "CREATE FUNCTION entity_name_text(names text[]) RETURNS text"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
    " RETURN lower(unaccent('unaccent'::regdictionary, array_to_string(names, ' ')))",
    "CREATE FUNCTION entity_name_sounds(names text[]) RETURNS text[]"
    " LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE"
    " RETURN ARRAY("
    "SELECT DISTINCT code"
    " FROM unnest(regexp_split_to_array(entity_name_text(names), '[^[:alnum:]]+')) AS word,"
    " LATERAL (VALUES (dmetaphone(word)), (dmetaphone_alt(word))) AS codes (code)"
    " WHERE length(word) >= 3 AND code <> ''"
    " ORDER BY code)",
]


def name_indexes(prefix, table):
    return [
        f"CREATE INDEX {prefix}_names_trgm ON {table}"
        f" USING gin (entity_name_text{NAMES} gin_trgm_ops)",
        f"CREATE INDEX {prefix}_names_sounds ON {table} USING gin (entity_name_sounds{NAMES})",
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_entity_article_count"),
    ]

    operations = [
        CreateExtension("fuzzystrmatch"),
        migrations.RunSQL(
            sql=FUNCTIONS,
            reverse_sql=[
                "DROP FUNCTION entity_name_sounds(text[])",
                "DROP FUNCTION entity_name_text(text[])",
            ],
        ),
        migrations.RunSQL(
            sql=name_indexes("person", "articles_person")
            + name_indexes("organisation", "articles_organisation"),
            reverse_sql=[
                "DROP INDEX person_names_trgm",
                "DROP INDEX person_names_sounds",
                "DROP INDEX organisation_names_trgm",
                "DROP INDEX organisation_names_sounds",
            ],
        ),
    ]
