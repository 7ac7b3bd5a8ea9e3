"""People and organisations: model mentions cleaned, merged into one entry per actor.

The small spaCy model finds nearly every name but labels surnames as places, keeps stripped
possessives ("NATOs") as new names and calls cities organisations. A document-level pass fixes
most of that: a surname of a full person name is that person everywhere in the story, a
possessive is the name it belongs to, and places never become actors.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import permutations

from .lexicon import (
    FEMALE_NAMES,
    FIRST_NAMES,
    GENERIC_ORGANISATION_WORDS,
    LOST_APOSTROPHE_CONTRACTIONS,
    MALE_NAMES,
    NATIONALITIES,
    NOT_NAMES,
    PAGE_FURNITURE_WORDS,
    PLACES,
    PROGRAMMES_AND_LAWS,
    SURNAME_FIRST_NAMES,
    TITLES,
)
from .namekeys import is_given_name, middles_agree, organisation_key, suffix
from .pipeline import dictionary_words
from .types import KnownEntities

PERSON = "person"
ORGANISATION = "organisation"

_ORG_STOP_WORDS = {"of", "for", "and", "the", "in", "on", "&", "to"}
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_EDGE_PUNCT = " \t,.;:!?\"'“”‘’()[]{}-–—"


def _letters(case) -> str:
    """A regular-expression class body of the letters of one case. Python's re has no class
    for "an upper-case letter": this spells one out for the alphabets a name in Latin, Greek or
    Cyrillic letters uses, Latin Extended and Vietnamese's letters included."""
    return "".join(re.escape(chr(code)) for code in range(0x2000) if case(chr(code)))


# Use as "[{UPPER}]" and "[{LOWER}]" where "[A-Z]" and "[a-z]" would miss "Ł" and "ñ".
UPPER = _letters(str.isupper)
LOWER = _letters(str.islower)


@dataclass
class Mention:
    paragraph: int
    start: int  # character offsets within the paragraph
    end: int
    text: str  # cleaned surface form
    label: str  # the model's label, or "KNOWN_PERSON" / "KNOWN_ORG"
    canonical: str | None = None  # from KnownEntities
    before_noun: bool = False  # a lower-case noun follows: "Supreme Courts ruling"
    opens_sentence: bool = False  # the first word of its sentence


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

    def add(self, mention: Mention, form: str) -> None:
        """One more mention of this actor, under the spelling `form`."""
        self.mentions.append(mention)
        self.forms[form] = self.forms.get(form, 0) + 1

    def absorb(self, other: "Actor") -> None:
        """Take over every mention and spelling of `other`, which is left empty."""
        self.mentions.extend(other.mentions)
        for form, count in other.forms.items():
            self.forms[form] = self.forms.get(form, 0) + count
        other.mentions = []
        other.forms = {}


# "F.B.I.", "U.N.", "N.A.T.O.": capitals each followed by a full stop, the last stop included.
DOTTED_ACRONYM = re.compile(r"(?:[^\W\d_]\.){2,}")
_ENDS_DOTTED = re.compile(r"(?:^|\s)(?:[^\W\d_]\.){2,}[\s,;:)]*$")


def clean_name(text: str) -> str:
    """Strip determiners, possessive endings and edge punctuation from a surface form. The
    full stop of "Jr." and of a dotted acronym ("the U.N.") is part of the name."""
    keeps_stop = re.search(r" (Jr|Sr)\.[\s,;:)]*$", text) or _ENDS_DOTTED.search(text)
    text = text.strip(_EDGE_PUNCT)
    text = re.sub(r"(?:'s|’s|'|’)$", "", text)
    text = re.sub(r"^(?:the|The|THE)\s+", "", text)
    text = " ".join(text.split()).strip(_EDGE_PUNCT)
    return text + "." if keeps_stop and not text.endswith(".") else text


def is_dotted_acronym(text: str) -> bool:
    """"F.B.I.", "N.A.T.O." (capitals, each with its full stop), not "U.S." or "N.Y.": an
    organisation's initials, which the model often calls a place."""
    return bool(DOTTED_ACRONYM.fullmatch(text)) and text.isupper() and not is_place(text)


def strip_titles(name: str) -> str:
    """'U.S. Secretary of State Antony Blinken' -> 'Antony Blinken', 'N.Y. Gov. Jane Roe' ->
    'Jane Roe' (for person names): titles, and a place's dotted abbreviation, go."""
    tokens = name.split()
    while len(tokens) > 1 and (
        tokens[0].lower() in TITLES or tokens[0].lower() == "of"
        or ("." in tokens[0] and is_place(tokens[0]))
    ):
        tokens = tokens[1:]
    return " ".join(tokens)


# "Eastern Ukraine", "northern Mali": a part of a place is a place.
_COMPASS_WORDS = ("eastern ", "western ", "northern ", "southern ", "central ")
# "the Sea of Azov", "the Gulf of Aden", "the Aral Sea": waters are places.
_WATERS = re.compile(r"(?:sea|gulf|strait|straits|bay) of \S.*|\S.* (?:sea|ocean)")


