"""People and organisations: model mentions cleaned, merged into one entry per actor.

The small spaCy model finds nearly every name but labels surnames as places, keeps stripped
possessives ("NATOs") as new names and calls cities organisations. A document-level pass fixes
most of that: a surname of a full person name is that person everywhere in the story, a
possessive is the name it belongs to, and places never become actors.

`build_actors` runs that pass as a sequence of named steps. What a step asks of one name lives
beside it: `actors` (Mention, Actor, clean_name), `nameparts` (lists and possessives),
`people`, `organisations`, `places` and `letters`.
"""

import re
from dataclasses import dataclass, field

from .actors import KNOWN_ORG, KNOWN_PERSON, ORGANISATION, PERSON, Actor, Mention
from .lexicon import PLACES
from .nameparts import (
    PLURAL_NAME_ENDINGS,
    forms_and_last_words,
    named_parts,
    resolve_possessive,
)
from .organisations import (
    ACRONYM_FORM,
    COMPANY_WORDS,
    INSTITUTIONS,
    bare_institution,
    group_organisations,
    org_plausible,
)
from .people import (
    drop_stray_words,
    first_surname_of,
    lone_first_name,
    looks_like_name,
    person_name,
    person_shaped,
    same_person,
    strip_titles,
    surname,
    without_home_place,
)
from .places import is_place, is_place_phrase, nationality_forms
from .types import KnownEntities


def _known_form(text: str, known: KnownEntities) -> str:
    """The spelling a curated or built-in name was found under, without a possessive whose
    apostrophe was stripped: "Washington Posts" is "Washington Post", no spelling of its own."""
    stem = text[:-1].lower()
    if text.endswith("s") and (stem in known.organisations or stem in known.people):
        return text[:-1]
    return text


def build_actors(
    mentions: list[Mention],
    known: KnownEntities,
    words: set[str] = frozenset(),
    place_contexts: set[str] = frozenset(),
    named_places: set[str] = frozenset(),
) -> list[Actor]:
    """Group cleaned mentions into people and organisations: names made whole, their labels
    corrected, then curated names, full person names, one-word people and organisations in
    turn, each pass taking the mentions it can place and passing on the rest."""
    mentions = named_parts(mentions)
    blocked = {b.lower() for b in known.blocked}
    story_forms = forms_and_last_words(mentions)
    resolve_possessives(mentions, story_forms)
    story_places = _story_places(mentions, known, words, place_contexts, named_places)
    owner_forms = story_places | _person_surnames(mentions) | story_forms
    for mention in mentions:
        _strip_leading_possessive(mention, owner_forms, words)
        relabel_mention(mention, story_places, words)

    cast = Cast()
    pending = group_known_names(mentions, known, blocked, cast)
    pending = group_full_names(pending, cast)
    pending = group_one_word_people(pending, cast)
    pending = join_surnames_labelled_otherwise(pending, cast)
    people = [a for a in drop_stray_words(cast.people) if not lone_first_name(a)]
    group_organisations(
        organisation_mentions(pending, people, words), cast.organisations, story_places
    )
    return name_actors(people + cast.organisations, blocked)


def _person_surnames(mentions: list[Mention]) -> set[str]:
    """Last words of the full names the model calls people: "Averin" may own "Averins Party"."""
    return {m.text.split()[-1].lower() for m in mentions if m.label == "PERSON" and " " in m.text}


def resolve_possessives(mentions: list[Mention], story_forms: set[str]) -> None:
    """"NATOs", "Obamas plan": the story's text lost the apostrophe of a possessive, so a
    name with a stripped "'s" is the name it belongs to (see `resolve_possessive`). A form
    that also stands alone in the story ("joined Rovers from") is a real plural."""
    standalone = {m.text.lower() for m in mentions if not m.before_noun}
    standalone |= {m.text.split()[-1].lower() for m in mentions if not m.before_noun and m.text}
    for mention in mentions:
        # "Obamas plan", "Donald Trumps aides": a person's or an organisation's possessive
        owns_next_noun = (
            mention.before_noun and mention.label in ("ORG", "PERSON")
            and mention.text.lower() not in standalone
            and mention.text.split()[-1].lower() not in standalone
        )
        mention.text = resolve_possessive(
            mention.text, story_forms, owns_next_noun, mention.label == "PERSON"
        )


