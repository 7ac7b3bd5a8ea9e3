"""python manage.py extract FILE --json : what ingest would store for a file, storing nothing."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.ingest.parse import ParseError, parse
from articles.ingest.types import KnownEntities
from articles.services import ingest


def extraction_document(parsed, extraction) -> dict:
    """The JSON shape promised in issue 3."""

    def entities(found):
        return [
            {
                "name": entity.name,
                "aliases": entity.aliases,
                "mentions": entity.mentions,
                "first_offset": entity.first_offset,
            }
            for entity in found
        ]

    return {
        "title": parsed.title,
        "published": parsed.published.isoformat(),
        "url": parsed.url,
        "source": parsed.source_domain,
        "people": entities(extraction.people),
        "organisations": entities(extraction.organisations),
        "quotes": [
            {
                "speaker": quote.speaker,
                "speaker_type": quote.speaker_type,
                "text": quote.text,
                "kind": quote.kind,
                "verb": quote.verb,
                "paragraph": quote.paragraph,
                "confidence": quote.confidence,
                "speaker_text": quote.speaker_text,
                "start": quote.start,
                "end": quote.end,
            }
            for quote in extraction.quotes
        ],
    }


class Command(BaseCommand):
    help = "Print what extraction finds in one story file, without storing anything."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="print JSON (issue 3's shape)"
        )

    def handle(self, *args, file, as_json: bool, **options):
        path = Path(file)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}", returncode=2) from None
        try:
            parsed = parse(raw, filename=file, max_bytes=settings.ARCHIVE_MAX_FILE_BYTES)
        except ParseError as error:
            raise CommandError(str(error), returncode=2) from None
        try:
            known = ingest.known_entities()
        except DatabaseError:
            # The command stores nothing, so it can still answer without the database.
            self.stderr.write(
                "The archive's database is not set up (run `python manage.py migrate`): "
                "extracting without the names editors curated."
            )
            known = KnownEntities()
        document = extraction_document(parsed, ingest.extraction_run(parsed.paragraphs, known))
        if as_json:
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{document['title']} ({document['published']}, {document['source']})")
        for key in ("people", "organisations"):
            names = ", ".join(entity["name"] for entity in document[key]) or "none"
            self.stdout.write(f"{key.capitalize()}: {names}")
        for quote in document["quotes"]:
            self.stdout.write(
                f"- {quote['speaker'] or '(unknown)'} {quote['verb']}: {quote['text']}"
            )
