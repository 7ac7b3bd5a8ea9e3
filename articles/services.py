"""Writes: importing stories and the editors' corrections (see ../shared/STYLE.md).

Every write that spans tables lives here, so the admin, the commands and the tests share it.
"""

import io
import logging
import re
import secrets
import shutil
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.text import slugify

from articles.ingest.parse import ParsedArticle, ParseError, parse
from articles.ingest.types import Extraction, FoundEntity, FoundQuote, KnownEntities
from articles.models import (
    Article,
    ImportBatch,
    ImportFile,
    Organisation,
    OrganisationMention,
    Person,
    PersonMention,
    Quote,
    Source,
)

logger = logging.getLogger(__name__)

NAME_MAX_CHARS = 200  # Entity.name
SLUG_BASE_MAX_CHARS = 200  # leaves room for "-123" under every slug column's limit


# --- Extraction -------------------------------------------------------------------------------


def known_entities() -> KnownEntities:
    """What editors curated, for extract(): every name and alias, and the names marked false."""
    known = KnownEntities()
    blocked = set()
    for model, mapping in ((Person, known.people), (Organisation, known.organisations)):
        rows = list(model.objects.values_list("name", "aliases", "not_an_entity"))
        # Canonical names first, so another entity's alias never shadows a name.
        for name, _aliases, not_an_entity in rows:
            if not_an_entity:
                blocked.add(name.lower())
            else:
                mapping.setdefault(name.lower(), name)
        for name, aliases, not_an_entity in rows:
            for alias in aliases:
                if not_an_entity:
                    blocked.add(alias.lower())
                else:
                    mapping.setdefault(alias.lower(), name)
    # "Lavrov" marked false as an organisation must not hide the person Lavrov.
    known.blocked = blocked - known.people.keys() - known.organisations.keys()
    return known


def extraction_run(paragraphs: Iterable[str], known: KnownEntities | None = None) -> Extraction:
    """People, organisations and quotes in a story (articles/ingest/extract.py)."""
    from articles.ingest.extract import extract  # imported late: it loads a language model

    return extract(list(paragraphs), known=known)


# --- One story ----------------------------------------------------------------------------------


@dataclass
class IngestResult:
    outcome: str  # "created", "updated" or "unchanged"
    article: Article


def article_ingest(
    parsed: ParsedArticle,
    *,
    extraction: Extraction | None = None,
    known: KnownEntities | None = None,
) -> IngestResult:
    """Store one parsed story in one transaction; its identity is the normalised URL.

    Extraction runs before the transaction (it is slow and needs no lock), and not at all when
    the stored story already has the same content hash.
    """
    stored = Article.objects.filter(url=parsed.url).first()
    if stored is not None and stored.content_hash == parsed.content_hash:
        return IngestResult("unchanged", stored)
    if known is None:
        known = known_entities()
    if extraction is None:
        extraction = extraction_run(parsed.paragraphs, known)
    with transaction.atomic():
        source = _source_get_or_create(parsed.source_domain)
        # Entities first, so a new story goes in with its entity names in one write.
        people, organisations = _entities_for(extraction, known)
        entity_names = _entity_names(
            [resolved.entity for resolved in [*people.values(), *organisations.values()]]
        )
        article, created = _article_lock_or_create(parsed, source, entity_names)
        if not created and article.content_hash == parsed.content_hash:
            return IngestResult("unchanged", article)  # a concurrent import stored it first
        if not created:
            article.title = parsed.title
            article.published = parsed.published
            article.source = source
            article.body = parsed.body
            article.content_hash = parsed.content_hash
            article.entity_names = entity_names
            article.save()
        _article_links_write(article, extraction, people, organisations, known, fresh=created)
    return IngestResult("created" if created else "updated", article)


def _source_get_or_create(domain: str) -> Source:
    source = Source.objects.filter(domain=domain).first()
    if source is not None:
        return source
    # get_or_create retries the read after a concurrent insert of the same domain.
    source, _ = Source.objects.get_or_create(
        domain=domain, defaults={"name": domain, "slug": _unique_slug(Source, domain, "source")}
    )
    return source


