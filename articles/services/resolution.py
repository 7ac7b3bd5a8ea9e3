"""Which stored person or organisation a name found in a story is: resolution across stories.

At import, `entities_resolve` turns each name extraction found into a stored entry, by evidence
rather than by trusting earlier guesses:
- a name an editor confirmed (KnownEntities) is that entry;
- a surname alone ("Obama", from "Mr. Obama" or "President Obama") is the stored full-name
  person who holds most of the archive's stories under that surname, when one clearly does and
  the story names nobody else of that surname;
- a name with a middle name or initial ("Adam B. Schiff") is the stored person with the same
  first name and surname and no conflicting middle name;
- anything else is found by its exact name or created.
Every lookup is by an indexed key, so its cost does not grow with the number of people stored.

Over the stored archive, `archive_resolve` (a background job, articles/tasks.py) merges what
import could not yet join (a surname-only entry made before the full name arrived, spelling
variants that clearly name one person) and queues the doubtful pairs for editors. An editor's
"not the same" is never undone.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber, Upper

from articles.ingest.lexicon import (
    GENERIC_ORGANISATION_WORDS,
    NATIONALITIES,
    NOT_NAMES,
    ORGANISATION_HEADS,
    PLACES,
)
from articles.ingest.namekeys import (
    acronym,
    fold,
    is_surname_only,
    middles_agree,
    name_key,
    name_words,
    organisation_key,
    surname,
    without_suffix,
)
from articles.ingest.pipeline import dictionary_words
from articles.ingest.types import Extraction, FoundEntity, KnownEntities
from articles.models import EntityPair, Organisation, OrganisationPair, Person, PersonPair
from articles.services.slugs import unique_slug, unique_slugs

NAME_MAX_CHARS = 200  # Entity.name
# A surname alone joins a full name holding at least this share of the stories of everyone
# stored under that surname, and at least this many stories: "Obama" joins Barack Obama when
# Michelle Obama's stories are few, "Clinton" joins nobody while both Clintons are common.
DOMINANT_SHARE = 0.8
DOMINANT_MIN_STORIES = 2
# How many full names of one surname are weighed; more are only noise.
SURNAME_CANDIDATES = 20
# Spelling variants (Zelensky, Zelenskyy, Zelenskiy): surnames this close by edit distance,
# sounding alike, with the same first name, are one person; less close ones go to editors.
SPELLING_MAX_EDITS = 2
SPELLING_MIN_SURNAME_CHARS = 5
SPELLING_QUEUE_SIMILARITY = 0.55
# Longer names weighed for one acronym or one-word name.
CANDIDATES = 5
# Names this long without a space can be acronyms of a longer name.
ACRONYM_MIN_CHARS = 2
ACRONYM_MAX_CHARS = 6
# A person key ending in a suffix ("joseph biden jr").
SUFFIXED_KEY = r" (jr|sr|ii|iii|iv)$"
# Who an entry appears with is read from this many of its latest stories.
COMPANION_STORIES = 500


@dataclass
class Resolved:
    entity: Person | Organisation
    mentions: int
    first_offset: int
    spellings: set[str] = field(default_factory=set)  # the story's forms of the name


@dataclass
class _Group:
    """The found names of a story that stand for one entry, before it is looked up."""

    name: str
    confirmed: bool
    spellings: set[str] = field(default_factory=set)
    mentions: int = 0
    first_offset: int = 0


# --- At import ----------------------------------------------------------------------------------


def entities_resolve(
    extraction: Extraction, known: KnownEntities
) -> tuple[dict[str, Resolved], dict[str, Resolved]]:
    """The story's people and organisations as stored entries, keyed by every upper-cased
    name extraction used for them (quotes name their speaker by that name). Entries an editor
    marked "not an entity" are dropped."""
    return (
        _resolve(Person, extraction.people, known.people),
        _resolve(Organisation, extraction.organisations, known.organisations),
    )


def _resolve(model, found: list[FoundEntity], known_names: dict[str, str]):
    groups = _groups(found, known_names)
    story_surnames = Counter(surname(group.name) for group in groups.values())
    stored_entries = _StoredEntries(model, groups.values())
    resolved: dict[str, Resolved] = {}
    # One order for every import, so concurrent imports create rows without deadlock.
    for key in sorted(groups):
        group = groups[key]
        stored = None
        if model is Person and not group.confirmed:
            stored = _person_match(group.name, story_surnames, stored_entries)
        elif not group.confirmed:
            stored = _organisation_match(group.name, stored_entries)
        if stored is None:
            stored = stored_entries.get_or_plan(group.name)
        if stored.not_an_entity:
            continue
        entry = Resolved(
            stored, max(group.mentions, 1), max(group.first_offset, 0), group.spellings
        )
        for spelling in {key, *(spelling.upper() for spelling in group.spellings)}:
            resolved[spelling] = entry
    saved = _entities_create(model, stored_entries.planned)
    for entry in resolved.values():
        entry.entity = saved.get(id(entry.entity), entry.entity)
    return resolved


def _groups(found: list[FoundEntity], known_names: dict[str, str]) -> dict[str, _Group]:
    """Found entities grouped by canonical name: a confirmed spelling stands for its entry."""
    groups: dict[str, _Group] = {}
    for entity in found:
        name = entity.name.strip()[:NAME_MAX_CHARS]
        if not name:
            continue
        spellings = {name, *(alias.strip()[:NAME_MAX_CHARS] for alias in entity.aliases)}
        canonical = next(
            (known_names[s.lower()] for s in sorted(spellings) if s.lower() in known_names), None
        )
        group = groups.setdefault(
            (canonical or name).upper(), _Group(canonical or name, canonical is not None)
        )
        if group.mentions == 0 or entity.first_offset < group.first_offset:
            group.first_offset = entity.first_offset
        group.mentions += entity.mentions
        group.spellings.update(spelling for spelling in spellings if spelling)
    return groups


class _StoredEntries:
    """The stored entries one story's names can resolve to, read in two queries (by exact
    name, key or merged key; by surname) rather than several queries per name: a story names
    ten to twenty people and organisations, and each round trip costs more than the lookup.
    Lists are in the order every lookup weighs them: most stories first, then oldest. An
    entry the story creates joins them, so a second form of a new name finds it.
    """

    def __init__(self, model, groups):
        self.model = model
        self.planned: list = []  # new entries, saved together by `_entities_create`
        unconfirmed = [group.name for group in groups if not group.confirmed]
        key_of = name_key if model is Person else organisation_key
        keys = {key_of(name) for name in unconfirmed} - {""}
        families = {
            surname(name) for name in unconfirmed if model is Person and is_surname_only(name)
        }
        names = {group.name.upper() for group in groups}
        wanted = Q(upper_name__in=names)
        if keys:
            by_key = Q(name_key__in=keys) | Q(merged_keys__overlap=list(keys))
            wanted |= Q(by_key, not_an_entity=False)
        found = list(
            model.objects.annotate(upper_name=Upper("name"))
            .filter(wanted)
            .order_by("-article_count", "pk")
        )
        # Names are unique regardless of case (a constraint): one entry per upper-cased name.
        self.by_name = {entity.upper_name: entity for entity in found if entity.upper_name in names}
        live = [entity for entity in found if not entity.not_an_entity]
        self.by_key = _grouped(
            (entity for entity in live if entity.name_key in keys),
            lambda entity: [entity.name_key],
        )
        self.by_merged_key = _grouped(live, lambda entity: set(entity.merged_keys) & keys)
        # A common surname has hundreds of full names: only the first few of each are weighed.
        ranked = Window(
            RowNumber(), partition_by=F("surname"), order_by=[F("article_count").desc(), "pk"]
        )
        self.by_surname = _grouped(
            model.objects.filter(not_an_entity=False, surname__in=families)
            .exclude(name_key="")
            .annotate(rank=ranked)
            .filter(rank__lte=SURNAME_CANDIDATES)
            .order_by("-article_count", "pk")
            if families
            else [],
            lambda entity: [entity.surname],
        )

    def get_or_plan(self, name: str):
        """The entry of exactly this name, or a new one (unsaved until `_entities_create`)."""
        stored = self.by_name.get(name.upper())
        if stored is None:
            stored = self.model(name=name, **entity_keys(self.model, name))
            self.planned.append(stored)
            self.by_name[name.upper()] = stored
            if stored.name_key and not stored.not_an_entity:
                self.by_key.setdefault(stored.name_key, []).append(stored)
                if self.model is Person:
                    self.by_surname.setdefault(stored.surname, []).append(stored)
        return stored


def _grouped(entities, keys_of) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for entity in entities:
        for key in keys_of(entity):
            grouped.setdefault(key, []).append(entity)
    return grouped


def _person_match(name: str, story_surnames: Counter, stored: _StoredEntries) -> Person | None:
    """The stored person a name found in a story stands for, or None for a new entry."""
    exact = stored.by_name.get(name.upper())
    if is_surname_only(name):
        family = surname(name)
        # Another person of this surname in the story makes the lone surname ambiguous.
        if story_surnames[family] > 1 or family in PLACES or family in NATIONALITIES:
            return exact
        dominant = _dominant(stored.by_surname.get(family, [])[:SURNAME_CANDIDATES])
        if dominant is not None and not (exact and pair_is_distinct(exact, dominant)):
            return dominant
        return exact
    if exact is not None:
        return exact
    key = name_key(name)
    if not key:
        return None
    candidates = stored.by_key.get(key, [])[:SURNAME_CANDIDATES]
    return next(iter(compatible_namesakes(name, candidates)), None) or next(
        iter(stored.by_merged_key.get(key, [])), None
    )


def compatible_namesakes(name: str, candidates: list[Person]) -> list[Person]:
    """The candidates (one first name and surname) that `name` can be. A name without a
    middle name fits anyone, but when the candidates disagree among themselves ("George W.
    Bush", "George H.W. Bush") it fits none of them, and a name with a middle name never
    joins a middle-less entry that could be another of them: neither says which man."""
    fitting = [candidate for candidate in candidates if middles_agree(name, candidate.name)]
    middles = {tuple(name_words(candidate.name)[1:-1]) for candidate in candidates} - {()}
    if len(middles) > 1:
        own = tuple(name_words(name)[1:-1])
        fitting = [
            candidate
            for candidate in fitting
            if own and tuple(name_words(candidate.name)[1:-1]) not in {()}
        ]
    return fitting


def _organisation_match(name: str, stored: _StoredEntries) -> Organisation | None:
    """The stored organisation a found name is: by exact name, else by its key ("F.B.I.",
    "The FBI" and "FBI" are one), else the entry an entry of that key was merged into ("U.S.
    Treasury" into "Treasury"), so each later story naming it does not make the split again."""
    exact = stored.by_name.get(name.upper())
    key = organisation_key(name)
    if exact is not None or not key:
        return exact
    return next(iter(stored.by_key.get(key, []) or stored.by_merged_key.get(key, [])), None)


def surname_dominant(family: str) -> Person | None:
    """The full-name person who holds most stories under this surname, if one clearly does."""
    return _dominant(
        list(
            Person.objects.filter(surname=family, not_an_entity=False)
            .exclude(name_key="")
            .order_by("-article_count", "pk")[:SURNAME_CANDIDATES]
        )
    )


def _dominant(candidates: list[Person]) -> Person | None:
    """Of full-name people of one surname, most stories first, the one who clearly holds
    them. A "Jr." of the same name counts with him, not against him: it may be the same man."""
    if not candidates:
        return None
    top = candidates[0]
    total = sum(candidate.article_count for candidate in candidates)
    held = sum(
        candidate.article_count
        for candidate in candidates
        if candidate.name_key == top.name_key or without_suffix(candidate.name) == top.name_key
    )
    if top.article_count >= DOMINANT_MIN_STORIES and held >= DOMINANT_SHARE * total:
        return top
    return None


def _entities_create(model, planned: list) -> dict[int, Person | Organisation]:
    """Save a story's new entries in one insert, in the order names were sorted (the order
    every import creates rows in); returns the saved entry for each planned one, by id().

    When a concurrent import created one of the names first (or took a slug), the insert
    fails as a whole and each entry is created, or found, on its own."""
    if not planned:
        return {}
    slugs = unique_slugs(model, [entity.name for entity in planned], model._meta.model_name)
    for entity, slug in zip(planned, slugs, strict=True):
        entity.slug = slug
    try:
        with transaction.atomic():
            model.objects.bulk_create(planned)
        return {id(entity): entity for entity in planned}
    except IntegrityError:
        return {id(entity): _entity_create(model, entity.name) for entity in planned}


def _entity_create(model, name: str):
    """A new entry of this name, or the one a concurrent import created first."""
    for _attempt in range(5):
        fields = {"name": name, "slug": unique_slug(model, name, model._meta.model_name)}
        fields.update(entity_keys(model, name))
        try:
            # The unique Upper(name) constraint settles concurrent creations of one name; a
            # slug taken meanwhile fails the same way and the next attempt picks another.
            with transaction.atomic():
                return model.objects.create(**fields)
        except IntegrityError:
            stored = model.objects.filter(name__iexact=name).first()
            if stored is not None:
                return stored
    raise IntegrityError(f"could not store the {model._meta.verbose_name} {name!r}")


def entity_keys(model, name: str) -> dict[str, str]:
    """The indexed keys an entry of this name is looked up by."""
    if model is Person:
        return {"surname": surname(name), "name_key": name_key(name)}
    return {"name_key": organisation_key(name), "acronym": acronym(name)}


def spellings_missing(entity, spellings) -> list[str]:
    """Spellings the entry does not know yet under its name, aliases or seen spellings."""
    have = {fold(known) for known in [entity.name, *entity.aliases, *entity.spellings]}
    if isinstance(entity, Person):
        # "Mitt" for Mitt Romney names nobody in particular: not worth keeping as a spelling.
        have.add(name_words(entity.name)[0] if name_words(entity.name) else "")
    missing = []
    for spelling in sorted(set(spellings)):
        if spelling and fold(spelling) not in have:
            have.add(fold(spelling))
            missing.append(spelling)
    return missing


# --- Editors' answers ---------------------------------------------------------------------------


def pair_model(entity) -> type[EntityPair]:
    return PersonPair if isinstance(entity, Person) else OrganisationPair


def pair_is_distinct(entity, other) -> bool:
    """Whether an editor said these two are not the same."""
    if entity.pk is None or other.pk is None:
        return False  # an entry this story is about to create has no pairs yet
    first, second = sorted([entity.pk, other.pk])
    return (
        pair_model(entity)
        .objects.filter(first_id=first, second_id=second, decision=EntityPair.Decision.DISTINCT)
        .exists()
    )


def pair_propose(entity, other, reason: str, score: float, evidence: dict) -> bool:
    """Queue two entries for an editor, unless they are queued already or an editor answered
    for them; True if the pair is new. Its evidence is gathered once, when it is queued."""
    first, second = sorted([entity, other], key=lambda item: item.pk)
    pairs = pair_model(entity).objects
    if pairs.filter(first=first, second=second).exists():
        return False
    evidence = {**evidence, **_pair_evidence(first, second)}
    try:
        with transaction.atomic():
            pairs.create(
                first=first, second=second, reason=reason, score=round(score, 3), evidence=evidence
            )
    except IntegrityError:  # queued by a concurrent run
        return False
    return True


def _pair_evidence(first, second) -> dict:
    """What an editor weighs: stories in common and the people each appears with most."""
    return {
        "names": [first.name, second.name],
        "stories": [first.article_count, second.article_count],
        "shared_stories": _shared_stories(first, second),
        "companions": [_companions(first), _companions(second)],
    }


def _shared_stories(first, second) -> int:
    mention_field = "person" if isinstance(first, Person) else "organisation"
    mentions = first.mentions.model.objects
    first_stories = mentions.filter(**{mention_field: first}).values("article_id")
    return mentions.filter(**{mention_field: second}, article_id__in=first_stories).count()


def _companions(entity, limit: int = 5) -> list[str]:
    """The people named most often beside an entry in its latest stories."""
    mention_field = "person" if isinstance(entity, Person) else "organisation"
    stories = (
        entity.mentions.model.objects.filter(**{mention_field: entity})
        .order_by("-article_id")
        .values("article_id")[:COMPANION_STORIES]
    )
    people = Person.objects.filter(mentions__article_id__in=stories)
    if isinstance(entity, Person):
        people = people.exclude(pk=entity.pk)
    rows = people.values("name").annotate(shared=Count("mentions")).order_by("-shared", "name")
    return [row["name"] for row in rows[:limit]]


# --- Over the stored archive --------------------------------------------------------------------


@dataclass
class ResolveReport:
    merged: list[tuple[str, str]] = field(default_factory=list)
    proposed: int = 0


def archive_resolve() -> ResolveReport:
    """Join what import could not: surname-only entries whose full name arrived later,
    repeated first-and-surname keys, clear spelling variants; queue the doubtful pairs."""
    from articles.services.corrections import entity_merge  # corrections imports this module

    report = ResolveReport()
    _suffix_pairs(report)
    merges = [
        *_surname_merges(report),
        *_key_merges(Person),
        *_spelling_merges(report),
        *_key_merges(Organisation),
        *_acronym_merges(report),
        *_contained_merges(report),
    ]
    for source, target in merges:
        # An earlier merge of this run may have taken either side already.
        source, target = _current(source), _current(target)
        if source is None or target is None:
            continue
        if source.pk == target.pk or pair_is_distinct(source, target):
            continue
        report.merged.append((source.name, target.name))
        entity_merge(source, target, by_editor=False)
    return report


def _surname_merges(report: ResolveReport):
    """Surname-only people with a dominant full name; the others with candidates are queued."""
    lonely = Person.objects.filter(name_key="", confirmed=False, not_an_entity=False).exclude(
        surname=""
    )
    for person in lonely.iterator():
        if person.surname in PLACES or person.surname in NATIONALITIES:
            continue
        dominant = surname_dominant(person.surname)
        if dominant is not None:
            yield person, dominant
            continue
        candidates = Person.objects.filter(surname=person.surname, not_an_entity=False)
        for candidate in candidates.order_by("-article_count", "pk")[:3]:
            if candidate.pk != person.pk and candidate.name_key:
                evidence = {"surname": person.surname}
                report.proposed += pair_propose(person, candidate, "surname", 0.5, evidence)


def _current(entity):
    return type(entity).objects.filter(pk=entity.pk).first()


def _key_merges(model):
    """Entries sharing a key (people: first name and surname with agreeing middle names;
    organisations: the name without case, dots or "the"): the smaller joins the larger. Such
    pairs were stored before resolution existed, or by two imports at one moment."""
    keys = (
        model.objects.exclude(name_key="")
        .filter(not_an_entity=False)
        .values("name_key")
        .annotate(entries=Count("id"))
        .filter(entries__gt=1)
        .values_list("name_key", flat=True)
    )
    for key in list(keys):
        entries = list(
            model.objects.filter(name_key=key, not_an_entity=False).order_by(
                "-confirmed", "-article_count", "pk"
            )
        )
        target = entries[0]
        for entry in entries[1:]:
            if entry.confirmed:
                continue
            if model is not Person or target in compatible_namesakes(entry.name, entries):
                yield entry, target


def _acronym_merges(report: ResolveReport):
    """An acronym ("NATO") and the one long name it abbreviates that appears in the same
    stories merge; an acronym that fits several names, or shares no story, goes to editors."""
    short_names = Organisation.objects.filter(not_an_entity=False).exclude(name_key__contains=" ")
    for short in short_names.iterator():
        if not ACRONYM_MIN_CHARS <= len(short.name_key) <= ACRONYM_MAX_CHARS:
            continue
        longs = list(
            Organisation.objects.filter(acronym=short.name_key, not_an_entity=False)
            .exclude(pk=short.pk)
            .order_by("-article_count", "pk")[:CANDIDATES]
        )
        yield from _dominant_candidate_or_ask(short, longs, "acronym", 0.5, report)


def _suffix_pairs(report: ResolveReport) -> None:
    """ "Joseph R. Biden Jr." and "Joseph R. Biden" may be one man or father and son: asked."""
    suffixed = Person.objects.filter(not_an_entity=False, name_key__regex=SUFFIXED_KEY)
    for person in suffixed.iterator():
        others = Person.objects.filter(name_key=without_suffix(person.name), not_an_entity=False)
        for other in others.order_by("-article_count", "pk")[:3]:
            report.proposed += pair_propose(person, other, "suffix", 0.5, {})


def _contained_merges(report: ResolveReport):
    """An organisation and a longer name that holds it: the same name with a country or place
    before it ("Senate", "U.S. Senate"), or with a word that only says what kind of body it is
    after it ("Fox", "Fox News"; "Treasury", "Treasury Department"), or any longer name a
    one-word name that is no dictionary word begins ("Bain", "Bain Capital"). They merge on
    evidence (see _dominant_candidate_or_ask); doubtful candidates go to editors.

    The candidates are found from the keys alone, in memory (a key each, a few megabytes for
    a million stories): one query, not one per organisation."""
    keys = dict(
        Organisation.objects.filter(not_an_entity=False)
        .exclude(name_key="")
        .values_list("id", "name_key")
    )
    ids_by_key: dict[str, list[int]] = {}
    for entry_id, key in keys.items():
        ids_by_key.setdefault(key, []).append(entry_id)
    longs_of: dict[int, set[int]] = {}
    for long_id, key in keys.items():
        for short_key in _shorter_forms(key):
            for short_id in ids_by_key.get(short_key, ()):
                longs_of.setdefault(short_id, set()).add(long_id)
    entries = Organisation.objects.in_bulk(
        {*longs_of, *(long_id for longs in longs_of.values() for long_id in longs)}
    )
    for short_id in sorted(longs_of):
        longs = sorted(
            (entries[long_id] for long_id in longs_of[short_id] if long_id != short_id),
            key=lambda entry: (-entry.article_count, entry.pk),
        )[:CANDIDATES]
        yield from _dominant_candidate_or_ask(entries[short_id], longs, "contained", 0.4, report)


# Words before a name that say where a body is ("U.S.", "Texas", "British"): the organisation
# keys of places and nationalities.
_QUALIFIERS = frozenset(organisation_key(word) for word in PLACES | NATIONALITIES)
_QUALIFIER_MAX_WORDS = max(len(qualifier.split()) for qualifier in _QUALIFIERS)


def _shorter_forms(key: str) -> list[str]:
    """The keys of the shorter names this organisation key may be written as: without a
    leading place, without a trailing word for its kind, or (for a first word that is no
    dictionary word) its first word alone. A word like "House", "PAC" or "Texas" is part of
    too many names to stand for one, so it is never a shorter form."""
    words = key.split()
    if len(words) < 2:
        return []
    forms = [
        " ".join(words[size:])
        for size in range(1, min(_QUALIFIER_MAX_WORDS, len(words) - 1) + 1)
        if " ".join(words[:size]) in _QUALIFIERS
    ]
    if words[-1] in ORGANISATION_HEADS:
        forms.append(" ".join(words[:-1]))
    nouns, adjectives = dictionary_words()
    if words[0] not in nouns and words[0] not in adjectives:
        forms.append(words[0])
    return [
        form
        for form in forms
        if form not in NOT_NAMES
        and form not in GENERIC_ORGANISATION_WORDS
        and form not in _QUALIFIERS
    ]


def _dominant_candidate_or_ask(short, longs: list, reason: str, score: float, report):
    """The candidate stories wrote as `short` (the one holding DOMINANT_SHARE of the stories
    of all so written), or else the one named in the same stories as `short` far more often
    than any other (DOMINANT_SHARE of those stories, at least DOMINANT_MIN_STORIES), merges
    with it, into the one with more stories (a tie keeps the longer name); the others go to
    editors. A short name that already took in a longer one it stands for ("Supreme Court",
    holding "U.S. Supreme Court") takes in no other ("Montana Supreme Court"): only asked."""
    shared = {long.pk: _shared_stories(short, long) for long in longs}
    best = max(longs, key=lambda long: shared[long.pk], default=None)
    evident = best is not None and (
        shared[best.pk] >= DOMINANT_MIN_STORIES
        and shared[best.pk] >= DOMINANT_SHARE * sum(shared.values())
    )
    # A story that wrote the long name as the short one ("United Nations", then "UN") is the
    # strongest evidence there is: extraction already joined them once.
    written = [
        long
        for long in longs
        if short.name_key in {organisation_key(form) for form in [*long.spellings, *long.aliases]}
    ]
    if written:
        best = max(written, key=lambda long: (long.article_count, -long.pk))
        evident = best.article_count >= DOMINANT_SHARE * sum(w.article_count for w in written)
    if any(_stands_for(short.name_key, key) for key in short.merged_keys):
        evident = False
    for long in longs:
        if long is best and evident:
            smaller, larger = sorted([short, long], key=lambda e: (e.article_count, len(e.name)))
            if not smaller.confirmed:
                yield smaller, larger
                continue
        if shared[long.pk] or long in written:
            report.proposed += pair_propose(short, long, reason, score, {"short_name": short.name})


def _stands_for(short_key: str, key: str) -> bool:
    """Whether a name of this short key may be written for the organisation of that key."""
    return short_key in _shorter_forms(key) or short_key == acronym(key)


def _spelling_merges(report: ResolveReport):
    """Near-identical spellings: merged when the first names are equal, the surnames sound
    alike and differ by a letter or two; otherwise queued when similar enough.

    Only people in one block are compared: the same initial and a surname that sounds alike
    (Zelensky, Zalensky) or begins alike (Rossi, Rossini). Comparing every name with every
    other through the trigram index took 42 s for 3,500 people and grows with the square of
    the archive; the blocks are found by sorting, and only their pairs are scored."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH people AS MATERIALIZED (
                SELECT id, lower(name) AS folded, surname,
                       left(lower(name), 1) || dmetaphone(surname) AS sound,
                       left(lower(name), 1) || left(surname, 3) AS stem
                FROM articles_person
                WHERE NOT not_an_entity AND surname <> ''
            ), candidates AS MATERIALIZED (
                SELECT a.id AS first_id, b.id AS second_id
                FROM people a JOIN people b
                  ON a.sound = b.sound AND a.id < b.id AND a.surname <> b.surname
                UNION
                SELECT a.id, b.id
                FROM people a JOIN people b
                  ON a.stem = b.stem AND a.id < b.id AND a.surname <> b.surname
            ), scored AS MATERIALIZED (
                SELECT a.id AS first_id, b.id AS second_id,
                       similarity(a.folded, b.folded) AS similarity,
                       levenshtein(a.surname, b.surname) AS edits,
                       dmetaphone(a.surname) = dmetaphone(b.surname) AS sound_alike
                FROM candidates
                JOIN people a ON a.id = candidates.first_id
                JOIN people b ON b.id = candidates.second_id
            )
            SELECT first_id, second_id, similarity, edits, sound_alike
            FROM scored WHERE similarity >= %s
            """,
            [SPELLING_QUEUE_SIMILARITY],
        )
        rows = cursor.fetchall()
    people = Person.objects.in_bulk({pk for row in rows for pk in row[:2]})
    for first_id, second_id, similarity, edits, sound_alike in rows:
        first, second = people[first_id], people[second_id]
        if _spelling_variants(first, second, edits, sound_alike):
            larger, smaller = sorted([first, second], key=lambda p: (-p.article_count, p.pk))
            if not smaller.confirmed:
                yield smaller, larger
                continue
        evidence = {"similarity": round(similarity, 3)}
        report.proposed += pair_propose(first, second, "spelling", similarity, evidence)


def _spelling_variants(first: Person, second: Person, edits: int, sound_alike: bool) -> bool:
    first_words, second_words = name_words(first.name), name_words(second.name)
    same_first_name = (
        len(first_words) == len(second_words) and first_words[:-1] == second_words[:-1]
    )
    return (
        same_first_name
        and sound_alike
        and edits <= SPELLING_MAX_EDITS
        and min(len(first.surname), len(second.surname)) >= SPELLING_MIN_SURNAME_CHARS
    )
