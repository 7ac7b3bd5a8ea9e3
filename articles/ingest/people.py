"""People: what a person's name looks like, when two full names are one person, and the
people the model missed altogether (a given name and a surname)."""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .actors import Actor, Mention, clean_name
from .letters import UPPER, run_together_word, title_case
from .lexicon import (
    FEMALE_NAMES,
    FIRST_NAMES,
    LOST_APOSTROPHE_CONTRACTIONS,
    MALE_NAMES,
    NATIONALITIES,
    NOT_NAMES,
    PAGE_FURNITURE_WORDS,
    SURNAME_FIRST_NAMES,
    TITLES,
)
from .namekeys import is_given_name, middles_agree, suffix
from .organisations import COMPANY_WORDS, INSTITUTIONS, NOT_ORG_ENDINGS, is_programme_or_law
from .pipeline import dictionary_words
from .places import is_place

NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


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


def surname(tokens: list[str]) -> str:
    """The last word of a name's words that is no suffix: "King" of "Martin Luther King Jr."."""
    while len(tokens) > 1 and tokens[-1].lower().strip(",") in NAME_SUFFIXES:
        tokens = tokens[:-1]
    return tokens[-1]


def looks_like_name(text: str) -> bool:
    """Capitalised, no digits, and no ordinary word, page furniture, lost contraction or law:
    what any person's or organisation's name must be."""
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


_OF_PLACE = re.compile(rf"(.+?) of ([{UPPER}][\w.]*(?: [{UPPER}][\w.]*)?)")


def without_home_place(name: str) -> str:
    """'Mike Enzi of Wyoming' -> 'Mike Enzi'."""
    match = _OF_PLACE.fullmatch(name)
    return match[1] if match and is_place(match[2]) else name


# First words that make a name a group around someone, not the person: "Team Obama",
# "Camp Romney", "Friends of Smith".
GROUP_OF_WORDS = frozenset({"team", "camp", "friends", "supporters", "allies"})


# "JFK", "AOC": the initials a person goes by; one longer word in capitals is shouted.
_LONGEST_INITIALS = 3


def person_name(text: str) -> bool:
    """A name for a person: not a photo credit ("Jonathan Ernst/File Photo"), a bracketed
    edit ("Tom] Frieden"), a shouted word ("QUESTION"), a hashtag or a handle, or words run
    together ("John BoltonTrump"), or a group named after its leader ("Team Obama")."""
    if not looks_like_name(text) or any(ch in text for ch in "/[]#@"):
        return False
    if text.split()[0].lower() in GROUP_OF_WORDS:
        return False
    if any(run_together_word(word) for word in text.split()):
        return False
    return not (" " not in text and text.isupper() and len(text) > _LONGEST_INITIALS)


def _surname_word(word: str) -> bool:
    """A word that may follow a given name as part of a person's name: capitalised, and not
    a title, a place, a month or a word that says an organisation or a building."""
    lowered = word.lower()
    return title_case(word) and not (
        lowered in TITLES or lowered in NOT_NAMES or lowered in COMPANY_WORDS
        or lowered in INSTITUTIONS or lowered in NOT_ORG_ENDINGS or lowered in NATIONALITIES
        or is_place(word) or lowered in PAGE_FURNITURE_WORDS
    )


# A person's name is a given name and at most this many surname words ("Enrique Peña Nieto").
_MAX_SURNAME_WORDS = 2


def person_shaped(text: str) -> bool:
    """"Nikki Haley", "Enrique Peña Nieto" called an organisation: a given name (one that is
    rarely a surname) and one or two more capitalised words that no organisation ends with is
    a person's name."""
    tokens = text.split()
    if not 1 <= len(tokens) - 1 <= _MAX_SURNAME_WORDS or not title_case(tokens[0]):
        return False
    first = tokens[0].lower()
    return (
        is_given_name(first) and first not in SURNAME_FIRST_NAMES and not is_place(first)
        and all(_surname_word(token) for token in tokens[1:])
    )


def lone_first_name(actor: Actor) -> bool:
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


def drop_stray_words(people: list[Actor]) -> list[Actor]:
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


def first_surname_of(word: str, people: list[Actor]) -> Actor | None:
    """"Peña" of "Enrique Peña Nieto": in a name of a given name and two surnames (as Spanish
    and Portuguese write them), the first surname alone is the person too, when exactly one
    person of the story has it there."""
    owners = {
        id(actor): actor for actor in people for form in actor.forms
        if len(parts := form.split()) == 3 and parts[1] == word and is_given_name(parts[0])
        and title_case(parts[1])
    }
    return next(iter(owners.values())) if len(owners) == 1 else None


def same_person(a: str, b: str) -> bool:
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


# A capitalised word with apostrophes and hyphens inside it ("O'Rourke", "Okonjo-Iweala"), or
# an initial with its full stop ("J.").
_CAPITAL_WORD = rf"[{UPPER}](?:[\w'’-]*[^\W_]|\.)?"
_CAPITALISED_RUN = re.compile(rf"(?<![\w'’.-]){_CAPITAL_WORD}(?: {_CAPITAL_WORD})+(?![\w'’-])")


@dataclass(frozen=True, slots=True)
class Span:
    """Where some words lie in a text: text[start:end]."""

    start: int
    end: int


def capitalised_runs(paragraph: str) -> Iterator[Span]:
    """Each run of two or more capitalised words one space apart."""
    return (Span(run.start(), run.end()) for run in _CAPITALISED_RUN.finditer(paragraph))


def given_name_span(run: str) -> Span | None:
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
    return Span(start, start + len(clean_name(name)))


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
        for run in capitalised_runs(paragraph):
            where = given_name_span(paragraph[run.start : run.end])
            if where is None:
                continue
            spans = taken(index) if spans is None else spans
            if not any(run.start < e and s < run.end for s, e in spans):
                start, end = run.start + where.start, run.start + where.end
                opens = not paragraph[:start].strip() or paragraph[:start].rstrip()[-1] in ".!?"
                found.append(Mention(index, start, end, paragraph[start:end], "PERSON",
                                     opens_sentence=opens))
    return found