def _article_lock_or_create(
    parsed: ParsedArticle, source: Source, entity_names: str
) -> tuple[Article, bool]:
    """The stored article for this URL, locked, or a new one; safe against concurrent imports."""
    for _attempt in range(5):
        article = Article.objects.select_for_update().filter(url=parsed.url).first()
        if article is not None:
            return article, False
        article = Article(
            title=parsed.title,
            slug=_unique_slug(Article, parsed.title, "story"),
            published=parsed.published,
            url=parsed.url,
            source=source,
            body=parsed.body,
            content_hash=parsed.content_hash,
            entity_names=entity_names,
        )
        try:
            # A concurrent import of the same URL makes this wait for it, then fail: look again.
            with transaction.atomic():
                article.save(force_insert=True)
        except IntegrityError:
            continue
        return article, True
    raise IntegrityError(f"could not store {parsed.url}: its slug or URL kept colliding")


def _unique_slug(model, text: str, fallback: str) -> str:
    """slugify(text), with -2, -3... when taken, also by an entity's former slugs."""
    base = slugify(text)[:SLUG_BASE_MAX_CHARS].strip("-") or fallback
    pattern = re.compile(rf"^{re.escape(base)}(-[0-9]+)?$")
    # A prefix match can use the slug's index; the exact pattern is checked here.
    taken = {
        slug
        for slug in model.objects.filter(slug__startswith=base).values_list("slug", flat=True)
        if pattern.match(slug)
    }
    if hasattr(model, "former_slugs"):  # merged entities are few: read them all
        for former in model.objects.exclude(former_slugs=[]).values_list("former_slugs", flat=True):
            taken.update(slug for slug in former if pattern.match(slug))
    number = 1
    while (candidate := base if number == 1 else f"{base}-{number}") in taken:
        number += 1
    return candidate


# --- Entities, mentions and quotes of one story -------------------------------------------------


@dataclass
class _Resolved:
    entity: Person | Organisation
    mentions: int
    first_offset: int
    aliases: set[str] = field(default_factory=set)


def _entities_for(extraction: Extraction, known: KnownEntities):
    return (
        _entities_resolve(Person, extraction.people, known.people),
        _entities_resolve(Organisation, extraction.organisations, known.organisations),
    )


def _article_links_write(
    article: Article,
    extraction: Extraction,
    people: dict[str, "_Resolved"],
    organisations: dict[str, "_Resolved"],
    known: KnownEntities,
    *,
    fresh: bool,
) -> None:
    """Re-derive the story's mentions and quotes, keeping the quotes editors reviewed."""
    before_people: set[int] = set()
    before_organisations: set[int] = set()
    if not fresh:
        mentions = PersonMention.objects.filter(article=article)
        before_people = set(mentions.values_list("person_id", flat=True))
        mentions.delete()
        mentions = OrganisationMention.objects.filter(article=article)
        before_organisations = set(mentions.values_list("organisation_id", flat=True))
        mentions.delete()
    _article_counts_shift(Person, before_people, {r.entity.pk for r in people.values()})
    _article_counts_shift(
        Organisation, before_organisations, {r.entity.pk for r in organisations.values()}
    )
    PersonMention.objects.bulk_create(
        PersonMention(
            article=article,
            person=resolved.entity,
            count=resolved.mentions,
            first_offset=resolved.first_offset,
        )
        for resolved in people.values()
    )
    OrganisationMention.objects.bulk_create(
        OrganisationMention(
            article=article,
            organisation=resolved.entity,
            count=resolved.mentions,
            first_offset=resolved.first_offset,
        )
        for resolved in organisations.values()
    )
    _quotes_write(article, extraction.quotes, people, organisations, known, fresh=fresh)


def _article_counts_shift(model, before: set[int], after: set[int]) -> None:
    """Keep Entity.article_count: +1 for entities the story now names, -1 for those it lost.

    Increments rather than recounts, so two stories imported at once both count.
    """
    if after - before:
        model.objects.filter(pk__in=after - before).update(article_count=F("article_count") + 1)
    if before - after:
        model.objects.filter(pk__in=before - after).update(article_count=F("article_count") - 1)


