"""Organisations: which names the model calls one really are (not a law, a place, an event or a
faith), and merging the spellings of one organisation ("F.B.I.", "FBI", "Federal Bureau of
Investigation")."""

import re
from functools import lru_cache
from itertools import permutations

from .actors import ORGANISATION, Actor, Mention
from .letters import INNER_CAPITAL
from .lexicon import GENERIC_ORGANISATION_WORDS, NOT_NAMES, PLACES, PROGRAMMES_AND_LAWS
from .namekeys import organisation_key
from .pipeline import dictionary_words
from .places import is_place

NOT_ORG_ENDINGS = {
    "act", "bill", "amendment", "law", "peninsula", "region", "river", "sea", "island",
    "mountains", "valley", "street", "avenue", "square", "airport", "day", "war", "crisis",
    "agreement", "accord", "accords", "deal", "plan", "program", "programme", "summit",
    # Events and gatherings, parts of government, buildings and sites: not institutions.
    "conference", "convention", "festival", "rally", "branch", "hill", "tower", "towers",
    "building", "plaza", "bridge", "stadium", "arena", "park",
}
# Storms and rooms: "Hurricane Sandy", "the Oval Office".
_NOT_ORG_STARTS = {"hurricane", "storm", "typhoon", "cyclone", "tropical", "oval"}
_FAITHS = {
    "mormon", "mormons", "catholic", "catholics", "muslim", "muslims", "jewish", "christian",
    "christians", "evangelical", "evangelicals", "protestant", "protestants", "hindu",
    "buddhist", "sikh",
}
# Heads of a programme or policy ("Social Security"): not an organisation when every word
# before them is an ordinary dictionary word; a name before them ("Vallkor Security") is a firm.
_PARTY_WORDS = {"republican", "democratic", "democrat", "gop", "conservative", "liberal", "labour"}
_PROGRAMME_HEADS = {"security", "insurance", "care", "benefits", "reform", "welfare"}


def org_plausible(text: str, person_forms: set[str]) -> bool:
    """Drop what the model calls an organisation but is a law, a place, an event or a
    combination of names ('Trump-Zelenskiy', 'Ex-Soviet')."""
    if is_programme_or_law(text) or text.lower() in GENERIC_ORGANISATION_WORDS:
        return False
    if _run_together_org(text, person_forms):
        return False
    text = _without_owning_place(text)
    tokens = text.split()
    return not (
        _event_place_or_room(tokens) or _faith(tokens)
        or _PREFIXED_ADJECTIVE.match(text)
        or _joined_names(text, person_forms) or _programme_name(tokens)
        or _people_described(text, tokens) or _name_cut_short(tokens)
    )


def _without_owning_place(text: str) -> str:
    """"Ukraines Crimean Peninsula" -> "Crimean Peninsula": a place's stripped possessive."""
    first, *rest = text.split()
    if rest and first.endswith("s") and is_place(first[:-1]):
        return " ".join(rest)
    return text


def _event_place_or_room(tokens: list[str]) -> bool:
    """"Minsk Agreement", "Jordan Valley", "Hurricane Sandy", "Oval Office"."""
    return tokens[-1].lower() in NOT_ORG_ENDINGS or tokens[0].lower() in _NOT_ORG_STARTS


def _faith(tokens: list[str]) -> bool:
    """"a Mormon", "Catholic voters": a faith, like a nationality."""
    return len(tokens) == 1 and tokens[0].lower() in _FAITHS


# "Ex-Soviet", "Pro-Kremlin", "Anti-Trump": an adjective.
_PREFIXED_ADJECTIVE = re.compile(r"(?i)(ex|pro|anti|non|post|pre)-")


def _joined_names(text: str, person_forms: set[str]) -> bool:
    """"Trump-Zelenskiy", "Russia-Ukraine": capitalised names joined by a dash or a slash, one
    of them a place or a person of the story."""
    parts = [p for p in re.split(r"[-/–]", text) if p]
    return (
        len(parts) > 1 and all(p[:1].isupper() for p in parts)
        and any(is_place(p) or p.lower() in person_forms for p in parts)
    )


