"""The role words a story puts next to a person's name, and the gender they suggest.

'Kremlin spokesman Dmitry Peskov', 'Peskov, the Kremlin spokesman', 'Rep. Raul Labrador
(R-Idaho)': quote attribution reads these words to resolve a role speaker ("the spokesman said")
and a pronoun ("she said") to the person the story named.
"""

import re

from .actors import PERSON, Actor
from .lexicon import FEMALE_CUES, FEMALE_NAMES, MALE_CUES, MALE_NAMES

FEMALE = "female"
MALE = "male"
_ARTICLES = ("the", "a", "an")
# Words of a title before a name: "Kremlin spokesman", "Secretary of State".
_TITLE_POS = ("PROPN", "NOUN", "ADJ")
_TITLE_JOINERS = ("of", "for", "to")
_MAX_TOKENS_BEFORE = 7
# Words of an apposition after a name and a comma: "the Kremlin's chief spokesman".
_APPOSITION_OPENERS = ("NOUN", "ADJ", "PROPN")
_APPOSITION_POS = ("PROPN", "NOUN", "ADJ", "DET", "ADP", "CCONJ")
_MAX_APPOSITION_TOKENS = 9
# "(R-Idaho)": the party letter and the state, within a few tokens of the bracket.
_MAX_BRACKET_TOKENS = 8
_PARTY_SEPARATORS = re.compile(r"[-–,.\s]+")
_PARTY_LETTERS = {"r": ("republican",), "d": ("democrat", "democratic"), "i": ("independent",)}


def collect_titles(docs, actors: list[Actor]) -> None:
    """Fill each person's `titles` with the role words around their mentions, and their
    `gender` from those words, or else from a first name the lexicon knows."""
    for actor in actors:
        if actor.kind != PERSON:
            continue
        for mention in actor.mentions:
            doc = docs[mention.paragraph]
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None:
                continue
            words = _role_words(span)
            actor.titles.update(w for w in words if w and w not in _ARTICLES)
            actor.gender = _gender_from_cues(set(words), span[0].lower_) or actor.gender
        if actor.gender is None:
            actor.gender = _gender_from_first_name(actor.canonical)


def _role_words(span) -> list[str]:
    """The lower-cased words of the roles around a mention: before it, in an apposition after
    it, and in a party bracket after it."""
    return _words_before(span) + _apposition_words(span) + _party_words(span)


def _words_before(span) -> list[str]:
    """'Kremlin spokesman Dmitry Peskov': the nouns, adjectives and joiners right before the
    name, nearest first."""
    words: list[str] = []
    doc = span.doc
    for token in reversed(doc[max(span.start - _MAX_TOKENS_BEFORE, 0) : span.start]):
        if token.pos_ not in _TITLE_POS and token.lower_ not in _TITLE_JOINERS:
            break
        words.append(token.lower_)
    return words


def _apposition_words(span) -> list[str]:
    """'Peskov, the Kremlin spokesman, said': the words of a noun phrase after the name and a
    comma, up to the next punctuation."""
    doc = span.doc
    if span.end + 1 >= len(doc) or doc[span.end].text != ",":
        return []
    opener = doc[span.end + 1]
    if opener.lower_ not in _ARTICLES and opener.pos_ not in _APPOSITION_OPENERS:
        return []
    words: list[str] = []
    for token in doc[span.end + 1 : span.end + 1 + _MAX_APPOSITION_TOKENS]:
        if token.text in ",.;" or token.pos_ not in _APPOSITION_POS:
            break
        words.append(token.lower_)
    return words


def _party_words(span) -> list[str]:
    """'Rep. Raul Labrador (R-Idaho)': the party, spelt out from its letter, and the state."""
    doc = span.doc
    if span.end + 2 >= len(doc) or doc[span.end].text != "(":
        return []
    bracket = doc[span.end : span.end + _MAX_BRACKET_TOKENS]
    close = next((token.i for token in bracket if token.text == ")"), None)
    inside = doc[span.end + 1 : close].text if close else ""
    words: list[str] = []
    for part in _PARTY_SEPARATORS.split(inside.lower()):
        words.extend(_PARTY_LETTERS.get(part, (part,)))
    return words


def _gender_from_cues(words: set[str], first_word: str) -> str | None:
    """The gender a role word ("congresswoman", "Mr.") or the mention's first word says, or
    None when neither says one."""
    if words & FEMALE_CUES or first_word in FEMALE_CUES:
        return FEMALE
    if words & MALE_CUES or first_word in MALE_CUES:
        return MALE
    return None


def _gender_from_first_name(canonical: str) -> str | None:
    """The gender the lexicon gives a full name's first name ("Helena Marsh"); None for a
    single name or a first name it does not list."""
    names = canonical.split()
    if len(names) < 2:
        return None
    first_name = names[0].lower()
    if first_name in FEMALE_NAMES:
        return FEMALE
    if first_name in MALE_NAMES:
        return MALE
    return None