def _entities_resolve(
    model, found: list[FoundEntity], known: dict[str, str]
) -> dict[str, _Resolved]:
    """Found entities as stored ones, keyed by upper-cased canonical name; false ones dropped."""
    grouped: dict[str, tuple[str, FoundEntity, set[str]]] = {}
    for entity in found:
        name = entity.name.strip()[:NAME_MAX_CHARS]
        if not name:
            continue
        # A curated spelling (a name or an alias) stands for its canonical name.
        canonical = known.get(name.lower()) or next(
            (known[alias.lower()] for alias in entity.aliases if alias.lower() in known), name
        )
        spellings = {name, *(alias.strip()[:NAME_MAX_CHARS] for alias in entity.aliases)}
        key = canonical.upper()
        if key in grouped:
            _, first, seen = grouped[key]
            first.mentions += entity.mentions
            first.first_offset = min(first.first_offset, entity.first_offset)
            seen.update(spellings)
        else:
            copy = FoundEntity(canonical, [], entity.mentions, entity.first_offset)
            grouped[key] = (canonical, copy, spellings)
    resolved = {}
    # One order for every import, so concurrent imports lock entity rows without deadlock.
    for key in sorted(grouped):
        canonical, entity, spellings = grouped[key]
        stored = _entity_get_or_create(model, canonical)
        if stored.not_an_entity:
            continue
        _entity_aliases_extend(stored, spellings)
        resolved[key] = _Resolved(stored, max(entity.mentions, 1), max(entity.first_offset, 0))
    return resolved


def _entity_get_or_create(model, name: str):
    for _attempt in range(5):
        stored = model.objects.filter(name__iexact=name).first()
        if stored is not None:
            return stored
        try:
            # The unique Upper(name) constraint settles concurrent creations of one name.
            with transaction.atomic():
                return model.objects.create(
                    name=name, slug=_unique_slug(model, name, model._meta.model_name)
                )
        except IntegrityError:
            continue
    raise IntegrityError(f"could not store the {model._meta.verbose_name} {name!r}")


def _entity_aliases_extend(entity, spellings: Iterable[str]) -> None:
    if not _aliases_missing(entity, spellings):
        return
    locked = type(entity).objects.select_for_update().get(pk=entity.pk)
    missing = _aliases_missing(locked, spellings)
    if missing:
        locked.aliases = [*locked.aliases, *missing]
        locked.save(update_fields=["aliases", "updated"])
    entity.aliases = locked.aliases


def _aliases_missing(entity, spellings: Iterable[str]) -> list[str]:
    have = {entity.name.lower(), *(alias.lower() for alias in entity.aliases)}
    missing = []
    for spelling in sorted(set(spellings)):
        if spelling and spelling.lower() not in have:
            have.add(spelling.lower())
            missing.append(spelling)
    return missing


def _entity_names(entities) -> str:
    """The text written to Article.entity_names: every name and alias, one a line."""
    names = []
    for entity in entities:
        names.extend([entity.name, *entity.aliases])
    return "\n".join(dict.fromkeys(names))


def _quotes_write(
    article: Article,
    found: list[FoundQuote],
    people: dict[str, _Resolved],
    organisations: dict[str, _Resolved],
    known: KnownEntities,
    *,
    fresh: bool,
) -> None:
    paragraphs = article.body.split("\n")
    reviewed = []
    if not fresh:
        Quote.objects.filter(article=article, status=Quote.Status.UNREVIEWED).delete()
        for quote in Quote.objects.filter(article=article):
            place = _quote_locate(quote.text, paragraphs)
            if place is None:  # its text left the story: the decision no longer applies
                quote.delete()
                continue
            if place != (quote.paragraph, quote.start, quote.end):
                quote.paragraph, quote.start, quote.end = place
                quote.save(update_fields=["paragraph", "start", "end", "updated"])
            reviewed.append(quote)
    new = []
    for found_quote in found:
        text = found_quote.text.strip()
        if not text or not 0 <= found_quote.paragraph < len(paragraphs):
            continue
        # A verified quote stays as the editor left it; a rejected one is never recreated.
        if any(_same_quote(found_quote, quote) for quote in reviewed):
            continue
        person, organisation = _speaker(found_quote, people, organisations, known)
        start = max(found_quote.start, 0)
        new.append(
            Quote(
                article=article,
                person=person,
                organisation=organisation,
                speaker_text=found_quote.speaker_text[:300],
                text=text,
                kind=found_quote.kind if found_quote.kind in Quote.Kind.values else "direct",
                verb=found_quote.verb[:50],
                paragraph=found_quote.paragraph,
                start=start,
                end=max(found_quote.end, start),
                method=found_quote.method[:30],
                confidence=min(max(found_quote.confidence, 0.0), 1.0),
            )
        )
    Quote.objects.bulk_create(new)


