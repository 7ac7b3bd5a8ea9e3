"""Editors' corrections: merges, false entities, names and quotes.

An editor's decision is kept for good: a merged name becomes the target's alias, a false
entity is never created again, a reviewed quote survives re-extraction.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from articles.models import (
    Article,
    EntityPair,
    Organisation,
    OrganisationMention,
    Person,
    PersonMention,
    Quote,
)
from articles.services.ingest import entity_names
from articles.services.resolution import entity_keys, pair_model, spellings_missing


def person_merge(source: Person, target: Person, *, user=None) -> Person:
    """An editor's merge: `source` is `target` (see entity_merge)."""
    return entity_merge(source, target, by_editor=True, user=user)


def organisation_merge(source: Organisation, target: Organisation, *, user=None) -> Organisation:
    return entity_merge(source, target, by_editor=True, user=user)


@transaction.atomic
def entity_merge(source, target, *, by_editor: bool, user=None):
    """Move every mention and quote of `source` to `target`, keep its names, delete it; its
    address redirects to `target`.

    An editor's merge confirms the target and makes the source's name a confirmed alias; the
    machine's merge (articles/services/resolution.py) only records it as a seen spelling.
    """
    if source.pk == target.pk:
        raise ValueError("cannot merge an entity into itself")
    model = type(target)
    mention_model, field_name = _mention_link(target)
    # Lock both rows in one order, so two crossed merges cannot deadlock.
    locked = model.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    by_pk = {entity.pk: entity for entity in locked}
    source, target = by_pk[source.pk], by_pk[target.pk]

    article_ids = _mentions_move(mention_model, field_name, source, target)
    Quote.objects.filter(**{field_name: source}).update(**{field_name: target})
    _pairs_move(source, target, user=user if by_editor else None)

    if by_editor:
        target.aliases = [*target.aliases, *_missing(target, [source.name, *source.aliases])]
        target.confirmed = True
    else:
        target.aliases = [*target.aliases, *_missing(target, source.aliases)]
    target.spellings = [
        *target.spellings,
        *spellings_missing(target, [source.name, *source.spellings]),
    ]
    target.former_slugs = list(
        dict.fromkeys([*target.former_slugs, source.slug, *source.former_slugs])
    )
    target.merged_keys = [
        key
        for key in dict.fromkeys([*target.merged_keys, source.name_key, *source.merged_keys])
        if key and key != target.name_key
    ]
    target.description = target.description or source.description
    target.wikidata_id = target.wikidata_id or source.wikidata_id
    target.article_count = len(article_ids)
    source.delete()
    target.save()
    _entity_names_refresh(article_ids)
    return target


def _missing(entity, names) -> list[str]:
    """Names to add as aliases: not already the name or an alias."""
    have = {entity.name.lower(), *(alias.lower() for alias in entity.aliases)}
    return [name for name in dict.fromkeys(names) if name.lower() not in have]


def _mentions_move(mention_model, field_name: str, source, target) -> set[int]:
    """Source's mentions become target's; returns the ids of every story target is now in."""
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
    return article_ids


def _pairs_move(source, target, *, user) -> None:
    """The pair of these two is answered "merged"; source's other pairs become target's, and
    an editor's earlier answer about a pair wins over an open question."""
    pairs = pair_model(target).objects
    first, second = sorted([source.pk, target.pk])
    pairs.filter(first_id=first, second_id=second).update(
        decision=EntityPair.Decision.MERGED, decided_by=user, decided=timezone.now()
    )
    for pair in pairs.filter(Q(first=source) | Q(second=source)).exclude(
        decision=EntityPair.Decision.MERGED
    ):
        other = pair.second_id if pair.first_id == source.pk else pair.first_id
        if other == target.pk:
            continue
        new_first, new_second = sorted([other, target.pk])
        existing = pairs.filter(first_id=new_first, second_id=new_second).first()
        if existing is None:
            pair.first_id, pair.second_id = new_first, new_second
            pair.save(update_fields=["first", "second"])
        elif existing.decision == EntityPair.Decision.OPEN:
            existing.delete()
            pair.first_id, pair.second_id = new_first, new_second
            pair.save(update_fields=["first", "second"])
        else:
            pair.delete()


@transaction.atomic
def pair_decide(pair: EntityPair, decision: str, *, user) -> None:
    """An editor's answer to a possible duplicate: merge (into the entry with more stories)
    or "not the same", which resolution never undoes."""
    if decision == EntityPair.Decision.MERGED:
        first, second = pair.first, pair.second
        if first is None or second is None:
            raise ValueError("one of the two entries no longer exists")
        source, target = sorted([first, second], key=lambda e: (e.article_count, -e.pk))
        entity_merge(source, target, by_editor=True, user=user)
        return
    pair.decision = decision
    pair.decided_by = user
    pair.decided = timezone.now()
    pair.save(update_fields=["decision", "decided_by", "decided"])


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


def entities_confirm(queryset) -> int:
    """An editor vouches for these entries: their names and aliases become known to every
    later import (services.ingest.known_entities)."""
    return queryset.filter(not_an_entity=False).update(confirmed=True)


@transaction.atomic
def entity_update(entity) -> None:
    """Save an editor's change to a name or aliases, and the search text of its stories. An
    editor who edits an entry has reviewed it: it is confirmed."""
    entity.confirmed = not entity.not_an_entity
    for field_name, key in entity_keys(type(entity), entity.name).items():
        setattr(entity, field_name, key)
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
        [Article(pk=pk, entity_names=entity_names(found)) for pk, found in entities.items()],
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
