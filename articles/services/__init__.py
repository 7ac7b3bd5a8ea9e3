"""Writes (see ../shared/STYLE.md): every change that spans tables, shared by the admin, the
commands, the jobs and the tests.

- ingest.py: one story stored in one transaction (article_ingest, article_reextract);
- resolution.py: which stored person or organisation a found name is, at import and over
  the archive;
- uploads.py: imports as batches, previewed, confirmed, stored by jobs;
- corrections.py: editors' merges, false entities, names and quotes.
"""

from articles.services.corrections import (
    entities_confirm,
    entity_mark_not_an_entity,
    entity_merge,
    entity_update,
    organisation_merge,
    pair_decide,
    person_merge,
    quote_reject,
    quote_speaker_change,
    quote_verify,
)
from articles.services.ingest import (
    article_ingest,
    article_reextract,
    articles_delete,
    extraction_run,
    known_entities,
)
from articles.services.resolution import archive_resolve
from articles.services.uploads import (
    articles_import,
    articles_reextract,
    batch_cancel,
    batch_confirm,
    batch_run_here,
    batch_stage,
    files_preview,
    preview_totals,
    reextract_stage,
)

__all__ = [
    "archive_resolve",
    "article_ingest",
    "article_reextract",
    "articles_delete",
    "articles_import",
    "articles_reextract",
    "batch_run_here",
    "files_preview",
    "batch_cancel",
    "batch_confirm",
    "batch_stage",
    "entities_confirm",
    "entity_mark_not_an_entity",
    "entity_merge",
    "entity_update",
    "extraction_run",
    "known_entities",
    "organisation_merge",
    "pair_decide",
    "person_merge",
    "preview_totals",
    "quote_reject",
    "quote_speaker_change",
    "quote_verify",
    "reextract_stage",
]