def _quote_locate(text: str, paragraphs: list[str]) -> tuple[int, int, int] | None:
    for index, paragraph in enumerate(paragraphs):
        start = paragraph.find(text)
        if start >= 0:
            return index, start, start + len(text)
    return None


def _same_quote(found: FoundQuote, stored: Quote) -> bool:
    if found.text.strip() == stored.text:
        return True
    return (
        found.paragraph == stored.paragraph
        and found.start < stored.end
        and stored.start < found.end
    )


def _speaker(found: FoundQuote, people, organisations, known: KnownEntities):
    if not found.speaker:
        return None, None
    name = found.speaker.strip()
    if found.speaker_type != "organisation":
        key = known.people.get(name.lower(), name).upper()
        if key in people:
            return people[key].entity, None
    if found.speaker_type != "person":
        key = known.organisations.get(name.lower(), name).upper()
        if key in organisations:
            return None, organisations[key].entity
    return None, None  # the speaker was marked not an entity, or extraction gave no entity


# --- Many files: uploads, folders, zips ---------------------------------------------------------


class ArchiveRefused(ValueError):
    """A zip refused as a whole: nothing in it is imported."""


NESTED_ARCHIVE_SUFFIXES = (
    ".zip",
    ".jar",
    ".tar",
    ".tgz",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".7z",
    ".rar",
)
NESTED_ARCHIVE_MAGIC = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"\x1f\x8b",
    b"BZh",
    b"\xfd7zXZ",
    b"7z\xbc\xaf",
    b"Rar!",
    b"\x28\xb5\x2f\xfd",
)


@dataclass
class FileReport:
    filename: str
    outcome: str  # created, updated, unchanged or rejected
    message: str = ""
    parsed: ParsedArticle | None = None
    extraction: Extraction | None = None  # kept for a dry run (the admin's preview)
    article: Article | None = None


@dataclass
class ImportReport:
    files: list[FileReport]
    batch: ImportBatch | None
    dry_run: bool = False
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for report in self.files if report.outcome == outcome)

    @property
    def rejected(self) -> list[FileReport]:
        return [report for report in self.files if report.outcome == "rejected"]