# "Port Ardent", "Lake Orlen": a place prefix and at most this many words in all is a place.
_MAX_PREFIXED_PLACE_WORDS = 2


def relabel_mention(mention: Mention, story_places: set[str], words: set[str]) -> None:
    """Correct the model's label where the name's shape or the story says otherwise: a
    nationality or a prefixed place it called an organisation, a company it called a person,
    a person it called an organisation or a place, a place of this story it called a name."""
    if mention.label == "ORG" and " " not in mention.text and _is_nationality(mention, words):
        mention.label = "NORP"  # "Norvaskan frigates": an adjective of nationality
    words_of_name = mention.text.split()
    if (
        mention.label == "ORG" and words_of_name[0] in _PLACE_PREFIXES
        and len(words_of_name) <= _MAX_PREFIXED_PLACE_WORDS
        and words_of_name[-1].lower() not in COMPANY_WORDS  # "Port Authority", "Cape Times"
    ):
        mention.label = "GPE"  # "Port Ardent"
    if mention.label == "PERSON" and mention.text.split()[-1].lower() in COMPANY_WORDS:
        mention.label = "ORG"  # "Pellar Pharma"
    elif mention.label in ("ORG", "GPE") and person_shaped(mention.text):
        mention.label = "PERSON"  # "Carly Fiorina"
    if mention.label in ("ORG", "PERSON") and _is_story_place(mention.text, story_places):
        mention.label = "GPE"


@dataclass(slots=True)
class Cast:
    """The actors of one story as the passes of `build_actors` find them."""

    people: list[Actor] = field(default_factory=list)
    organisations: list[Actor] = field(default_factory=list)
    curated: dict[tuple[str, str], Actor] = field(default_factory=dict)  # (kind, lower name)
    by_surname: dict[str, list[Actor]] = field(default_factory=dict)  # lower surname -> people
    one_word_people: dict[str, Actor] = field(default_factory=dict)  # lower name -> person

    def curated_actor(self, kind: str, canonical: str) -> Actor:
        """The one actor of a curated canonical name, made at its first mention."""
        key = (kind, canonical.lower())
        if key not in self.curated:
            actor = Actor(kind=kind, canonical=canonical, known=True)
            self.curated[key] = actor
            (self.people if kind == PERSON else self.organisations).append(actor)
        return self.curated[key]

    def index_surname(self, actor: Actor, name: str) -> None:
        """Make `actor` findable by the surname of `name`."""
        self.by_surname.setdefault(surname(name.split()).lower(), []).append(actor)

    def one_word_person(self, name: str) -> Actor:
        """The person named by one word ("Kowalczyk" with no full name), made at first use."""
        key = name.lower()
        if key not in self.one_word_people:
            self.one_word_people[key] = Actor(kind=PERSON)
            self.people.append(self.one_word_people[key])
        return self.one_word_people[key]


def group_known_names(
    mentions: list[Mention], known: KnownEntities, blocked: set[str], cast: Cast
) -> list[Mention]:
    """Names editors curated join their canonical actor, whatever the model called them; a
    blocked name is dropped. Returns the mentions curation does not place."""
    pending: list[Mention] = []
    for mention in mentions:
        lowered = mention.text.lower()
        if not mention.text or lowered in blocked:
            continue
        canonical = (
            mention.canonical or known.people.get(lowered) or known.organisations.get(lowered)
        )
        if canonical and canonical.lower() not in blocked:
            is_person = mention.label == KNOWN_PERSON or (
                mention.label != KNOWN_ORG and lowered in known.people
            )
            kind = PERSON if is_person else ORGANISATION
            cast.curated_actor(kind, canonical).add(mention, _known_form(mention.text, known))
        else:
            pending.append(mention)
    return pending


