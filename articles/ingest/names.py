"""People and organisations: model mentions cleaned, merged into one entry per actor.

The small spaCy model finds nearly every name but labels surnames as places, keeps stripped
possessives ("NATOs") as new names and calls cities organisations. A document-level pass fixes
most of that: a surname of a full person name is that person everywhere in the story, a
possessive is the name it belongs to, and places never become actors.
"""

import re
from dataclasses import dataclass, field

from .lexicon import NATIONALITIES, NOT_NAMES, PLACES, TITLES
from .types import KnownEntities

PERSON = "person"
ORGANISATION = "organisation"

_ORG_STOP_WORDS = {"of", "for", "and", "the", "in", "on", "&", "to"}
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_EDGE_PUNCT = " \t,.;:!?\"'“”‘’()[]{}-–—"


@dataclass
class Mention:
    paragraph: int
    start: int  # character offsets within the paragraph
    end: int
    text: str  # cleaned surface form
    label: str  # the model's label, or "KNOWN_PERSON" / "KNOWN_ORG"
    canonical: str | None = None  # from KnownEntities
    before_noun: bool = False  # a lower-case noun follows: "Supreme Courts ruling"


@dataclass
class Actor:
    kind: str  # PERSON or ORGANISATION
    forms: dict[str, int] = field(default_factory=dict)  # surface form -> count
    mentions: list[Mention] = field(default_factory=list)
    canonical: str = ""
    known: bool = False
    titles: set[str] = field(default_factory=set)  # words of the roles the story gives them
    gender: str | None = None

    @property
    def aliases(self) -> list[str]:
        return sorted(f for f in self.forms if f != self.canonical)


def clean_name(text: str) -> str:
    """Strip determiners, possessive endings and edge punctuation from a surface form."""
    text = text.strip(_EDGE_PUNCT)
    text = re.sub(r"(?:'s|’s|'|’)$", "", text)
    text = re.sub(r"^(?:the|The|THE)\s+", "", text)
    return " ".join(text.split()).strip(_EDGE_PUNCT)


def strip_titles(name: str) -> str:
    """'U.S. Secretary of State Antony Blinken' -> 'Antony Blinken' (for person names)."""
    tokens = name.split()
    while len(tokens) > 1 and (tokens[0].lower() in TITLES or tokens[0].lower() == "of"):
        tokens = tokens[1:]
    return " ".join(tokens)


def is_place(name: str) -> bool:
    lowered = name.lower()
    return lowered in PLACES or lowered in NATIONALITIES or lowered.removeprefix("the ") in PLACES


def initials(name: str) -> str:
    words = [w for w in name.split() if w.lower() not in _ORG_STOP_WORDS]
    return "".join(w[0] for w in words if w[0].isalpha())


def _surname(tokens: list[str]) -> str:
    while len(tokens) > 1 and tokens[-1].lower().strip(",") in _NAME_SUFFIXES:
        tokens = tokens[:-1]
    return tokens[-1]


def _looks_like_name(text: str) -> bool:
    if not text or not text[0].isupper() or any(ch.isdigit() for ch in text):
        return False
    if text.lower() in NOT_NAMES:
        return False
    return len(text) > 1


def _same_person(a: str, b: str) -> bool:
    """Two full names with the same surname: compatible first names mean one person."""
    ta, tb = a.split(), b.split()
    fa, fb = ta[0].rstrip(".").lower(), tb[0].rstrip(".").lower()
    if fa == fb:
        return True
    if len(fa) == 1 or len(fb) == 1:  # an initial
        return fa[0] == fb[0]
    return fa.startswith(fb) or fb.startswith(fa)


_PLURAL_NAME_ENDINGS = set(
    """nations states affairs services sciences islands times news forces rights relations
    resources industries securities communications systems holdings partners brothers
    airlines motors sachs airways works labs networks technologies studies veterans
    democrats republicans americans games olympics paralympics""".split()
)


def resolve_possessive(
    text: str, forms: set[str], before_noun: bool = False, person: bool = False
) -> str:
    """'NATOs' -> 'NATO' when the apostrophe was stripped; forms holds lower-cased names."""
    if len(text) > 3 and text.endswith("s") and not text.endswith(("ss", "'s", "’s")):
        stem = text[:-1]
        if re.fullmatch(r"[A-Z][A-Z.]+", stem):  # "NATOs", "FBIs"
            return stem
        lowered = stem.lower()
        last = lowered.split()[-1]
        if lowered in forms or lowered in PLACES:
            return stem
        if person and " " in lowered and last in forms:  # "Hillary Clintons", "Clinton" seen
            return stem
        if before_noun and len(last) > 2 and text.split()[-1].lower() not in _PLURAL_NAME_ENDINGS:
            return stem
    return text