def _programme_name(tokens: list[str]) -> bool:
    """"Social Security", "Long-term Care": ordinary words before a programme's head."""
    nouns, adjectives = dictionary_words()
    lowered = [t.lower() for t in tokens]
    return len(tokens) > 1 and lowered[-1] in _PROGRAMME_HEADS and all(
        w in nouns or w in adjectives for w in lowered[:-1]
    )


# "Friends", "Founders": a shorter plural word may be an acronym or a name ("Ads", "ICEs").
_SHORTEST_DESCRIBING_PLURAL = 4


def _people_described(text: str, tokens: list[str]) -> bool:
    """"the Founders", "Friends": a plural ordinary noun describes people, it names no
    institution (a Latin "-us" and a "-ss" are no plural)."""
    if len(tokens) != 1:
        return False
    word = tokens[0].lower()
    return (
        len(text) >= _SHORTEST_DESCRIBING_PLURAL and text.endswith("s") and not text.isupper()
        and not text.endswith(("ss", "us"))
        and word[:-1] in dictionary_words()[0] and word not in INSTITUTIONS
    )


def _name_cut_short(tokens: list[str]) -> bool:
    """"U.S. Department", "Republican House": places and a party before one ordinary word
    are a name cut short."""
    while len(tokens) > 1 and tokens[0].lower() in PLACES:
        tokens = tokens[1:]
    if len(tokens) == 2 and tokens[0].lower() in _PARTY_WORDS and tokens[1].lower() != "party":
        tokens = tokens[1:]
    return len(tokens) == 1 and tokens[0].lower() in NOT_NAMES


# "Obamacare", "Trumpcare", "Medicare": a programme named after a person or a purpose.
_CARE_PROGRAMME = re.compile(r"[A-Z][a-z]+(?:[Cc]are|Cal)|Medi-Cal")
# "Roe v. Wade", "Citizens United v. FEC": a court case.
_COURT_CASE = re.compile(r"\S \bv(?:s)?\.? [A-Z]")


def is_programme_or_law(text: str) -> bool:
    """Laws, programmes and court cases (Medicare, Obamacare, NAFTA, Roe v. Wade): a reader
    filtering by organisation never means them, and the model often calls them one."""
    lowered = text.lower()
    if lowered in PROGRAMMES_AND_LAWS or _COURT_CASE.search(text):
        return True
    return bool(_CARE_PROGRAMME.fullmatch(text)) and not lowered.endswith("healthcare")


def _run_together_org(text: str, person_forms: set[str]) -> bool:
    """Brand names keep inner capitals ("HuffPost", "BuzzFeed News"), so for an organisation
    a run-together word is only a lost separator when one of its halves is a person the
    story names or a leading "The" ("CottonNew York Times", "TrumpDem", "TheTrump")."""
    for word in text.split():
        for match in INNER_CAPITAL.finditer(word):
            left, right = word[: match.start() + 1], word[match.start() + 1 :]
            if left == "The" or {left.lower(), right.lower()} & person_forms:
                return True
    return False


COMPANY_WORDS = set(
    """pharma energy motors bank group holdings airlines sportswear construction inc inc.
    corp corp. ltd ltd. llc plc fc media news capital partners systems technologies foods
    oil gas steel mining airways telecom industries association union league institute
    university college hospital agency authority federation party council committee
    ministry department commission court foundation company co co. network press times
    post journal tribunal cooperative club""".split()
)
# Institutions the model sometimes calls a place.
INSTITUTIONS = {
    "kremlin", "white house", "pentagon", "vatican", "downing street", "congress", "parliament",
    "senate", "house", "nato", "un", "eu",
}


def bare_institution(text: str, legislature: bool) -> bool:
    """'the Navy', 'the Army' capitalised are a country's service; 'the House' is the chamber
    when the story also speaks of the Senate or Congress."""
    return text in ("Navy", "Army") or (text == "House" and legislature)