def group_full_names(mentions: list[Mention], cast: Cast) -> list[Mention]:
    """Full person names ("Sen. Ana Ruiz", "A. Ruiz") grouped by surname, one person for
    compatible first names (`same_person`), curated people included. Full names go first so
    a lone surname later has someone to join. Returns the mentions that are no full name."""
    for actor in cast.people:  # curated people are reachable by surname too
        for form in [actor.canonical, *actor.forms]:
            if len(form.split()) >= 2:
                cast.index_surname(actor, form)
    rest: list[Mention] = []
    for mention in mentions:
        name = _full_person_name(mention)
        if name is None:
            rest.append(mention)
            continue
        namesakes = cast.by_surname.get(surname(name.split()).lower(), [])
        actor = next((a for a in namesakes if _same_person_as(name, a)), None)
        if actor is None:
            actor = Actor(kind=PERSON)
            cast.people.append(actor)
            cast.index_surname(actor, name)
        actor.add(mention, name)
    return rest


def _full_person_name(mention: Mention) -> str | None:
    """The name of a person mention of two words or more, without titles or home place."""
    if mention.label != "PERSON":
        return None
    name = without_home_place(strip_titles(mention.text))
    if len(name.split()) >= 2 and person_name(name) and not is_place(name):
        return name
    return None


def _same_person_as(name: str, actor: Actor) -> bool:
    """Whether a full name is the same person as one of the actor's full names."""
    return any(same_person(name, f) for f in [actor.canonical, *actor.forms] if " " in f)


def group_one_word_people(mentions: list[Mention], cast: Cast) -> list[Mention]:
    """A one-word form with any label that is a person's surname or first name joins that
    person; a one-word person the story gives no full name becomes one. Returns the rest."""
    rest: list[Mention] = []
    for mention in mentions:
        name = strip_titles(mention.text) if mention.label == "PERSON" else mention.text
        actor = _person_for_word(name, cast) if " " not in name else None
        if actor is None and mention.label == "PERSON" and person_name(name) and not is_place(name):
            actor = cast.one_word_person(name)
        if actor is None:
            rest.append(mention)
        else:
            actor.add(mention, name)
    return rest


def _person_for_word(word: str, cast: Cast) -> Actor | None:
    """The person a one-word form names: the surname (or first name) of exactly one person,
    or of the most mentioned of several."""
    candidates = cast.by_surname.get(word.lower(), [])
    if len({id(a) for a in candidates}) == 1:
        return candidates[0]
    if len(candidates) > 1:  # two people share the surname: the more frequent
        return max(candidates, key=lambda a: len(a.mentions))
    firsts = [a for a in cast.people if any(f.split()[0] == word for f in a.forms if " " in f)]
    if len(firsts) == 1:
        return firsts[0]
    return first_surname_of(word, cast.people)


_NON_PERSON_LABELS = ("GPE", "ORG", "NORP", "LOC", "FAC")


def join_surnames_labelled_otherwise(mentions: list[Mention], cast: Cast) -> list[Mention]:
    """A one-word person the model also labels a place or an organisation elsewhere ("Jones
    said", "the Jones report") is that person, unless the word is a place. Returns the rest."""
    rest: list[Mention] = []
    for mention in mentions:
        person = cast.one_word_people.get(mention.text.lower())
        if (
            person is not None and mention.label in _NON_PERSON_LABELS
            and not is_place(mention.text)
        ):
            person.add(mention, mention.text)
        else:
            rest.append(mention)
    return rest


def organisation_mentions(
    mentions: list[Mention], people: list[Actor], words: set[str]
) -> list[Mention]:
    """The mentions labelled organisations that name one: not a place, not a person of the
    story, not a law or an event (`org_plausible`); the bare "Navy" or "House" is kept."""
    legislature = bool(words & {"senate", "congress", "representatives", "congressional"})
    person_forms = {f.lower() for a in people for f in a.forms}
    person_forms |= {f.split()[-1].lower() for a in people for f in a.forms}
    return [
        m for m in mentions
        if m.label == "ORG" and _names_organisation(m.text, person_forms, legislature)
    ]


def _names_organisation(text: str, person_forms: set[str], legislature: bool) -> bool:
    """Whether a name the model calls an organisation is one (see `organisation_mentions`)."""
    bare = bare_institution(text, legislature)
    return (
        (looks_like_name(text) or bare)
        and not is_place(text) and not is_place_phrase(text)
        and text.lower() not in person_forms
        and (bare or org_plausible(text, person_forms))
    )


