"""Storing one story: its source, text, people, organisations, mentions and quotes.

Every import path (admin upload, command line, seeds, re-extraction) ends in article_ingest.
"""

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from articles.ingest.order import reading_order
from articles.ingest.parse import ParsedArticle
from articles.ingest.pipeline import NO_DEADLINE, Deadline
from articles.ingest.types import Extraction, FoundQuote, KnownEntities
from articles.models import (
    CURATED,
    Article,
    Organisation,
    OrganisationMention,
    Person,
    PersonMention,
    Quote,
    Source,
)
from articles.services.resolution import Resolved, entities_resolve, spellings_missing
from articles.services.slugs import base_slug, unique_slug

logger = logging.getLogger(__name__)

# A paragraph longer than this is cut for extraction (never in the stored text): the parser's
# memory grows with its input, and no real paragraph comes near it.
EXTRACT_MAX_PARAGRAPH_CHARS = 20_000
EXTRACT_MAX_STORY_CHARS = 400_000
# Two imports that touch the same rows in another order can deadlock; PostgreSQL then aborts
# one of them, which is retried from the start.
DEADLOCK_ATTEMPTS = 4
DEADLOCK_SQLSTATES = {"40P01", "40001"}


# --- Extraction -------------------------------------------------------------------------------


def known_entities() -> KnownEntities:
    """Names later imports may rely on: those of entries an editor confirmed, and the names
    editors marked false. The machine's own guesses are never here (see DESIGN.md): one bad
    alias treated as known once captured 550 stories."""
    known = KnownEntities()
    blocked = set()
    for model, mapping in ((Person, known.people), (Organisation, known.organisations)):
        rows = list(model.objects.filter(CURATED).values_list("name", "aliases", "not_an_entity"))
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
    """People, organisations and quotes in a story (articles/ingest/extract.py), on input of
    bounded size and within `settings.ARCHIVE_EXTRACT_TIME_BUDGET` seconds: past it,
    ExtractionTimeout (0 means no limit)."""
    from articles.ingest.extract import extract, load_nlp  # late: it loads a language model

    bounded, chars_left = [], EXTRACT_MAX_STORY_CHARS
    for paragraph in paragraphs:
        paragraph = paragraph[: min(EXTRACT_MAX_PARAGRAPH_CHARS, max(chars_left, 0))]
        chars_left -= len(paragraph)
        bounded.append(paragraph)
    load_nlp()  # the clock starts once the model is loaded: a worker's first story is no slower
    budget = settings.ARCHIVE_EXTRACT_TIME_BUDGET
    deadline = Deadline.after(budget) if budget > 0 else NO_DEADLINE
    return extract(bounded, known=known, deadline=deadline)


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
    return article_store(parsed, extraction, known)


def article_store(parsed: ParsedArticle, extraction: Extraction, known: KnownEntities):
    """Store a story its caller found new or changed and extracted: `article_ingest` without
    the look-up of the stored copy (a job has just made it). A copy a concurrent import stored
    meanwhile with the same content is found under the lock and left "unchanged"."""
    order = reading_order(parsed.paragraphs, parsed.title)
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        try:
            return _article_store(parsed, extraction, known, order)
        except OperationalError as error:
            if not _retryable(error) or attempt == DEADLOCK_ATTEMPTS:
                raise
            logger.warning("retrying %s after %s", parsed.url, error)
    raise AssertionError("unreachable")


def _retryable(error: OperationalError) -> bool:
    """A deadlock or serialization failure, outside any enclosing transaction (inside one,
    the whole transaction is lost and its owner must retry)."""
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate in DEADLOCK_SQLSTATES and not transaction.get_connection().in_atomic_block


def _article_store(
    parsed: ParsedArticle, extraction: Extraction, known: KnownEntities, order: list[int]
):
    # No savepoint inside a caller's transaction: an error here ends that transaction anyway.
    with transaction.atomic(savepoint=False):
        source = _source_get_or_create(parsed.source_domain)
        # Entities first, so a new story goes in with its entity names in one write.
        people, organisations = entities_resolve(extraction, known)
        names = _story_entity_names(people, organisations)
        article, created = _article_lock_or_create(parsed, source, names, order)
        if not created and article.content_hash == parsed.content_hash:
            return IngestResult("unchanged", article)  # a concurrent import stored it first
        if not created:
            article.title = parsed.title
            article.published = parsed.published
            article.source = source
            article.body = parsed.body
            article.content_hash = parsed.content_hash
            article.repaired_lines = list(parsed.repaired_lines)
            article.reading_order = order
            article.entity_names = names
            article.save()
        _article_links_write(article, extraction, people, organisations, fresh=created)
    return IngestResult("created" if created else "updated", article)