def group_organisations(
    mentions: list[Mention], organisations: list[Actor], story_places: set[str]
) -> None:
    """Organisation mentions grouped by their key ("F.B.I." is "FBI") into `organisations`,
    then "House" into "House of Representatives" and acronyms into their spelled-out names."""
    for mention in mentions:
        _add_org(organisations, mention)
    _chamber_into_full_name(organisations)
    _merge_orgs(organisations, story_places)


def _chamber_into_full_name(orgs: list[Actor]) -> None:
    """'House' joins 'House of Representatives' when the story spells the chamber out."""
    full = [a for a in orgs if any(f.lower() == "house of representatives" for f in a.forms)]
    if len(full) == 1:
        for actor in orgs:
            if set(actor.forms) == {"House"}:
                full[0].absorb(actor)
        orgs[:] = [a for a in orgs if a.mentions]


# A story compares each organisation's forms with every later mention: key each form once.
_organisation_key = lru_cache(maxsize=4096)(organisation_key)


def _add_org(orgs: list[Actor], mention: Mention) -> None:
    """The organisation one of whose forms has the mention's key ("F.B.I." is "FBI"), or a
    new one."""
    key = _organisation_key(mention.text)
    for actor in orgs:
        if any(_organisation_key(f) == key for f in actor.forms):
            actor.add(mention, mention.text)
            return
    actor = Actor(kind=ORGANISATION)
    orgs.append(actor)
    actor.add(mention, mention.text)


def _merge_orgs(orgs: list[Actor], places: set[str]) -> None:
    """Merge an acronym into its spelled-out name, and 'State Department' into
    'U.S. State Department' when the extra words are only a place or nationality."""
    changed = True
    while changed:
        changed = False
        for merged, kept in permutations(orgs, 2):
            if merged.mentions and kept.mentions and _org_same(merged, kept, orgs, places):
                kept.absorb(merged)
                changed = True
    orgs[:] = [a for a in orgs if a.mentions]


def _org_same(merged: Actor, kept: Actor, orgs: list[Actor], places: set[str]) -> bool:
    """Whether `merged` is `kept` under a shorter name: an acronym of one of its names, or
    one of its names without a place before it that no other organisation could also own."""
    return any(
        _acronym_of(short, full) or (
            _place_qualified(short, full, places) and not _other_owner(short, merged, kept, orgs)
        )
        for short in merged.forms for full in kept.forms
    )


_ORG_STOP_WORDS = {"of", "for", "and", "the", "in", "on", "&", "to"}


def initials(name: str) -> str:
    """"Federal Bureau of Investigation" -> "FBI": first letters, small words left out."""
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ORG_STOP_WORDS]
    return "".join(w[0] for w in words if w[0].isalpha())


# "FBI", "F.B.I.", "AT&T": capitals, full stops and ampersands only.
ACRONYM_FORM = re.compile(r"[A-Z][A-Z.&]+")


def _acronym_of(short: str, full: str) -> bool:
    """"FBI" or "F.B.I." of "Federal Bureau of Investigation"."""
    letters = short.replace(".", "")
    return (
        bool(ACRONYM_FORM.fullmatch(letters)) and " " in full
        and letters == initials(full).upper()
    )


def _place_qualified(short: str, full: str, places: set[str]) -> bool:
    """"State Department" of "U.S. State Department" (or of "The State Department"): the
    longer name is the shorter one with a place before it."""
    short_words, full_words = short.split(), full.split()
    if len(short_words) >= len(full_words):
        return False
    if [w.lower() for w in full_words[-len(short_words) :]] != [w.lower() for w in short_words]:
        return False
    prefix = " ".join(full_words[: len(full_words) - len(short_words)])
    return is_place(prefix) or prefix.lower() in places or prefix.lower() == "the"


def _other_owner(short: str, merged: Actor, kept: Actor, orgs: list[Actor]) -> bool:
    """Whether an organisation besides `merged` and `kept` has a longer name ending in
    `short`."""
    ending = short.lower()
    return any(
        any(f.lower().endswith(ending) and f != short for f in other.forms)
        for other in orgs if other is not kept and other is not merged
    )