def name_actors(actors: list[Actor], blocked: set[str]) -> list[Actor]:
    """Each actor the story's fullest name for it, dropping actors left without mentions
    and those whose name an editor blocked."""
    for actor in actors:
        if not actor.known:
            actor.canonical = _pick_canonical(actor)
    return [a for a in actors if a.mentions and a.canonical.lower() not in blocked]


_PLACE_PREFIXES = {"Port", "Fort", "Mount", "Lake", "Cape", "Saint", "San", "Santa", "St."}


# "Ian" is no people of an "Ia": a shorter base than this is no country's name.
_SHORTEST_NATION_BASE = 3


def _is_nationality(mention: Mention, words: set[str]) -> bool:
    """'Norvaskan' when the story also says 'Norvaska' or 'Norvaskas'."""
    text = mention.text
    if text.isupper() or not re.search(r"(an|ian|n|ese|ish)$", text):
        return False
    lowered = text.lower()
    bases = {lowered[:-1], lowered[:-2], lowered[:-3], lowered[:-2] + "a", lowered[:-3] + "a",
             lowered[:-2] + "e", lowered[:-3] + "e", lowered[:-3] + "y"}
    bases = {b for b in bases if len(b) >= _SHORTEST_NATION_BASE and b != lowered}
    if any(b in words or b + "s" in words for b in bases):
        return True
    return mention.before_noun and bool(re.search(r"(an|ian|ese|ish)$", text))


@dataclass(slots=True)
class LabelVotes:
    """How often the model labels one form of a story a place, and a name (an organisation or
    a person), of which a person."""

    place: int = 0
    named: int = 0
    person: int = 0
    capitals: bool = False  # every mention in capitals: an acronym ("NATO"), no place


def label_votes(mentions: list[Mention]) -> dict[str, LabelVotes]:
    """The model's labels for each lower-cased form of the story, counted."""
    votes: dict[str, LabelVotes] = {}
    for mention in mentions:
        capitals = mention.text.isupper()
        vote = votes.setdefault(mention.text.lower(), LabelVotes(capitals=capitals))
        vote.capitals = vote.capitals and capitals
        if mention.label in ("GPE", "LOC"):
            vote.place += 1
        elif mention.label in ("ORG", "PERSON"):
            vote.named += 1
            vote.person += mention.label == "PERSON"
    return votes


def _institution_or_curated(form: str, known: KnownEntities) -> bool:
    """"Kremlin", or a name editors curated: never taken for a place of the story."""
    return form in INSTITUTIONS or form in known.organisations or form in known.people


# A place head the model also calls a name more often than this is no place: "Saltmarsh".
_MAX_NAMED_VOTES_OF_A_PLACE_HEAD = 1
# A word shorter than this ("Ira", "Wes") is too ambiguous to read as a country, or as an
# owner whose possessive lost its apostrophe.
_SHORTEST_NAME_STEM = 4


@dataclass(frozen=True, slots=True)
class PlaceClues:
    """What a story says of its places besides the model's labels: its words, the first words
    of its multi-word places ("Saltmarsh" of "the Saltmarsh Strait"), the words it uses where
    a place goes ("in Caldera") and the places its dateline or text names outright."""

    words: set[str]
    place_heads: set[str]
    place_contexts: set[str]
    named_places: set[str]

    def say_place(self, form: str, vote: LabelVotes) -> bool:
        """"Caldera" with "Calderan" in the same story, "Saltmarsh" in "the Saltmarsh Strait",
        a named place, or a form the story puts where a place goes: a country and its people,
        a place and its features."""
        return bool(
            (
                len(form) >= _SHORTEST_NAME_STEM
                and nationality_forms(form) - {form + "s"} & self.words
            )
            or (form in self.place_heads and vote.named <= _MAX_NAMED_VOTES_OF_A_PLACE_HEAD)
            or form in self.named_places
            or (
                form in self.place_contexts and not vote.capitals and form not in COMPANY_WORDS
                # "an affront to Obama", with Obama a person six times
                and not vote.person > max(1, vote.place)
            )
        )


# Every story's places include the lexicon's: their nationality forms are worked out once.
_LEXICON_NATIONALITY_FORMS = frozenset().union(
    *(nationality_forms(place) for place in PLACES if " " not in place)
)


