"""Reads: every query a page needs, in one place (see ../shared/STYLE.md).

The search page itself is put together in `articles.search`; the pages here are the story,
person and organisation pages and the indexes.
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Exists, Func, IntegerField, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from articles import highlights, search
from articles.models import (
    Article,
    ImportBatch,
    Organisation,
    OrganisationMention,
    OrganisationPair,
    Person,
    PersonMention,
    PersonPair,
    Quote,
    Source,
)

ENTITY_PAGE_SIZE = 50
STORIES_PAGE_SIZE = 20
QUOTES_PAGE_SIZE = 25
RELATED_STORIES = 6
# Related stories are found through the story's most-named actors only: a story naming
# fifty people would otherwise aggregate the mentions of all fifty.
RELATED_VIA_ACTORS = 8
RELATED_PER_ACTOR = 300
# Companions ("appears most with") are counted over an entity's most recent stories.
COMPANION_STORIES = 1000
COMPANIONS = 10
# An entity page's stories per month and companions are kept this long, under a key that
# holds the entity's story count, so a story imported since gives a new key (a date edited in
# place shows once the time is up). For the busiest person of 400,000 stories they took 0.8 s.
ENTITY_COUNTS_CACHE_SECONDS = 600


def article_list_newest(limit: int = 20):
    return list(
        Article.objects.newest_first()
        .select_related("source")
        .defer("body", "search_vector", "entity_names")[:limit]
    )


@dataclass
class Segment:
    text: str
    quote: Quote | None = None
    entity: object = None  # the person or organisation this text names (first mention only)
    # The text escaped with a search's words in <mark> (articles.highlights), when it has any.
    marked: SafeString | None = None

    @property
    def shown(self):
        return self.text if self.marked is None else self.marked


@dataclass
class ArticlePage:
    article: Article
    paragraphs: list[list[Segment]]
    people: list  # [(Person, mentions)]
    organisations: list
    quotes: list[Quote]
    related: list[Article] = field(default_factory=list)
    # Paragraphs shown in the estimated reading order rather than the file's.
    in_reading_order: bool = False


def article_detail(slug: str, file_order: bool = False) -> ArticlePage:
    """A story's page: its paragraphs in the estimated reading order when it has one (or in
    the file's order on request), quotes marked, first mentions linked."""
    article = Article.objects.select_related("source").defer("search_vector").get(slug=slug)
    people = [
        (mention.person, mention.count)
        for mention in PersonMention.objects.filter(article=article, person__not_an_entity=False)
        .select_related("person")
        .order_by("-count", "person__name")
    ]
    organisations = [
        (mention.organisation, mention.count)
        for mention in OrganisationMention.objects.filter(
            article=article, organisation__not_an_entity=False
        )
        .select_related("organisation")
        .order_by("-count", "organisation__name")
    ]
    quotes = list(
        article.quotes.exclude(status=Quote.Status.REJECTED)
        .select_related("person", "organisation")
        .order_by("paragraph", "start")
    )
    for quote in quotes:
        # A speaker an editor marked "not an entity" is shown as the story's words only.
        if quote.person and quote.person.not_an_entity:
            quote.person = None
        if quote.organisation and quote.organisation.not_an_entity:
            quote.organisation = None
    segments = paragraph_segments(article.paragraphs, quotes)
    order = None if file_order else article.paragraph_order
    if order is not None:
        segments = [segments[index] for index in order]
        shown_at = {index: place for place, index in enumerate(order)}
        quotes.sort(key=lambda quote: (shown_at.get(quote.paragraph, len(order)), quote.start))
    return ArticlePage(
        article=article,
        paragraphs=link_first_mentions(
            segments,
            [person for person, _ in people] + [organisation for organisation, _ in organisations],
        ),
        people=people,
        organisations=organisations,
        quotes=quotes,
        in_reading_order=order is not None,
        related=related_articles(
            article,
            [person.pk for person, _ in people[:RELATED_VIA_ACTORS]],
            [organisation.pk for organisation, _ in organisations[:RELATED_VIA_ACTORS]],
        ),
    )


@dataclass
class SearchMarks:
    """A search's words marked on a story page (the search a reader came from)."""

    text: str  # the reader's words
    title_html: SafeString
    count: int  # matches in the title and the text; a phrase counts once