def build_actors(mentions: list[Mention], known: KnownEntities) -> list[Actor]:
    """Group cleaned mentions into people and organisations."""
    blocked = {b.lower() for b in known.blocked}
    all_forms = {m.text.lower() for m in mentions}
    all_forms |= {m.text.split()[-1].lower() for m in mentions if m.text}
    for m in mentions:
        m.text = resolve_possessive(
            m.text, all_forms, m.before_noun and m.label == "ORG", m.label == "PERSON"
        )

    people: list[Actor] = []
    orgs: list[Actor] = []
    by_canonical: dict[tuple[str, str], Actor] = {}

    def known_actor(kind: str, canonical: str) -> Actor:
        key = (kind, canonical.lower())
        if key not in by_canonical:
            actor = Actor(kind=kind, canonical=canonical, known=True)
            by_canonical[key] = actor
            (people if kind == PERSON else orgs).append(actor)
        return by_canonical[key]

    def add(actor: Actor, m: Mention, form: str) -> None:
        actor.mentions.append(m)
        actor.forms[form] = actor.forms.get(form, 0) + 1

    pending: list[Mention] = []
    for m in mentions:
        lowered = m.text.lower()
        if not m.text or lowered in blocked:
            continue
        canonical = m.canonical or known.people.get(lowered) or known.organisations.get(lowered)
        if canonical and canonical.lower() not in blocked:
            is_person = m.label == "KNOWN_PERSON" or (
                m.label != "KNOWN_ORG" and lowered in known.people
            )
            kind = PERSON if is_person else ORGANISATION
            add(known_actor(kind, canonical), m, m.text)
        else:
            pending.append(m)

    # People: full names first, grouped by surname with compatible first names.
    full: list[tuple[Mention, str]] = []
    for m in pending:
        if m.label != "PERSON":
            continue
        name = strip_titles(m.text)
        if len(name.split()) >= 2 and _looks_like_name(name) and not is_place(name):
            full.append((m, name))
    surname_index: dict[str, list[Actor]] = {}
    for actor in people:  # curated people are reachable by surname too
        for form in [actor.canonical, *actor.forms]:
            if len(form.split()) >= 2:
                surname_index.setdefault(_surname(form.split()).lower(), []).append(actor)
    placed: set[int] = set()
    for m, name in full:
        key = _surname(name.split()).lower()
        for actor in surname_index.get(key, []):
            if any(_same_person(name, f) for f in [actor.canonical, *actor.forms] if " " in f):
                break
        else:
            actor = Actor(kind=PERSON)
            people.append(actor)
            surname_index.setdefault(key, []).append(actor)
        add(actor, m, name)
        placed.add(id(m))

    def person_for(text: str) -> Actor | None:
        """A one-word form that is the surname (or first name) of exactly one person."""
        candidates = surname_index.get(text.lower(), [])
        if len({id(a) for a in candidates}) == 1:
            return candidates[0]
        if len(candidates) > 1:  # two people share the surname: the more frequent
            return max(candidates, key=lambda a: len(a.mentions))
        firsts = [a for a in people if any(f.split()[0] == text for f in a.forms if " " in f)]
        return firsts[0] if len(firsts) == 1 else None

    # One-word forms with any label: a known surname is that person.
    single_people: dict[str, Actor] = {}
    rest: list[Mention] = []
    for m in pending:
        if id(m) in placed:
            continue
        name = strip_titles(m.text) if m.label == "PERSON" else m.text
        actor = person_for(name) if " " not in name else None
        if actor is None and m.label in ("ORG", "GPE", "NORP") and " " in name:
            actor = None
        if actor is not None:
            add(actor, m, name)
        elif m.label == "PERSON" and _looks_like_name(name) and not is_place(name):
            key = name.lower()
            if key not in single_people:
                single_people[key] = Actor(kind=PERSON)
                people.append(single_people[key])
            add(single_people[key], m, name)
        else:
            rest.append(m)
    # Late pass: one-word people that are really a surname the model also tagged elsewhere.
    for m in rest:
        if m.label in ("GPE", "ORG", "NORP", "LOC", "FAC") and m.text.lower() in single_people:
            if not is_place(m.text):
                add(single_people[m.text.lower()], m, m.text)
                placed.add(id(m))

    # Organisations.
    org_mentions = [
        m for m in rest
        if id(m) not in placed and m.label == "ORG" and _looks_like_name(m.text)
        and not is_place(m.text) and not _is_place_phrase(m.text)
    ]
    person_forms = {f.lower() for a in people for f in a.forms}
    person_forms |= {f.split()[-1].lower() for a in people for f in a.forms}
    org_mentions = [
        m for m in org_mentions
        if m.text.lower() not in person_forms and org_plausible(m.text, person_forms)
    ]
    for m in org_mentions:
        _add_org(orgs, m, add)
    _merge_orgs(orgs)

    for actor in people + orgs:
        if not actor.known:
            actor.canonical = _pick_canonical(actor)
    result = [
        a for a in people + orgs
        if a.mentions and a.canonical.lower() not in blocked
    ]
    return result