def _story_places(
    mentions: list[Mention],
    known: KnownEntities,
    words: set[str],
    place_contexts: set[str],
    named_places: set[str] = frozenset(),
) -> set[str]:
    """Forms the model mostly calls a place in this story, or the story's clues say are
    places, and their nationality forms ('Norvaska' -> 'Norvaskan'), so invented or rare
    countries are places too."""
    votes = label_votes(mentions)
    places = {
        form for form, vote in votes.items()
        if vote.place > vote.named and not _institution_or_curated(form, known)
    }
    place_heads = {
        m.text.split()[0].lower() for m in mentions if m.label in ("LOC", "GPE", "FAC")
        and " " in m.text
    }
    clues = PlaceClues(words, place_heads, place_contexts, named_places)
    places |= {
        form for form, vote in votes.items()
        if " " not in form and not _institution_or_curated(form, known)
        and clues.say_place(form, vote)
    }
    derived = _LEXICON_NATIONALITY_FORMS.union(
        *(nationality_forms(form) for form in places - PLACES if " " not in form)
    )
    return places | PLACES | derived


def _is_story_place(text: str, places: set[str]) -> bool:
    """One of the story's places (`_story_places`), "the" or no "the"; never an institution."""
    lowered = text.lower()
    if lowered in INSTITUTIONS:
        return False
    return lowered in places or lowered.removeprefix("the ") in places


_NATIONAL_INSTITUTION_STARTS = {
    "ministry", "department", "supreme", "foreign", "defense", "defence", "interior",
    "national", "central", "federal", "constitutional", "parliament", "army", "navy",
    "security", "justice", "finance", "health", "state",
}


def _strip_leading_possessive(mention: Mention, forms: set[str], words: set[str]) -> None:
    """'Calderas Ministry of Water' -> 'Ministry of Water'; 'Averins Party' -> 'Party'."""
    tokens = mention.text.split()
    if len(tokens) < 2 or not tokens[0].endswith("s") or tokens[0].endswith("ss"):
        return
    stem = tokens[0][:-1].lower()
    if (
        stem in forms or stem in PLACES or _owner_before_company(tokens, stem, words)
        or _national_institution(tokens, stem)
    ):
        rest = " ".join(tokens[1:])
        # the surface and the cleaned text end together
        mention.start += len(mention.text) - len(rest)
        mention.text = rest


def _owner_before_company(tokens: list[str], stem: str, words: set[str]) -> bool:
    """"Vellmars Pellar Pharma": a word of the story (or a country whose people it names)
    with a stripped possessive (`stem` is the word without it), before a capitalised name
    holding a company word."""
    owner = tokens[0].lower()
    return (
        len(stem) >= _SHORTEST_NAME_STEM
        and (stem in words or bool(nationality_forms(stem) - {stem + "s"} & words))
        and owner not in PLURAL_NAME_ENDINGS
        and tokens[1][:1].isupper()
        and any(t.lower() in COMPANY_WORDS for t in tokens[1:])
        and owner not in COMPANY_WORDS
    )


def _national_institution(tokens: list[str], stem: str) -> bool:
    """"Britains Supreme Court", "Chinas Foreign Ministry": a country's institution."""
    return tokens[1].lower() in _NATIONAL_INSTITUTION_STARTS and len(stem) >= _SHORTEST_NAME_STEM


def _pick_canonical(actor: Actor) -> str:
    """The fullest spelling the story uses (a person's name of most words, an organisation's
    spelled out rather than its acronym), frequency and then length breaking ties."""
    forms = list(actor.forms)
    if actor.kind == PERSON:
        multi = [f for f in forms if len(f.split()) >= 2]
        if multi:
            # The fullest form the story uses; frequency breaks ties.
            return max(multi, key=lambda f: (len(f.split()), actor.forms[f], len(f)))
        return max(forms, key=lambda f: (actor.forms[f], len(f)))
    spelled = [f for f in forms if not ACRONYM_FORM.fullmatch(f)]
    pool = spelled or forms
    return max(pool, key=lambda f: (len(f.split()), actor.forms[f], len(f)))