def article_marks(page: ArticlePage, text: str) -> SearchMarks | None:
    """Mark the words of a search on the story page, read as the search reads them, in the
    paragraphs as the page shows them; None when nothing searchable is left."""
    parsed = search.parse_query(text)
    if parsed.query is None:
        return None
    title_html, count = highlights.mark_segments(
        page.article.title, page.paragraphs, parsed.tsquery
    )
    return SearchMarks(parsed.text, title_html, count)


def paragraph_segments(paragraphs: list[str], quotes: list[Quote]) -> list[list[Segment]]:
    """Each paragraph cut into plain text and quoted spans; bad or overlapping offsets are
    ignored rather than trusted."""
    by_paragraph: dict[int, list[Quote]] = {}
    for quote in quotes:
        by_paragraph.setdefault(quote.paragraph, []).append(quote)
    result = []
    for index, text in enumerate(paragraphs):
        segments, position = [], 0
        for quote in sorted(by_paragraph.get(index, []), key=lambda quote: quote.start):
            if quote.start < position or quote.end > len(text) or quote.end <= quote.start:
                continue
            if quote.start > position:
                segments.append(Segment(text[position : quote.start]))
            segments.append(Segment(text[quote.start : quote.end], quote))
            position = quote.end
        if position < len(text) or not segments:
            segments.append(Segment(text[position:]))
        result.append(segments)
    return result


def link_first_mentions(paragraphs: list[list[Segment]], entities) -> list[list[Segment]]:
    """Link the first time the text names each person or organisation (by name, alias or a
    spelling seen), outside quotes, so that a reader can follow anyone from where they first
    appear."""
    spellings = {}
    for entity in entities:
        for spelling in [entity.name, *entity.aliases, *entity.spellings]:
            if len(spelling) >= 3:
                spellings.setdefault(spelling.lower(), entity)
    if not spellings:
        return paragraphs
    # Longest first, so "Antony Blinken" wins over "Blinken".
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True)) + r")\b",
        re.IGNORECASE,
    )
    linked = set()
    result = []
    for segments in paragraphs:
        cut = []
        for segment in segments:
            if segment.quote is not None or len(linked) == len(entities):
                cut.append(segment)
                continue
            position = 0
            for match in pattern.finditer(segment.text):
                entity = spellings[match.group(1).lower()]
                key = (type(entity), entity.pk)
                if key in linked:
                    continue
                linked.add(key)
                if match.start() > position:
                    cut.append(Segment(segment.text[position : match.start()]))
                cut.append(Segment(match.group(0), entity=entity))
                position = match.end()
            if position < len(segment.text) or not cut:
                cut.append(Segment(segment.text[position:]))
        result.append(cut)
    return result