def _story_entity_names(*resolved_maps: dict[str, Resolved]) -> str:
    """Article.entity_names for a story: its entities' names, aliases and spellings, with the
    forms this story uses (recorded as spellings in the same transaction)."""
    names = []
    for resolved_map in resolved_maps:
        for resolved in resolved_map.values():
            entity = resolved.entity
            names.extend([entity.name, *entity.aliases, *entity.spellings])
            names.extend(sorted(resolved.spellings))
    return "\n".join(dict.fromkeys(names))


def _source_get_or_create(domain: str) -> Source:
    source = Source.objects.filter(domain=domain).first()
    if source is not None:
        return source
    # get_or_create retries the read after a concurrent insert of the same domain.
    source, _ = Source.objects.get_or_create(
        domain=domain, defaults={"name": domain, "slug": unique_slug(Source, domain, "source")}
    )
    return source


# Stories inserted at once under one title race for its slugs: each attempt, one of them wins.
ARTICLE_INSERT_ATTEMPTS = 20


def _article_lock_or_create(
    parsed: ParsedArticle, source: Source, entity_names: str, order: list[int]
) -> tuple[Article, bool]:
    """The stored article for this URL, locked, or a new one; safe against concurrent imports."""
    for attempt in range(ARTICLE_INSERT_ATTEMPTS):
        article = Article.objects.select_for_update().filter(url=parsed.url).first()
        if article is not None:
            return article, False
        # Most titles make a free slug: try it before asking which of its forms are taken.
        if attempt == 0:
            slug = base_slug(parsed.title, "story")
        else:
            slug = unique_slug(Article, parsed.title, "story")
        article = Article(
            title=parsed.title,
            slug=slug,
            published=parsed.published,
            url=parsed.url,
            source=source,
            body=parsed.body,
            content_hash=parsed.content_hash,
            repaired_lines=list(parsed.repaired_lines),
            reading_order=order,
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


# --- Mentions and quotes of one story -----------------------------------------------------------


def _article_links_write(
    article: Article,
    extraction: Extraction,
    people: dict[str, Resolved],
    organisations: dict[str, Resolved],
    *,
    fresh: bool,
) -> None:
    """Re-derive the story's mentions and quotes, keeping the quotes editors reviewed."""
    for model, mention_model, field_name, resolved_map in (
        (Person, PersonMention, "person", people),
        (Organisation, OrganisationMention, "organisation", organisations),
    ):
        mentions = mention_model.objects.filter(article=article)
        before = set() if fresh else set(mentions.values_list(f"{field_name}_id", flat=True))
        if not fresh:
            mentions.delete()
        entries = _entries_by_pk(resolved_map)
        _entities_lock_and_count(model, before, set(entries))
        _spellings_extend(model, entries.values())
        mention_model.objects.bulk_create(
            mention_model(
                article=article,
                count=entry.mentions,
                first_offset=entry.first_offset,
                **{field_name: entry.entity},
            )
            for entry in entries.values()
        )
    _quotes_write(article, extraction.quotes, people, organisations, fresh=fresh)


def _entries_by_pk(resolved_map: dict[str, Resolved]) -> dict[int, Resolved]:
    """One entry per stored entity: found names that resolved to one entity add up."""
    entries: dict[int, Resolved] = {}
    for resolved in {id(entry): entry for entry in resolved_map.values()}.values():
        pk = resolved.entity.pk
        if pk not in entries:
            entries[pk] = Resolved(resolved.entity, 0, resolved.first_offset, set())
        entries[pk].mentions += resolved.mentions
        entries[pk].first_offset = min(entries[pk].first_offset, resolved.first_offset)
        entries[pk].spellings |= resolved.spellings
    return entries


def _entities_locked(model, pks: set[int]):
    """The story's entity rows locked in primary-key order (people before organisations), the
    one order every import and merge uses, so that concurrent writers never deadlock."""
    return model.objects.select_for_update().filter(pk__in=pks).order_by("pk").values("pk")


def _entities_lock(model, pks: set[int]) -> None:
    """Take the locks of `_entities_locked` now."""
    list(_entities_locked(model, pks))


def _entities_lock_and_count(model, before: set[int], after: set[int]) -> None:
    """Lock the story's entity rows (`_entities_locked`) and keep Entity.article_count: +1 for
    entities the story now names, -1 for those it lost.

    Increments rather than recounts, so two stories imported at once both count. A new story
    only adds: one statement locks its rows in order and counts them.
    """
    if not before:
        locked = _entities_locked(model, after)
        model.objects.filter(pk__in=locked).update(article_count=F("article_count") + 1)
        return
    _entities_lock(model, before | after)
    if after - before:
        model.objects.filter(pk__in=after - before).update(article_count=F("article_count") + 1)
    if before - after:
        model.objects.filter(pk__in=before - after).update(article_count=F("article_count") - 1)


def _spellings_extend(model, entries) -> None:
    """Record the story's new forms of each name as seen spellings (never as known names).
    The rows are locked (`_entities_lock_and_count`): their current lists are read again in
    one query, and those that change are written in one."""
    missing = {
        entry.entity.pk: (entry, found)
        for entry in entries
        if (found := spellings_missing(entry.entity, entry.spellings))
    }
    if not missing:
        return
    changed, now = [], timezone.now()
    for pk, entity in model.objects.in_bulk(list(missing)).items():
        entry, found = missing[pk]
        added = spellings_missing(entity, found)
        if added:
            entity.spellings = [*entity.spellings, *added]
            entity.updated = now
            changed.append(entity)
        entry.entity.spellings = entity.spellings
    model.objects.bulk_update(changed, ["spellings", "updated"])


def entity_names(entities) -> str:
    """The text written to Article.entity_names: every name, alias and spelling, one a line."""
    names = []
    for entity in entities:
        names.extend([entity.name, *entity.aliases, *entity.spellings])
    return "\n".join(dict.fromkeys(names))


def _quotes_write(
    article: Article,
    found: list[FoundQuote],
    people: dict[str, Resolved],
    organisations: dict[str, Resolved],
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
        person, organisation = _speaker(found_quote, people, organisations)
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


def _speaker(found: FoundQuote, people, organisations):
    """The stored speaker of a quote, by the name extraction gave it."""
    if not found.speaker:
        return None, None
    key = found.speaker.strip().upper()
    if found.speaker_type != "organisation" and key in people:
        return people[key].entity, None
    if found.speaker_type != "person" and key in organisations:
        return None, organisations[key].entity
    return None, None  # the speaker was marked not an entity, or extraction gave no entity


def article_reextract(article_id: int, known: KnownEntities) -> Article | None:
    """Run extraction again over one stored story, keeping every editor decision.

    Verified and rejected quotes stay (see _quotes_write), merged names resolve to their
    target and names marked false are blocked (see known_entities). None if it was deleted.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return None
    extraction = extraction_run(article.paragraphs, known)
    with transaction.atomic():
        # Entities before the story, in the order article_ingest locks them.
        people, organisations = entities_resolve(extraction, known)
        article = Article.objects.select_for_update().filter(pk=article_id).first()
        if article is None:
            return None
        _article_links_write(article, extraction, people, organisations, fresh=False)
        article.entity_names = _story_entity_names(people, organisations)
        article.reading_order = reading_order(article.paragraphs, article.title)
        article.save(update_fields=["entity_names", "reading_order", "updated"])
    return article


@transaction.atomic
def articles_delete(articles) -> int:
    """Delete stories, and take them out of their people's and organisations' counts."""
    article_ids = list(articles.values_list("pk", flat=True))
    for model, mention_model, field_name in (
        (Person, PersonMention, "person"),
        (Organisation, OrganisationMention, "organisation"),
    ):
        lost = Counter(
            mention_model.objects.filter(article_id__in=article_ids).values_list(
                f"{field_name}_id", flat=True
            )
        )
        _entities_lock(model, set(lost))
        for pk, stories in sorted(lost.items()):
            model.objects.filter(pk=pk).update(article_count=F("article_count") - stories)
    Article.objects.filter(pk__in=article_ids).delete()
    return len(article_ids)