def is_zip(name: str, raw: bytes) -> bool:
    return name.lower().endswith(".zip") or raw[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def zip_members(name: str, raw: bytes) -> list[tuple[str, bytes]]:
    """The stories in a zip, or ArchiveRefused naming why the whole zip is refused."""
    max_files = settings.ARCHIVE_MAX_ZIP_FILES
    max_bytes = settings.ARCHIVE_MAX_ZIP_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = [
            info
            for info in archive.infolist()
            if not info.is_dir() and not _zip_member_ignored(info.filename)
        ]
        if len(infos) > max_files:
            raise ArchiveRefused(
                f"{name}: the zip holds {len(infos):,} files, over the limit of {max_files:,}"
            )
        for info in infos:
            if _zip_member_outside(info.filename):
                raise ArchiveRefused(
                    f"{name}: the member '{info.filename}' points outside the archive"
                )
            if info.filename.lower().endswith(NESTED_ARCHIVE_SUFFIXES):
                raise ArchiveRefused(f"{name}: '{info.filename}' is an archive inside the zip")
        declared = sum(info.file_size for info in infos)
        if declared > max_bytes:
            raise ArchiveRefused(
                f"{name}: the zip unpacks to {declared:,} bytes, over the limit of {max_bytes:,}"
            )
        members = []
        total = 0
        for info in infos:
            # Declared sizes can lie (a zip bomb): count the bytes actually inflated.
            chunks = []
            with archive.open(info) as member:
                while chunk := member.read(1 << 16):
                    total += len(chunk)
                    if total > max_bytes:
                        raise ArchiveRefused(
                            f"{name}: the zip unpacks to more than the limit of {max_bytes:,} bytes"
                        )
                    chunks.append(chunk)
            content = b"".join(chunks)
            if content.startswith(NESTED_ARCHIVE_MAGIC):
                raise ArchiveRefused(f"{name}: '{info.filename}' is an archive inside the zip")
            members.append((f"{name}/{info.filename}", content))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise ArchiveRefused(f"{name}: not a readable zip archive ({error})") from None
    return members


def _zip_member_ignored(path: str) -> bool:
    """Folders that archivers add on their own (macOS resource forks, hidden files)."""
    parts = path.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or parts[-1].startswith(".")


def _zip_member_outside(path: str) -> bool:
    path = path.replace("\\", "/")
    return (
        path.startswith("/") or re.match(r"^[A-Za-z]:", path) is not None or ".." in path.split("/")
    )


def _files_expand(files: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes | None, str]]:
    """(name, raw, refusal) for each story: zips opened, a refused zip yields its reason."""
    for name, raw in files:
        if not is_zip(name, raw):
            yield name, raw, ""
            continue
        try:
            members = zip_members(name, raw)
        except ArchiveRefused as refusal:
            yield name, None, str(refusal)
            continue
        for member_name, content in members:
            yield member_name, content, ""


def articles_import(
    files: Iterable[tuple[str, bytes]],
    *,
    user=None,
    origin: str = ImportBatch.Origin.COMMAND,
    dry_run: bool = False,
    extract: bool = True,
    on_file: Callable[[FileReport], None] | None = None,
) -> ImportReport:
    """Import stories: each accepted file in its own transaction, a rejected one stores nothing.

    A dry run parses and extracts, predicts each file's outcome and stores nothing.
    `extract=False` stores stories without entities (the benchmark's baseline).
    """
    started = time.perf_counter()
    batch = None if dry_run else ImportBatch.objects.create(created_by=user, origin=origin)
    known = known_entities() if extract else KnownEntities()
    reports = []
    for filename, raw, refusal in _files_expand(files):
        report = _file_import(filename, raw, refusal, known, dry_run=dry_run, extract=extract)
        if batch is not None:
            ImportFile.objects.create(
                batch=batch,
                filename=report.filename[:500],
                outcome=report.outcome,
                message=report.message,
                article=report.article,
            )
        reports.append(report)
        if on_file is not None:
            on_file(report)
    result = ImportReport(reports, batch, dry_run, time.perf_counter() - started)
    if batch is not None:
        batch.created_count = result.count("created")
        batch.updated_count = result.count("updated")
        batch.unchanged_count = result.count("unchanged")
        batch.rejected_count = result.count("rejected")
        batch.save()
    return result


def _file_import(filename, raw, refusal, known, *, dry_run: bool, extract: bool) -> FileReport:
    if refusal:
        return FileReport(filename, "rejected", refusal)
    try:
        parsed = parse(raw, filename=filename, max_bytes=settings.ARCHIVE_MAX_FILE_BYTES)
    except ParseError as error:
        return FileReport(filename, "rejected", str(error))
    if dry_run:
        stored = Article.objects.filter(url=parsed.url).values_list("content_hash", flat=True)
        outcome = (
            "created"
            if not stored
            else "unchanged"
            if stored[0] == parsed.content_hash
            else "updated"
        )
        extraction = extraction_run(parsed.paragraphs, known) if extract else Extraction()
        return FileReport(filename, outcome, parsed.title, parsed, extraction)
    try:
        result = article_ingest(parsed, extraction=None if extract else Extraction(), known=known)
    except Exception as error:  # one story that fails, however, must not stop the others
        logger.exception("could not import %s", filename)
        return FileReport(filename, "rejected", f"{filename}: could not be imported ({error})")
    return FileReport(filename, result.outcome, parsed.title, parsed, article=result.article)