def is_place(name: str) -> bool:
    lowered = name.lower()
    for compass in _COMPASS_WORDS:
        lowered = lowered.removeprefix(compass)
    # "U.S" and "D.C": a place whose final full stop was cleaned off with the edge punctuation
    return (
        lowered in PLACES or lowered in NATIONALITIES or lowered.removeprefix("the ") in PLACES
        or ("." in lowered and lowered + "." in PLACES)
        or bool(_WATERS.fullmatch(lowered.removeprefix("the ")))
    )


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in _ORG_STOP_WORDS]
    return "".join(w[0] for w in words if w[0].isalpha())


def _surname(tokens: list[str]) -> str:
    while len(tokens) > 1 and tokens[-1].lower().strip(",") in _NAME_SUFFIXES:
        tokens = tokens[:-1]
    return tokens[-1]


def _looks_like_name(text: str) -> bool:
    if not text or not text[0].isupper() or any(ch.isdigit() for ch in text):
        return False
    if text.lower() in NOT_NAMES or is_page_furniture(text) or is_lost_contraction(text):
        return False
    if is_programme_or_law(text):
        return False  # "Brexit", "Medicare": never a person, never an organisation
    return len(text) > 1


def is_page_furniture(text: str) -> bool:
    """A name made only of a web page's furniture ("Replay More Videos", "WATCHED", "Story
    highlights", "Hide Caption", "Getty Images"): what scraping left of a video player, a
    gallery or a caption, not anyone or anything the story is about."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    return bool(words) and all(word in PAGE_FURNITURE_WORDS for word in words)


def is_lost_contraction(text: str) -> bool:
    """"Ill", "Youll", "Theyre": "I'll", "you'll", "they're" whose apostrophe the archive's
    text lost. At a sentence's start they look like a capitalised name. "ID" in capitals is
    an abbreviation, not a contraction."""
    return not text.isupper() and text.lower() in LOST_APOSTROPHE_CONTRACTIONS


# Capitals inside a surname after these prefixes are the name's own: McConnell, MacArthur,
# DeSantis, LaHood, DiNapoli, VanDerWerff, FitzGerald ("OBrien" has no lower-case letter
# before its capital, so it needs no prefix here).
_SURNAME_PREFIXES = r"(?:Mc|Mac|Fitz|Del|Della|De|Der|Di|Da|Du|La|Le|Lo|Van|Von|St)"
_ENDS_WITH_PREFIX = re.compile(rf"(?:^|(?<=[{LOWER}])){_SURNAME_PREFIXES}$")
_INNER_CAPITAL = re.compile(rf"[{LOWER}][{UPPER}]")


def run_together_word(word: str) -> bool:
    """A capital straight after a lower-case letter inside a word ("BoltonTrump",
    "ClintonDemocrats"): two words whose separator was lost, as in the related-links lists
    scraping runs together. Surname prefixes (McConnell, DeSantis) are not a lost separator."""
    for part in re.split(r"[-'’.]", word):
        if _INNER_CAPITAL.search(part) and not _prefixed_surname(part):
            return True
    return False


def _prefixed_surname(part: str) -> bool:
    """Every inner capital of `part` follows one of the surname prefixes."""
    for match in _INNER_CAPITAL.finditer(part):
        if not _ENDS_WITH_PREFIX.search(part[: match.start() + 1]):
            return False
    return True


_OF_PLACE = re.compile(rf"(.+?) of ([{UPPER}][\w.]*(?: [{UPPER}][\w.]*)?)")


def _without_home_place(name: str) -> str:
    """'Mike Enzi of Wyoming' -> 'Mike Enzi'."""
    match = _OF_PLACE.fullmatch(name)
    return match[1] if match and is_place(match[2]) else name


# First words that make a name a group around someone, not the person: "Team Obama",
# "Camp Romney", "Friends of Smith".
GROUP_OF_WORDS = frozenset({"team", "camp", "friends", "supporters", "allies"})


def _person_name(text: str) -> bool:
    """A name for a person: not a photo credit ("Jonathan Ernst/File Photo"), a bracketed
    edit ("Tom] Frieden"), a shouted word ("QUESTION"), a hashtag or a handle, or words run
    together ("John BoltonTrump"), or a group named after its leader ("Team Obama")."""
    if not _looks_like_name(text) or any(ch in text for ch in "/[]#@"):
        return False
    if text.split()[0].lower() in GROUP_OF_WORDS:
        return False
    if any(run_together_word(word) for word in text.split()):
        return False
    return not (" " not in text and text.isupper() and len(text) > 3)


def _title_case(word: str) -> bool:
    """"Peña", "O'Rourke", "Okonjo-Iweala", "McCain": a capital, then the word's own letters."""
    parts = re.split(r"[-'’]", word)
    return word[:1].isupper() and all(
        part[:1].isupper() and (
            part[1:].islower() or (_prefixed_surname(part) and not part.isupper())
        )
        for part in parts if len(part) > 1
    )