_NOT_ORG_ENDINGS = {
    "act", "bill", "amendment", "law", "peninsula", "region", "river", "sea", "island",
    "mountains", "valley", "street", "avenue", "square", "airport", "day", "war", "crisis",
    "agreement", "accord", "accords", "deal", "plan", "program", "programme", "summit",
}


def org_plausible(text: str, person_forms: set[str]) -> bool:
    """Drop what the model calls an organisation but is a law, a place, an event or a
    combination of names ('Trump-Zelenskiy', 'Ex-Soviet')."""
    tokens = text.split()
    first = tokens[0]
    if len(tokens) > 1 and first.endswith("s") and is_place(first[:-1]):
        tokens = tokens[1:]  # "Ukraines Crimean Peninsula"
        text = " ".join(tokens)
    if tokens[-1].lower() in _NOT_ORG_ENDINGS:
        return False
    if re.match(r"(?i)(ex|pro|anti|non|post|pre)-", text):
        return False
    parts = [p for p in re.split(r"[-/–]", text) if p]
    if len(parts) > 1 and all(p[:1].isupper() for p in parts):
        if any(is_place(p) or p.lower() in person_forms for p in parts):
            return False
    while len(tokens) > 1 and tokens[0].lower() in PLACES:
        tokens = tokens[1:]
    if len(tokens) == 1 and tokens[0].lower() in NOT_NAMES:
        return False  # "U.S. Department": a name cut short
    return True


def _is_place_phrase(text: str) -> bool:
    """'Ukraine-EU', 'Russia and Ukraine': places joined, not an organisation."""
    parts = re.split(r"\s+and\s+|-|/", text)
    return len(parts) > 1 and all(is_place(p.strip()) for p in parts if p.strip())


def _add_org(orgs: list[Actor], m: Mention, add) -> None:
    lowered = m.text.lower()
    for actor in orgs:
        if any(f.lower() == lowered for f in actor.forms):
            add(actor, m, m.text)
            return
    actor = Actor(kind=ORGANISATION)
    orgs.append(actor)
    add(actor, m, m.text)


def _merge_orgs(orgs: list[Actor]) -> None:
    """Merge an acronym into its spelled-out name, and 'State Department' into
    'U.S. State Department' when the extra words are only a place or nationality."""
    changed = True
    while changed:
        changed = False
        for a in orgs:
            for b in orgs:
                if a is b or not a.mentions or not b.mentions:
                    continue
                if _org_same(a, b, orgs):
                    b.mentions.extend(a.mentions)
                    for form, count in a.forms.items():
                        b.forms[form] = b.forms.get(form, 0) + count
                    a.mentions = []
                    a.forms = {}
                    changed = True
    orgs[:] = [a for a in orgs if a.mentions]


def _org_same(a: Actor, b: Actor, orgs: list[Actor]) -> bool:
    for fa in a.forms:
        for fb in b.forms:
            if re.fullmatch(r"[A-Z][A-Z.&]{1,}", fa.replace(".", "")) and " " in fb:
                if fa.replace(".", "") == initials(fb).upper() and len(fa.replace(".", "")) > 1:
                    return True
            ta, tb = fa.split(), fb.split()
            if len(ta) < len(tb) and [t.lower() for t in tb[-len(ta):]] == [t.lower() for t in ta]:
                prefix = " ".join(tb[: len(tb) - len(ta)])
                if is_place(prefix) or prefix.lower() in {"u.s.", "us", "the", "american"}:
                    # Only when the shorter form could belong to no other organisation.
                    rivals = [
                        o for o in orgs
                        if o is not b and o is not a and any(
                            f.lower().endswith(fa.lower()) and f != fa for f in o.forms
                        )
                    ]
                    if not rivals:
                        return True
    return False


def _pick_canonical(actor: Actor) -> str:
    forms = list(actor.forms)
    if actor.kind == PERSON:
        multi = [f for f in forms if len(f.split()) >= 2]
        if multi:
            # The fullest form the story uses; frequency breaks ties.
            return max(multi, key=lambda f: (len(f.split()), actor.forms[f], len(f)))
        return max(forms, key=lambda f: (actor.forms[f], len(f)))
    spelled = [f for f in forms if not re.fullmatch(r"[A-Z][A-Z.&]+", f)]
    pool = spelled or forms
    return max(pool, key=lambda f: (len(f.split()), actor.forms[f], len(f)))