def related_articles(article: Article, person_ids: list[int], organisation_ids: list[int]):
    """Stories sharing the most actors with this one, newest first among equals."""
    if not person_ids and not organisation_ids:
        return []
    # Each actor contributes only their newest stories, so a story naming a president does not
    # aggregate tens of thousands of mentions.
    sql = f"""
        SELECT shared.article_id
        FROM (
            SELECT recent.article_id
            FROM unnest(%s::bigint[]) AS actor(id)
            CROSS JOIN LATERAL (
                SELECT article_id FROM {PersonMention._meta.db_table}
                WHERE person_id = actor.id AND article_id <> %s
                ORDER BY article_id DESC LIMIT {RELATED_PER_ACTOR}
            ) AS recent
            UNION ALL
            SELECT recent.article_id
            FROM unnest(%s::bigint[]) AS actor(id)
            CROSS JOIN LATERAL (
                SELECT article_id FROM {OrganisationMention._meta.db_table}
                WHERE organisation_id = actor.id AND article_id <> %s
                ORDER BY article_id DESC LIMIT {RELATED_PER_ACTOR}
            ) AS recent
        ) AS shared
        JOIN {Article._meta.db_table} AS article ON article.id = shared.article_id
        GROUP BY shared.article_id, article.published
        ORDER BY count(*) DESC, article.published DESC, shared.article_id DESC
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_ids, article.pk, organisation_ids, article.pk, RELATED_STORIES])
        ids = [row[0] for row in cursor.fetchall()]
    found = (
        Article.objects.filter(pk__in=ids)
        .select_related("source")
        .only("title", "slug", "published", "source__name")
        .in_bulk()
    )
    return [found[pk] for pk in ids if pk in found]


# --- People and organisations -------------------------------------------------------------


@dataclass
class EntityKind:
    """What differs between the person and the organisation pages."""

    model: type
    mention_model: type
    field: str  # the mention's and the quote's foreign key to the entity
    noun: str
    plural: str
    url_name: str


PERSON = EntityKind(Person, PersonMention, "person", "person", "people", "articles:person")
ORGANISATION = EntityKind(
    Organisation,
    OrganisationMention,
    "organisation",
    "organisation",
    "organisations",
    "articles:organisation",
)


def entity_by_slug(kind: EntityKind, slug: str):
    """(entity, None), or (None, the entity it was merged into), or (None, None)."""
    entity = kind.model.objects.filter(slug=slug, not_an_entity=False).first()
    if entity is not None:
        return entity, None
    merged_into = kind.model.objects.filter(
        former_slugs__contains=[slug], not_an_entity=False
    ).first()
    return None, merged_into


@dataclass
class EntityPage:
    kind: EntityKind
    entity: object
    story_count: int
    stories: object  # a Paginator page of articles
    quotes: list[Quote]
    quote_count: int
    timeline: list
    timeline_unit: str
    people: list  # [(Person, shared stories)]
    organisations: list


def entity_detail(kind: EntityKind, entity, page_number) -> EntityPage:
    mentions = kind.mention_model.objects.filter(**{kind.field: entity})
    stories = (
        Article.objects.filter(
            Exists(mentions.filter(article=OuterRef("pk"))),
        )
        .newest_first()
        .select_related("source")
        .only("title", "slug", "published", "source__name")
    )
    paginator = Paginator(stories, STORIES_PAGE_SIZE)
    # The count the import services keep, instead of counting 100,000 stories again.
    paginator.count = entity.article_count
    page = paginator.get_page(page_number)
    quotes_qs = Quote.objects.filter(**{kind.field: entity}).exclude(status=Quote.Status.REJECTED)
    quotes = list(
        quotes_qs.select_related("article")
        .only(
            "text",
            "kind",
            "verb",
            "speaker_text",
            "article__title",
            "article__slug",
            "article__published",
        )
        .order_by("-article__published", "article_id", "paragraph", "start")[:10]
    )
    months, people, organisations = cache.get_or_set(
        f"entity-page:{kind.field}:{entity.pk}:{entity.article_count}",
        lambda: _entity_counts(entity, mentions),
        ENTITY_COUNTS_CACHE_SECONDS,
    )
    timeline, unit = search.timeline_buckets(months)
    return EntityPage(
        kind=kind,
        entity=entity,
        story_count=paginator.count,
        stories=page,
        quotes=quotes,
        quote_count=quotes_qs.count(),
        timeline=timeline,
        timeline_unit=unit,
        people=people,
        organisations=organisations,
    )


def _entity_counts(entity, mentions) -> tuple[Counter, list, list]:
    """An entity page's costly counts: its stories per month, and the people and
    organisations most often named with it."""
    months = Counter(
        {
            (row["month"].year, row["month"].month): row["stories"]
            for row in mentions.annotate(month=TruncMonth("article__published"))
            .values("month")
            .annotate(stories=Count("pk"))
            .order_by()
        }
    )
    article_ids = mentions.order_by("-article_id").values("article_id")[:COMPANION_STORIES]
    people = _companions(PersonMention, "person", article_ids, entity, Person)
    organisations = _companions(
        OrganisationMention, "organisation", article_ids, entity, Organisation
    )
    return months, people, organisations


def _companions(mention_model, field_name, article_ids, entity, entity_model):
    """Who appears in the most stories alongside `entity`."""
    counts = (
        mention_model.objects.filter(
            article_id__in=article_ids, **{f"{field_name}__not_an_entity": False}
        )
        .exclude(**{field_name: entity} if isinstance(entity, entity_model) else {})
        .values_list(f"{field_name}_id")
        .annotate(stories=Count("pk"))
        .order_by("-stories", f"{field_name}_id")[:COMPANIONS]
    )
    counts = list(counts)
    found = entity_model.objects.only("name", "slug").in_bulk([pk for pk, _ in counts])
    return [(found[pk], n) for pk, n in counts if pk in found]


def entity_list(kind: EntityKind, queryset, page_number):
    """An index page of people or organisations, most mentioned first."""
    visible = queryset.filter(not_an_entity=False, article_count__gt=0)
    entities = visible.only("name", "slug", "description", "article_count").order_by(
        "-article_count", "name"
    )
    return Paginator(entities, ENTITY_PAGE_SIZE).get_page(page_number)


def quote_list(queryset, parsed, page_number):
    """A page of quotes, newest story first, with the words of `parsed` (a ParsedQuery)
    marked as the search page marks them."""
    quotes = (
        queryset.exclude(status=Quote.Status.REJECTED)
        .exclude(Q(person__not_an_entity=True) | Q(organisation__not_an_entity=True))
        .select_related("person", "organisation", "article__source")
        .only(
            "text",
            "kind",
            "verb",
            "speaker_text",
            "status",
            "person__name",
            "person__slug",
            "organisation__name",
            "organisation__slug",
            "article__title",
            "article__slug",
            "article__published",
            "article__source__name",
        )
        .order_by("-article__published", "-article_id", "paragraph", "start")
    )
    page = Paginator(quotes, QUOTES_PAGE_SIZE).get_page(page_number)
    if parsed.query is not None:
        texts = [quote.text for quote in page.object_list]
        for quote, marked in zip(
            page.object_list, highlights.mark_texts(texts, parsed.tsquery), strict=True
        ):
            quote.text_html = marked.html
    else:
        for quote in page.object_list:
            quote.text_html = escape(quote.text)
    return page


# --- Import batches --------------------------------------------------------------------------

# A running batch with no finished file for this long has lost its workers (or has none).
BATCH_STALLED_SECONDS = 60


@dataclass
class BatchProgress:
    status: str
    status_label: str
    total: int
    done: int
    counts: dict[str, int]
    rate: float | None  # files a second since the batch started
    seconds_left: float | None
    stalled_seconds: float | None  # set when a running batch has not moved for a while

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "status_label": self.status_label,
            "total": self.total,
            "done": self.done,
            "percent": self.percent,
            "counts": self.counts,
            "rate": round(self.rate, 2) if self.rate is not None else None,
            "seconds_left": round(self.seconds_left) if self.seconds_left is not None else None,
            "stalled_seconds": round(self.stalled_seconds) if self.stalled_seconds else None,
        }


def batch_progress(batch) -> BatchProgress:
    """Where a batch stands: done of total, the rate since it started and the time left."""
    now = timezone.now()
    counts = {
        outcome: getattr(batch, f"{outcome}_count")
        for outcome in ("created", "updated", "unchanged", "rejected", "failed", "cancelled")
    }
    rate = seconds_left = stalled = None
    if batch.started is not None:
        stored = batch.files.filter(finished__gte=batch.started).count()
        elapsed = ((batch.finished or now) - batch.started).total_seconds()
        if stored and elapsed > 0:
            rate = stored / elapsed
            if not batch.finished_work:
                seconds_left = (batch.total_count - batch.done_count) / rate
    if batch.status in ("queued", "running") and batch.progressed is not None:
        quiet = (now - batch.progressed).total_seconds()
        stalled = quiet if quiet > BATCH_STALLED_SECONDS else None
    return BatchProgress(
        status=batch.status,
        status_label=batch.get_status_display(),
        total=batch.total_count,
        done=batch.done_count,
        counts=counts,
        rate=rate,
        seconds_left=seconds_left,
        stalled_seconds=stalled,
    )


def archive_counts() -> dict[str, int]:
    """What the archive holds, stories to editor decisions: printed by `backup` and compared
    by `restore`, so that a restore is seen to have brought back everything."""
    counts = {
        "stories": Article.objects.count(),
        "sources": Source.objects.count(),
        "people": Person.objects.count(),
        "organisations": Organisation.objects.count(),
        "person mentions": PersonMention.objects.count(),
        "organisation mentions": OrganisationMention.objects.count(),
        "quotes": Quote.objects.count(),
    }
    # Editor decisions: reviewed quotes, vouched-for and refused entries, kept merges, and
    # answers to the duplicates queue.
    counts["quotes verified"] = Quote.objects.filter(status=Quote.Status.VERIFIED).count()
    counts["quotes rejected"] = Quote.objects.filter(status=Quote.Status.REJECTED).count()
    for label, model in (("people", Person), ("organisations", Organisation)):
        counts[f"{label} confirmed"] = model.objects.filter(confirmed=True).count()
        counts[f"{label} refused"] = model.objects.filter(not_an_entity=True).count()
        counts[f"{label} merged away"] = model.objects.aggregate(
            merged=Coalesce(
                Sum(Func("former_slugs", function="cardinality", output_field=IntegerField())), 0
            )
        )["merged"]
    for label, model in (("person pairs", PersonPair), ("organisation pairs", OrganisationPair)):
        for decision in (model.Decision.MERGED, model.Decision.DISTINCT):
            counts[f"{label} {decision}"] = model.objects.filter(decision=decision).count()
    counts["import batches"] = ImportBatch.objects.count()
    return counts


# --- About the archive -----------------------------------------------------------------------

QUALITY_FILE = Path(__file__).resolve().parent / "quality.json"
# The About page's counts are a few seconds' work on a large archive: kept this long.
SUMMARY_CACHE_SECONDS = 300
SUMMARY_CACHE_KEY = "archive-summary"


def archive_summary() -> dict:
    """What the archive holds, for the About page: counted at most every few minutes."""
    return cache.get_or_set(SUMMARY_CACHE_KEY, _archive_summary_count, SUMMARY_CACHE_SECONDS)


def _archive_summary_count() -> dict:
    visible = {"not_an_entity": False, "article_count__gt": 0}
    quotes = Quote.objects.exclude(status=Quote.Status.REJECTED).exclude(
        Q(person__not_an_entity=True) | Q(organisation__not_an_entity=True)
    )
    return {
        "stories": Article.objects.count(),
        **Article.objects.aggregate(first=Min("published"), last=Max("published")),
        "sources": Source.objects.filter(
            Exists(Article.objects.filter(source=OuterRef("pk")))
        ).count(),
        "people": Person.objects.filter(**visible).count(),
        "people_confirmed": Person.objects.filter(**visible, confirmed=True).count(),
        "organisations": Organisation.objects.filter(**visible).count(),
        "organisations_confirmed": Organisation.objects.filter(**visible, confirmed=True).count(),
        "quotes": quotes.count(),
        "quotes_verified": quotes.filter(status=Quote.Status.VERIFIED).count(),
    }


@dataclass
class QualityRun:
    measured_on: str
    stories: int | None
    date: str
    command: str
    pairs: list[tuple[str, str]]  # (measure, figure formatted), in the section's order


@dataclass
class QualitySection:
    key: str
    title: str
    how: str | None
    runs: list[QualityRun]


def archive_quality() -> list[QualitySection]:
    """The measured quality of the archive's machine work, as recorded in quality.json (see
    its "about"); a figure not recorded reads "not yet measured"."""
    recorded = json.loads(QUALITY_FILE.read_text(encoding="utf-8"))
    sections = []
    for section in recorded["sections"]:
        measures = section["measures"]
        runs = [
            QualityRun(
                measured_on=run["measured_on"],
                stories=run.get("stories"),
                date=run.get("date") or "",
                command=run.get("command") or "",
                pairs=[
                    (
                        measure["label"],
                        _quality_figure(
                            (run.get("figures") or {}).get(measure["key"]), measure["unit"]
                        ),
                    )
                    for measure in measures
                ],
            )
            for run in section.get("runs") or []
        ]
        sections.append(
            QualitySection(
                key=section["key"],
                title=section["title"],
                how=section.get("how"),
                runs=runs,
            )
        )
    return sections


def _quality_figure(value, unit: str) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "not yet measured"
    if unit == "share":
        return f"{value:.0%}"
    if unit == "change":
        return f"{value:+.3f}"
    return f"{value:.3f}"