def _surname_word(word: str) -> bool:
    """A word that may follow a given name as part of a person's name: capitalised, and not
    a title, a place, a month or a word that says an organisation or a building."""
    lowered = word.lower()
    return _title_case(word) and not (
        lowered in TITLES or lowered in NOT_NAMES or lowered in COMPANY_WORDS
        or lowered in _INSTITUTIONS or lowered in _NOT_ORG_ENDINGS or lowered in NATIONALITIES
        or is_place(word) or lowered in PAGE_FURNITURE_WORDS
    )


def person_shaped(text: str) -> bool:
    """"Nikki Haley", "Enrique Peña Nieto" called an organisation: a given name (one that is
    rarely a surname) and one or two more capitalised words that no organisation ends with is
    a person's name."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 3 or not _title_case(tokens[0]):
        return False
    first = tokens[0].lower()
    return (
        is_given_name(first) and first not in SURNAME_FIRST_NAMES and not is_place(first)
        and all(_surname_word(token) for token in tokens[1:])
    )


def _lone_first_name(actor: Actor) -> bool:
    """"David said", with no David of any surname in the story: a first name alone names
    nobody a reader could look up, and every story's David would become one person. A name
    with a title ("Pope Francis", "Sen. Warren") or a first name that is as often a surname
    ("Graham said") is kept."""
    if actor.known or len(actor.forms) != 1:
        return False
    form = next(iter(actor.forms))
    lowered = form.lower()
    if " " in form or lowered not in FIRST_NAMES or lowered in SURNAME_FIRST_NAMES:
        return False
    return all(m.text == form for m in actor.mentions)  # no title was stripped


def _drop_stray_words(people: list[Actor]) -> list[Actor]:
    """One-word "people" that are an ordinary word opening a sentence every time ("Guilty,
    Your Honor", "Absurd, he said"): the model's guess on a capital, not a person."""
    nouns, adjectives = dictionary_words()
    first_names = FEMALE_NAMES | MALE_NAMES
    return [
        a for a in people
        if a.known or len(a.forms) != 1 or " " in next(iter(a.forms))
        or not all(m.opens_sentence for m in a.mentions)
        or (word := next(iter(a.forms)).lower()) in first_names
        or not (word in nouns or word in adjectives)
    ]


def _first_surname_of(word: str, people: list[Actor]) -> Actor | None:
    """"Peña" of "Enrique Peña Nieto": in a name of a given name and two surnames (as Spanish
    and Portuguese write them), the first surname alone is the person too, when exactly one
    person of the story has it there."""
    owners = {
        id(actor): actor for actor in people for form in actor.forms
        if len(parts := form.split()) == 3 and parts[1] == word and is_given_name(parts[0])
        and _title_case(parts[1])
    }
    return next(iter(owners.values())) if len(owners) == 1 else None


def _same_person(a: str, b: str) -> bool:
    """Two full names with the same surname: compatible first names mean one person, unless
    their middle names or suffixes tell a father from a son ("George H.W. Bush", "George W.
    Bush"; "Donald Trump Jr.")."""
    if not middles_agree(a, b) or suffix(a) != suffix(b):
        return False
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
    airlines motors sachs airways works labs networks technologies studies veterans corps
    democrats republicans americans games olympics paralympics""".split()
)
# Common surnames that end in s: "Ambassador Chris Stevens signature" is Stevens, not Steven.
_S_SURNAMES = set(
    """adams andrews banks brooks burns collins davies davis edwards evans gates hastings
    harris hayes hawkins hopkins hughes jenkins jennings jones lewis matthews meyers myers
    nichols owens perkins peters phillips powers reynolds richards roberts rogers ross
    sanders simmons stevens watkins waters watts williams wilkins""".split()
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
        if (
            before_noun and len(last) > 2
            and text.split()[-1].lower() not in _PLURAL_NAME_ENDINGS | _S_SURNAMES
        ):
            return stem
    return text


# ", ", ", and " and " and " between the members of a list of names.
_LIST_SEPARATOR = re.compile(r",\s+(?:and\s+)?|\s+and\s+")


def split_name_list(text: str) -> list[str]:
    """"Ana Ruiz, Tom Becker and Lia Moss" -> its three names; a name that is no list
    ("Martin Luther King, Jr.", "Organization for Security and Cooperation in Europe", a
    firm's "Benson, Torres & Friedman", "Albany, N.Y.") comes back whole."""
    if "&" in text:
        return [text]
    parts = _LIST_SEPARATOR.split(text)
    if len(parts) > 1 and all(_list_member(part) for part in parts):
        return parts
    return [text]


def _list_member(part: str) -> bool:
    """Every word capitalised, and neither a suffix ("Jr.") nor a place ("N.Y.")."""
    words = part.split()
    return (
        bool(words) and all(word[:1].isupper() for word in words)
        and part.lower() not in _NAME_SUFFIXES and not is_place(part)
    )


def _part_mentions(m: Mention, parts: list[str], labels: list[str]) -> list[Mention]:
    """Mentions for the parts of `m.text`, in order, with their offsets in the paragraph."""
    found, at = [], 0
    for part, label in zip(parts, labels, strict=True):
        at = m.text.index(part, at)
        start = m.start + at
        found.append(Mention(
            m.paragraph, start, start + len(part), part, label, m.canonical,
            m.before_noun and part == parts[-1], m.opens_sentence and at == 0,
        ))
        at += len(part)
    return found


def split_name_lists(mentions: list[Mention]) -> list[Mention]:
    """A list the model read as one name ("Tom Becker and Lia Moss") becomes one mention per
    member: a person when the model said so or when every member is shaped like one."""
    result: list[Mention] = []
    for m in mentions:
        listed = m.label in ("PERSON", "ORG") and ("," in m.text or " and " in m.text)
        parts = split_name_list(m.text) if listed else [m.text]
        if len(parts) > 1 and (
            m.label == "PERSON" or all(person_shaped(part) for part in parts)
        ):
            result.extend(_part_mentions(m, parts, ["PERSON"] * len(parts)))
        else:
            result.append(m)
    return result


_INNER_POSSESSIVE = re.compile(r"(.+?)['’]s (\S.*)")
# The label of what an owner owns: an organisation's unit is one too, a person's belongings
# are neither ("MISC" names no actor).
_OWNED_LABELS = {"ORG": "ORG", "PERSON": "MISC"}


@dataclass(frozen=True, slots=True)
class Possession:
    """An owner and what it owns, read from one name: "Netanyahu" and "Likud Party"."""

    owner: str
    owned: str

    def labels(self, label: str, people: set[str]) -> list[str]:
        """The labels of owner and owned, split from a name the model labelled `label`:
        the owner is a person the story names, a place, or what the whole was; what a person
        owns ("Michael Cohen’s Congressional testimony") is not a person."""
        owner_label = "PERSON" if self.owner.lower() in people else label
        if is_place(self.owner):
            owner_label = "GPE"
        owned_label = "PERSON" if person_shaped(self.owned) else _OWNED_LABELS[label]
        return [owner_label, owned_label]


def split_inner_possessives(mentions: list[Mention]) -> list[Mention]:
    """"Netanyahu’s Likud Party", "Congress’s Office of Compliance", "Univista’s Jorge Ramos":
    an owner and what it owns, two names. The owner must be one the story names elsewhere,
    a place or an institution, or what follows it a person's name; otherwise the possessive
    is the name's own ("Sam's Club", "the Sheriff’s Department")."""
    if not any("s " in m.text for m in mentions if m.label in ("PERSON", "ORG")):
        return mentions
    forms = _forms_and_last_words(mentions)
    people = _forms_and_last_words([m for m in mentions if m.label == "PERSON"])
    result: list[Mention] = []
    for m in mentions:
        possession = None
        if m.label in ("PERSON", "ORG"):
            possession = _owner_and_owned(m.text, forms - {m.text.lower()})
        if possession is None:
            result.append(m)
        else:
            parts = [possession.owner, possession.owned]
            result.extend(_part_mentions(m, parts, possession.labels(m.label, people)))
    return result


def _owner_and_owned(text: str, forms: set[str]) -> Possession | None:
    """The owner and what it owns in a name holding a possessive, its apostrophe kept
    ("Netanyahu’s Likud Party") or stripped ("Mitt Romneys Medicare", "Congresss Office of
    Compliance"), when `_owner_of` holds; else None."""
    match = _INNER_POSSESSIVE.fullmatch(text)
    if match is not None:
        return Possession(match[1], match[2]) if _owner_of(match[1], match[2], forms) else None
    words = text.split()
    for at, word in enumerate(words[:-1]):
        if len(word) > 3 and word.endswith("s") and word.lower() not in _PLURAL_NAME_ENDINGS:
            owner, owned = " ".join([*words[:at], word[:-1]]), " ".join(words[at + 1 :])
            if _owner_of(owner, owned, forms):
                return Possession(owner, owned)
    return None


def _owner_of(owner: str, owned: str, forms: set[str]) -> bool:
    """Whether `owner` names someone or something apart from `owned` (see above): `forms`
    holds the story's other names and their last words ("Netanyahu" of "Benjamin
    Netanyahu")."""
    lowered = owner.lower()
    return (
        lowered in forms or is_place(owner) or lowered in _INSTITUTIONS or person_shaped(owned)
    )


def label_dotted_acronyms(mentions: list[Mention]) -> None:
    """"F.B.I." and "N.A.T.O." are organisations, whatever the model calls them."""
    for m in mentions:
        if m.label in ("GPE", "LOC", "NORP", "PERSON") and is_dotted_acronym(m.text):
            m.label = "ORG"


def named_parts(mentions: list[Mention]) -> list[Mention]:
    """The model's mentions with their names made whole: dotted acronyms labelled as
    organisations, lists split into their members, an owner's possessive split off."""
    label_dotted_acronyms(mentions)
    return split_inner_possessives(split_name_lists(mentions))



# A capitalised word with apostrophes and hyphens inside it ("O'Rourke", "Okonjo-Iweala"), or
# an initial with its full stop ("J.").
_CAPITAL_WORD = rf"[{UPPER}](?:[\w'’-]*[^\W_]|\.)?"
_CAPITALISED_RUN = re.compile(rf"(?<![\w'’.-]){_CAPITAL_WORD}(?: {_CAPITAL_WORD})+(?![\w'’-])")


def capitalised_runs(paragraph: str):
    """(start, end) of each run of two or more capitalised words one space apart."""
    return ((run.start(), run.end()) for run in _CAPITALISED_RUN.finditer(paragraph))


_MAX_SURNAME_WORDS = 2


def given_name_span(run: str) -> tuple[int, int] | None:
    """Where a person's name lies in a run of capitalised words: titles, then a given name
    and one or two surname words ending the run ("Senator Ana Ruiz"), or None when the run
    holds anything else ("Ana Ruiz Foundation", "Lake Ana")."""
    words = run.split(" ")
    first = 0
    while first < len(words) and words[first].lower() in TITLES:
        first += 1
    rest = words[first + 1 :]
    if first == len(words) or not 1 <= len(rest) <= _MAX_SURNAME_WORDS + 1:
        return None
    name = " ".join(words[first:])
    if not person_shaped(_without_initial(clean_name(name))):
        return None
    start = len(" ".join(words[:first])) + (1 if first else 0)
    return start, start + len(clean_name(name))


def _without_initial(name: str) -> str:
    """"Ana M. Ruiz" -> "Ana Ruiz": an initial says nothing about a name's shape."""
    return " ".join(word for word in name.split() if not re.fullmatch(r"[^\W\d_]\.", word))


def find_given_name_people(
    paragraphs: list[str], skip: set[int], taken: Callable[[int], list[tuple[int, int]]]
) -> list[Mention]:
    """People the model missed altogether ("Ana Ruiz" heading a list, "Siobhán O'Rourke"):
    a run of capitalised words that is a common given name and a surname, outside every
    span `taken(paragraph)` says the model or the editors' names already cover."""
    found: list[Mention] = []
    for index, paragraph in enumerate(paragraphs):
        if index in skip:
            continue
        spans = None
        for run_start, run_end in capitalised_runs(paragraph):
            where = given_name_span(paragraph[run_start:run_end])
            if where is None:
                continue
            spans = taken(index) if spans is None else spans
            if not any(run_start < e and s < run_end for s, e in spans):
                start, end = run_start + where[0], run_start + where[1]
                opens = not paragraph[:start].strip() or paragraph[:start].rstrip()[-1] in ".!?"
                found.append(Mention(index, start, end, paragraph[start:end], "PERSON",
                                     opens_sentence=opens))
    return found


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
    story_forms = _forms_and_last_words(mentions)
    resolve_possessives(mentions, story_forms)
    story_places = _story_places(mentions, known, words, place_contexts, named_places)
    owner_forms = story_places | _person_surnames(mentions) | story_forms
    for m in mentions:
        _strip_leading_possessive(m, owner_forms, words)
        relabel_mention(m, story_places, words)

    cast = Cast()
    pending = group_known_names(mentions, known, blocked, cast)
    pending = group_full_names(pending, cast)
    pending = group_one_word_people(pending, cast)
    pending = join_surnames_labelled_otherwise(pending, cast)
    people = [a for a in _drop_stray_words(cast.people) if not _lone_first_name(a)]
    group_organisations(organisation_mentions(pending, people, words), cast, story_places)
    return name_actors(people + cast.organisations, blocked)


def _forms_and_last_words(mentions: list[Mention]) -> set[str]:
    """Every lower-cased form of the story and its last word ("trump" of "donald trump")."""
    forms = {m.text.lower() for m in mentions}
    return forms | {m.text.split()[-1].lower() for m in mentions if m.text}


def _person_surnames(mentions: list[Mention]) -> set[str]:
    """Last words of the full names the model calls people: "Averin" may own "Averins Party"."""
    return {m.text.split()[-1].lower() for m in mentions if m.label == "PERSON" and " " in m.text}


def resolve_possessives(mentions: list[Mention], story_forms: set[str]) -> None:
    """"NATOs", "Obamas plan": the story's text lost the apostrophe of a possessive, so a
    name with a stripped "'s" is the name it belongs to (see `resolve_possessive`). A form
    that also stands alone in the story ("joined Rovers from") is a real plural."""
    standalone = {m.text.lower() for m in mentions if not m.before_noun}
    standalone |= {m.text.split()[-1].lower() for m in mentions if not m.before_noun and m.text}
    for m in mentions:
        # "Obamas plan", "Donald Trumps aides": a person's or an organisation's possessive
        owns_next_noun = (
            m.before_noun and m.label in ("ORG", "PERSON")
            and m.text.lower() not in standalone and m.text.split()[-1].lower() not in standalone
        )
        m.text = resolve_possessive(m.text, story_forms, owns_next_noun, m.label == "PERSON")


# "Port Ardent", "Lake Orlen": a place prefix and at most this many words in all is a place.
_MAX_PREFIXED_PLACE_WORDS = 2


def relabel_mention(m: Mention, story_places: set[str], words: set[str]) -> None:
    """Correct the model's label where the name's shape or the story says otherwise: a
    nationality or a prefixed place it called an organisation, a company it called a person,
    a person it called an organisation or a place, a place of this story it called a name."""
    if m.label == "ORG" and " " not in m.text and _is_nationality(m, words):
        m.label = "NORP"  # "Norvaskan frigates": an adjective of nationality
    if (
        m.label == "ORG" and m.text.split()[0] in _PLACE_PREFIXES
        and len(m.text.split()) <= _MAX_PREFIXED_PLACE_WORDS
    ):
        m.label = "GPE"  # "Port Ardent"
    if m.label == "PERSON" and m.text.split()[-1].lower() in COMPANY_WORDS:
        m.label = "ORG"  # "Pellar Pharma"
    elif m.label in ("ORG", "GPE") and person_shaped(m.text):
        m.label = "PERSON"  # "Carly Fiorina"
    if m.label in ("ORG", "PERSON") and _is_story_place(m.text, story_places):
        m.label = "GPE"


@dataclass(slots=True)
class Cast:
    """The actors of one story as the passes of `build_actors` find them."""

    people: list[Actor] = field(default_factory=list)
    organisations: list[Actor] = field(default_factory=list)
    known: dict[tuple[str, str], Actor] = field(default_factory=dict)  # (kind, lower canonical)
    by_surname: dict[str, list[Actor]] = field(default_factory=dict)  # lower surname -> people
    one_word_people: dict[str, Actor] = field(default_factory=dict)  # lower name -> person

    def known_actor(self, kind: str, canonical: str) -> Actor:
        """The one actor of a curated canonical name, made at its first mention."""
        key = (kind, canonical.lower())
        if key not in self.known:
            actor = Actor(kind=kind, canonical=canonical, known=True)
            self.known[key] = actor
            (self.people if kind == PERSON else self.organisations).append(actor)
        return self.known[key]

    def index_surname(self, actor: Actor, name: str) -> None:
        self.by_surname.setdefault(_surname(name.split()).lower(), []).append(actor)

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
            cast.known_actor(kind, canonical).add(m, _known_form(m.text, known))
        else:
            pending.append(m)
    return pending


def group_full_names(mentions: list[Mention], cast: Cast) -> list[Mention]:
    """Full person names ("Sen. Ana Ruiz", "A. Ruiz") grouped by surname, one person for
    compatible first names (`_same_person`), curated people included. Full names go first so
    a lone surname later has someone to join. Returns the mentions that are no full name."""
    for actor in cast.people:  # curated people are reachable by surname too
        for form in [actor.canonical, *actor.forms]:
            if len(form.split()) >= 2:
                cast.index_surname(actor, form)
    rest: list[Mention] = []
    for m in mentions:
        name = _full_person_name(m)
        if name is None:
            rest.append(m)
            continue
        namesakes = cast.by_surname.get(_surname(name.split()).lower(), [])
        actor = next((a for a in namesakes if _same_person_as(name, a)), None)
        if actor is None:
            actor = Actor(kind=PERSON)
            cast.people.append(actor)
            cast.index_surname(actor, name)
        actor.add(m, name)
    return rest


def _full_person_name(m: Mention) -> str | None:
    """The name of a person mention of two words or more, without titles or home place."""
    if m.label != "PERSON":
        return None
    name = _without_home_place(strip_titles(m.text))
    if len(name.split()) >= 2 and _person_name(name) and not is_place(name):
        return name
    return None


def _same_person_as(name: str, actor: Actor) -> bool:
    return any(_same_person(name, f) for f in [actor.canonical, *actor.forms] if " " in f)


def group_one_word_people(mentions: list[Mention], cast: Cast) -> list[Mention]:
    """A one-word form with any label that is a person's surname or first name joins that
    person; a one-word person the story gives no full name becomes one. Returns the rest."""
    rest: list[Mention] = []
    for m in mentions:
        name = strip_titles(m.text) if m.label == "PERSON" else m.text
        actor = _person_for_word(name, cast) if " " not in name else None
        if actor is None and m.label == "PERSON" and _person_name(name) and not is_place(name):
            actor = cast.one_word_person(name)
        if actor is None:
            rest.append(m)
        else:
            actor.add(m, name)
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
    return _first_surname_of(word, cast.people)


_NON_PERSON_LABELS = ("GPE", "ORG", "NORP", "LOC", "FAC")


def join_surnames_labelled_otherwise(mentions: list[Mention], cast: Cast) -> list[Mention]:
    """A one-word person the model also labels a place or an organisation elsewhere ("Jones
    said", "the Jones report") is that person, unless the word is a place. Returns the rest."""
    rest: list[Mention] = []
    for m in mentions:
        person = cast.one_word_people.get(m.text.lower())
        if person is not None and m.label in _NON_PERSON_LABELS and not is_place(m.text):
            person.add(m, m.text)
        else:
            rest.append(m)
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
        if m.label == "ORG"
        and (_looks_like_name(m.text) or _bare_institution(m.text, legislature))
        and not is_place(m.text) and not _is_place_phrase(m.text)
        and m.text.lower() not in person_forms
        and (org_plausible(m.text, person_forms) or _bare_institution(m.text, legislature))
    ]


def group_organisations(mentions: list[Mention], cast: Cast, story_places: set[str]) -> None:
    """Organisation mentions grouped by their key ("F.B.I." is "FBI"), then "House" into
    "House of Representatives" and acronyms into their spelled-out names."""
    for m in mentions:
        _add_org(cast.organisations, m)
    _chamber_into_full_name(cast.organisations)
    _merge_orgs(cast.organisations, story_places)


def name_actors(actors: list[Actor], blocked: set[str]) -> list[Actor]:
    """Each actor the story's fullest name for it, dropping actors left without mentions
    and those whose name an editor blocked."""
    for actor in actors:
        if not actor.known:
            actor.canonical = _pick_canonical(actor)
    return [a for a in actors if a.mentions and a.canonical.lower() not in blocked]


_NOT_ORG_ENDINGS = {
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
    return tokens[-1].lower() in _NOT_ORG_ENDINGS or tokens[0].lower() in _NOT_ORG_STARTS


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
        and word[:-1] in dictionary_words()[0] and word not in _INSTITUTIONS
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
        for match in _INNER_CAPITAL.finditer(word):
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
_INSTITUTIONS = {
    "kremlin", "white house", "pentagon", "vatican", "downing street", "congress", "parliament",
    "senate", "house", "nato", "un", "eu",
}


_PLACE_PREFIXES = {"Port", "Fort", "Mount", "Lake", "Cape", "Saint", "San", "Santa", "St."}


def _is_nationality(m: Mention, words: set[str]) -> bool:
    """'Norvaskan' when the story also says 'Norvaska' or 'Norvaskas'."""
    text = m.text
    if text.isupper() or not re.search(r"(an|ian|n|ese|ish)$", text):
        return False
    lowered = text.lower()
    bases = {lowered[:-1], lowered[:-2], lowered[:-3], lowered[:-2] + "a", lowered[:-3] + "a",
             lowered[:-2] + "e", lowered[:-3] + "e", lowered[:-3] + "y"}
    bases = {b for b in bases if len(b) > 2 and b != lowered}
    if any(b in words or b + "s" in words for b in bases):
        return True
    return m.before_noun and bool(re.search(r"(an|ian|ese|ish)$", text))


def _nationality_forms(name: str) -> set[str]:
    base = name[:-1] if name.endswith(("a", "e", "o")) else name
    return {name + "n", name + "an", name + "ian", name + "ese", name + "i", base + "an",
            base + "ian", name + "s"}


@dataclass(slots=True)
class LabelVotes:
    """How often the model labels one form of a story a place, and a name (an organisation or
    a person), of which a person."""

    place: int = 0
    named: int = 0
    person: int = 0


def label_votes(mentions: list[Mention]) -> dict[str, LabelVotes]:
    """The model's labels for each lower-cased form of the story, counted."""
    votes: dict[str, LabelVotes] = {}
    for m in mentions:
        vote = votes.setdefault(m.text.lower(), LabelVotes())
        if m.label in ("GPE", "LOC"):
            vote.place += 1
        elif m.label in ("ORG", "PERSON"):
            vote.named += 1
            vote.person += m.label == "PERSON"
    return votes


def _institution_or_curated(form: str, known: KnownEntities) -> bool:
    """"Kremlin", or a name editors curated: never taken for a place of the story."""
    return form in _INSTITUTIONS or form in known.organisations or form in known.people


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
                and _nationality_forms(form) - {form + "s"} & self.words
            )
            or (form in self.place_heads and vote.named <= _MAX_NAMED_VOTES_OF_A_PLACE_HEAD)
            or form in self.named_places
            or (
                form in self.place_contexts and not form.isupper() and form not in COMPANY_WORDS
                # "an affront to Obama", with Obama a person six times
                and not vote.person > max(1, vote.place)
            )
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
    places |= PLACES
    derived = set()
    for form in places:
        if " " not in form:
            derived |= _nationality_forms(form)
    return places | derived


def _is_story_place(text: str, places: set[str]) -> bool:
    lowered = text.lower()
    if lowered in _INSTITUTIONS:
        return False
    return lowered in places or lowered.removeprefix("the ") in places


_NATIONAL_INSTITUTION_STARTS = {
    "ministry", "department", "supreme", "foreign", "defense", "defence", "interior",
    "national", "central", "federal", "constitutional", "parliament", "army", "navy",
    "security", "justice", "finance", "health", "state",
}


def _strip_leading_possessive(m: Mention, forms: set[str], words: set[str]) -> None:
    """'Calderas Ministry of Water' -> 'Ministry of Water'; 'Averins Party' -> 'Party'."""
    tokens = m.text.split()
    if len(tokens) < 2 or not tokens[0].endswith("s") or tokens[0].endswith("ss"):
        return
    stem = tokens[0][:-1].lower()
    if (
        stem in forms or stem in PLACES or _owner_before_company(tokens, stem, words)
        or _national_institution(tokens, stem)
    ):
        rest = " ".join(tokens[1:])
        m.start += len(m.text) - len(rest)  # the surface and the cleaned text end together
        m.text = rest


def _owner_before_company(tokens: list[str], stem: str, words: set[str]) -> bool:
    """"Vellmars Pellar Pharma": a word of the story (or a country whose people it names)
    with a stripped possessive (`stem` is the word without it), before a capitalised name
    holding a company word."""
    owner = tokens[0].lower()
    return (
        len(stem) >= _SHORTEST_NAME_STEM
        and (stem in words or bool(_nationality_forms(stem) - {stem + "s"} & words))
        and owner not in _PLURAL_NAME_ENDINGS
        and tokens[1][:1].isupper()
        and any(t.lower() in COMPANY_WORDS for t in tokens[1:])
        and owner not in COMPANY_WORDS
    )


def _national_institution(tokens: list[str], stem: str) -> bool:
    """"Britains Supreme Court", "Chinas Foreign Ministry": a country's institution."""
    return tokens[1].lower() in _NATIONAL_INSTITUTION_STARTS and len(stem) >= _SHORTEST_NAME_STEM


def _is_place_phrase(text: str) -> bool:
    """'Ukraine-EU', 'Russia and Ukraine': places joined, not an organisation."""
    parts = re.split(r"\s+and\s+|-|/", text)
    return len(parts) > 1 and all(is_place(p.strip()) for p in parts if p.strip())


def _bare_institution(text: str, legislature: bool) -> bool:
    """'the Navy', 'the Army' capitalised are a country's service; 'the House' is the chamber
    when the story also speaks of the Senate or Congress."""
    return text in ("Navy", "Army") or (text == "House" and legislature)


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


def _add_org(orgs: list[Actor], m: Mention) -> None:
    """The organisation one of whose forms has the mention's key ("F.B.I." is "FBI"), or a
    new one."""
    key = _organisation_key(m.text)
    for actor in orgs:
        if any(_organisation_key(f) == key for f in actor.forms):
            actor.add(m, m.text)
            return
    actor = Actor(kind=ORGANISATION)
    orgs.append(actor)
    actor.add(m, m.text)


def _merge_orgs(orgs: list[Actor], places: set[str]) -> None:
    """Merge an acronym into its spelled-out name, and 'State Department' into
    'U.S. State Department' when the extra words are only a place or nationality."""
    changed = True
    while changed:
        changed = False
        for a, b in permutations(orgs, 2):
            if a.mentions and b.mentions and _org_same(a, b, orgs, places):
                b.absorb(a)
                changed = True
    orgs[:] = [a for a in orgs if a.mentions]


def _org_same(a: Actor, b: Actor, orgs: list[Actor], places: set[str]) -> bool:
    """Whether `a` is `b` under a shorter name: an acronym of one of its names, or one of
    its names without a place before it that no other organisation could also own."""
    return any(
        _acronym_of(short, full) or (
            _place_qualified(short, full, places) and not _other_owner(short, a, b, orgs)
        )
        for short in a.forms for full in b.forms
    )


# "FBI", "F.B.I.", "AT&T": capitals, full stops and ampersands only.
_ACRONYM_FORM = re.compile(r"[A-Z][A-Z.&]+")


def _acronym_of(short: str, full: str) -> bool:
    """"FBI" or "F.B.I." of "Federal Bureau of Investigation"."""
    letters = short.replace(".", "")
    return (
        bool(_ACRONYM_FORM.fullmatch(letters)) and " " in full
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


def _other_owner(short: str, a: Actor, b: Actor, orgs: list[Actor]) -> bool:
    """Whether an organisation besides `a` and `b` has a longer name ending in `short`."""
    ending = short.lower()
    return any(
        any(f.lower().endswith(ending) and f != short for f in other.forms)
        for other in orgs if other is not b and other is not a
    )


def _pick_canonical(actor: Actor) -> str:
    forms = list(actor.forms)
    if actor.kind == PERSON:
        multi = [f for f in forms if len(f.split()) >= 2]
        if multi:
            # The fullest form the story uses; frequency breaks ties.
            return max(multi, key=lambda f: (len(f.split()), actor.forms[f], len(f)))
        return max(forms, key=lambda f: (actor.forms[f], len(f)))
    spelled = [f for f in forms if not _ACRONYM_FORM.fullmatch(f)]
    pool = spelled or forms
    return max(pool, key=lambda f: (len(f.split()), actor.forms[f], len(f)))