# --- The admin's two-step upload: files kept server-side between preview and confirm ------------

STAGING_DIR = Path(tempfile.gettempdir()) / "archive-import-staging"
STAGING_MAX_AGE_SECONDS = 60 * 60
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def import_stage(files: Iterable[tuple[str, bytes]]) -> str:
    """Keep uploaded files for the confirm step; returns the token that finds them again."""
    _import_stage_prune()
    token = secrets.token_urlsafe(24)
    folder = STAGING_DIR / token
    folder.mkdir(parents=True, mode=0o700)
    names = []
    for number, (name, raw) in enumerate(files):
        (folder / f"{number:05d}").write_bytes(raw)
        names.append(name)
    (folder / "names.txt").write_text("\n".join(name.replace("\n", " ") for name in names))
    return token


def import_staged(token: str) -> list[tuple[str, bytes]] | None:
    """The files kept under `token`, or None when they expired or never existed."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    folder = STAGING_DIR / token
    try:
        names = (folder / "names.txt").read_text().split("\n")
        return [
            (name, (folder / f"{number:05d}").read_bytes()) for number, name in enumerate(names)
        ]
    except FileNotFoundError:
        return None


def import_stage_discard(token: str) -> None:
    if TOKEN_PATTERN.match(token or ""):
        shutil.rmtree(STAGING_DIR / token, ignore_errors=True)


def _import_stage_prune() -> None:
    """Drop uploads never confirmed, so the staging folder stays bounded."""
    if not STAGING_DIR.is_dir():
        return
    oldest = time.time() - STAGING_MAX_AGE_SECONDS
    for folder in STAGING_DIR.iterdir():
        try:
            if folder.stat().st_mtime < oldest:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:
            pass


# --- Editors' corrections ----------------------------------------------------------------------


def person_merge(source: Person, target: Person) -> Person:
    """Move every mention and quote of `source` to `target`, keep its names, delete it."""
    return _entity_merge(source, target, PersonMention, "person")


def organisation_merge(source: Organisation, target: Organisation) -> Organisation:
    return _entity_merge(source, target, OrganisationMention, "organisation")


@transaction.atomic
def _entity_merge(source, target, mention_model, field_name: str):
    if source.pk == target.pk:
        raise ValueError("cannot merge an entity into itself")
    model = type(target)
    # Lock both rows in one order, so two crossed merges cannot deadlock.
    locked = model.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    by_pk = {entity.pk: entity for entity in locked}
    source, target = by_pk[source.pk], by_pk[target.pk]

    target_mentions = {
        mention.article_id: mention
        for mention in mention_model.objects.filter(**{field_name: target})
    }
    source_mentions = list(mention_model.objects.filter(**{field_name: source}))
    article_ids = set(target_mentions) | {mention.article_id for mention in source_mentions}
    # Both named in one story: one mention with both counts. The rest move in one update.
    shared = [mention for mention in source_mentions if mention.article_id in target_mentions]
    for mention in shared:
        existing = target_mentions[mention.article_id]
        existing.count += mention.count
        existing.first_offset = min(existing.first_offset, mention.first_offset)
    mention_model.objects.bulk_update(
        [target_mentions[mention.article_id] for mention in shared], ["count", "first_offset"]
    )
    mention_model.objects.filter(pk__in=[mention.pk for mention in shared]).delete()
    mention_model.objects.filter(**{field_name: source}).update(**{field_name: target})
    Quote.objects.filter(**{field_name: source}).update(**{field_name: target})

    target.aliases = [*target.aliases, *_aliases_missing(target, [source.name, *source.aliases])]
    target.former_slugs = list(
        dict.fromkeys([*target.former_slugs, source.slug, *source.former_slugs])
    )
    target.description = target.description or source.description
    target.wikidata_id = target.wikidata_id or source.wikidata_id
    target.article_count = len(article_ids)
    source.delete()
    target.save()
    _entity_names_refresh(article_ids)
    return target


@transaction.atomic
def entity_mark_not_an_entity(entity) -> None:
    """A false person or organisation: its mentions and quote links go, and it never returns."""
    mention_model, field_name = _mention_link(entity)
    mentions = mention_model.objects.filter(**{field_name: entity})
    article_ids = set(mentions.values_list("article_id", flat=True))
    mentions.delete()
    Quote.objects.filter(**{field_name: entity}).update(**{field_name: None})
    entity.not_an_entity = True
    entity.article_count = 0
    entity.save(update_fields=["not_an_entity", "article_count", "updated"])
    _entity_names_refresh(article_ids)


@transaction.atomic
def entity_update(entity) -> None:
    """Save an editor's change to a name or aliases, and the search text of its stories."""
    entity.save()
    mention_model, field_name = _mention_link(entity)
    _entity_names_refresh(
        mention_model.objects.filter(**{field_name: entity}).values_list("article_id", flat=True)
    )


def _mention_link(entity) -> tuple[type, str]:
    """The mention table of a person or an organisation, and its field naming the entity."""
    if isinstance(entity, Person):
        return PersonMention, "person"
    return OrganisationMention, "organisation"


def _entity_names_refresh(article_ids: Iterable[int]) -> None:
    """Rewrite the entity names of these stories in a few queries, however many there are
    (a merge of someone named in thousands of stories must not cost a query per story)."""
    article_ids = list(article_ids)
    entities: dict[int, list] = {pk: [] for pk in article_ids}
    for mention_model, field_name in (
        (PersonMention, "person"),
        (OrganisationMention, "organisation"),
    ):
        mentions = (
            mention_model.objects.filter(
                article_id__in=article_ids, **{f"{field_name}__not_an_entity": False}
            )
            .select_related(field_name)
            .order_by(f"{field_name}__name")
        )
        for mention in mentions:
            entities[mention.article_id].append(getattr(mention, field_name))
    Article.objects.bulk_update(
        [Article(pk=pk, entity_names=_entity_names(found)) for pk, found in entities.items()],
        ["entity_names"],
        batch_size=500,
    )


def quote_verify(quote: Quote) -> None:
    quote.status = Quote.Status.VERIFIED
    quote.save(update_fields=["status", "updated"])


def quote_reject(quote: Quote) -> None:
    quote.status = Quote.Status.REJECTED
    quote.save(update_fields=["status", "updated"])


def quote_speaker_change(
    quote: Quote, *, person: Person | None = None, organisation: Organisation | None = None
) -> None:
    """An editor naming the speaker has reviewed the quote: it becomes verified."""
    if person is not None and organisation is not None:
        raise ValueError("a quote has one speaker: a person or an organisation")
    quote.person = person
    quote.organisation = organisation
    quote.status = Quote.Status.VERIFIED
    quote.save(update_fields=["person", "organisation", "status", "updated"])


def articles_reextract(*, on_article: Callable[[Article], None] | None = None) -> int:
    """Run extraction again over every stored story, keeping every editor decision.

    Verified and rejected quotes stay (see _quotes_write), merged names are aliases of the
    target and names marked false are blocked (see known_entities). Returns the story count.
    """
    known = known_entities()
    count = 0
    for article_id in Article.objects.order_by("pk").values_list("pk", flat=True):
        article = Article.objects.filter(pk=article_id).first()
        if article is None:  # deleted meanwhile
            continue
        extraction = extraction_run(article.paragraphs, known)
        with transaction.atomic():
            # Entities before the story, in the order article_ingest locks them.
            people, organisations = _entities_for(extraction, known)
            article = Article.objects.select_for_update().get(pk=article_id)
            _article_links_write(article, extraction, people, organisations, known, fresh=False)
            article.entity_names = _entity_names(
                [resolved.entity for resolved in [*people.values(), *organisations.values()]]
            )
            article.save(update_fields=["entity_names", "updated"])
        count += 1
        if on_article is not None:
            on_article(article)
    return count
