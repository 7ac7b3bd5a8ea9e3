"""Keys that find the same person under another form of the name, across stories.

Pure Python: articles/services/resolution.py stores these keys on each person and looks them
up by index, so resolving a name costs the same however many people the archive holds.
"""

import re
import unicodedata

from articles.ingest.lexicon import (
    FEMALE_NAMES,
    FIRST_NAMES,
    MALE_NAMES,
    NATIONALITIES,
    NOT_NAMES,
    PLACES,
    SURNAME_FIRST_NAMES,
    TITLES,
)

# Words after a surname that are not the surname ("Martin Luther King Jr.").
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "esq"})


# Letters that Unicode does not decompose into a base letter and an accent: "Łukasz" is
# written "Lukasz" where a keyboard lacks the letter, "Søren" "Soren", "Strauß" "Strauss".
UNDECOMPOSED_LETTERS = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th",
    "ð": "d",
})


def fold(text: str) -> str:
    """Lower-cased, accents dropped: "Peña" and "Pena", "Łukasz" and "Lukasz" are one key."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return plain.lower().translate(UNDECOMPOSED_LETTERS)


# The given names with their accents dropped too: "Jose" and "Lukasz" are "José" and "Łukasz".
_PLAIN_FIRST_NAMES = frozenset(fold(name) for name in FIRST_NAMES)


def is_given_name(word: str) -> bool:
    """Whether a word is a common given name in any of the lexicon's languages, with or
    without its accents ("Siobhán", "Siobhan", "Łukasz", "Lukasz")."""
    lowered = word.lower()
    return lowered in FIRST_NAMES or fold(lowered) in _PLAIN_FIRST_NAMES


# Short forms of English given names, so that "Joe Biden" and "Joseph R. Biden" share a key.
# A general list of common hypocorisms, not one story's names.
NICKNAMES = {
    short: full
    for full, shorts in {
        "alexander": "alex",
        "andrew": "andy drew",
        "anthony": "tony",
        "benjamin": "ben",
        "charles": "chuck charlie",
        "christopher": "chris",
        "daniel": "dan danny",
        "david": "dave",
        "donald": "don",
        "edward": "ed ted eddie",
        "elizabeth": "liz beth",
        "frederick": "fred",
        "gerald": "jerry",
        "gregory": "greg",
        "james": "jim jimmy jamie",
        "jeffrey": "jeff",
        "john": "jack johnny",
        "jonathan": "jon",
        "joseph": "joe",
        "katherine": "kate kathy katie",
        "kenneth": "ken",
        "lawrence": "larry",
        "margaret": "maggie peggy",
        "matthew": "matt",
        "michael": "mike",
        "nicholas": "nick",
        "patrick": "pat",
        "peter": "pete",
        "richard": "rich rick dick",
        "robert": "rob bob bobby",
        "ronald": "ron",
        "samuel": "sam",
        "stephen": "steve",
        "steven": "steve",
        "susan": "sue",
        "thomas": "tom tommy",
        "timothy": "tim",
        "william": "bill will billy",
    }.items()
    for short in shorts.split()
}


def _words_and_suffix(name: str) -> tuple[list[str], str]:
    words = [word.strip(".,") for word in fold(name).replace(",", " ").split()]
    words = [word for word in words if word]
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    suffix = ""
    if len(words) > 2 and words[-1] in NAME_SUFFIXES:
        suffix = words.pop()
    return words, suffix


def name_words(name: str) -> list[str]:
    """The words of a person's name without titles, suffixes and dots, folded."""
    return _words_and_suffix(name)[0]


def surname(name: str) -> str:
    """The last word of the name: the key a surname-only mention ("Obama") shares."""
    words = name_words(name)
    return words[-1] if words else ""


def name_key(name: str) -> str:
    """First name and surname, middle names and initials dropped: "Adam B. Schiff" and
    "Hillary Rodham Clinton" share a key with "Adam Schiff" and "Hillary Clinton".
    Empty for a one-word name, which has no first name to check."""
    words, suffix = _words_and_suffix(name)
    if len(words) > 2 and len(words[0]) == 1:  # "J. Christopher Stevens" goes by Christopher
        words = words[1:]
    if len(words) < 2 or len(words[0]) < 2:  # "J. Smith": an initial proves too little
        return ""
    given = NICKNAMES.get(words[0], words[0])
    # "Donald Trump Jr." is not his father: a suffix stays in the key.
    return " ".join(word for word in (given, words[-1], suffix) if word)


def suffix(name: str) -> str:
    """ "jr" for "Donald Trump Jr.", "" for a name without one."""
    return _words_and_suffix(name)[1]


def without_suffix(name: str) -> str:
    """The key of the name as if it had no "Jr." or "III": a question for editors, since the
    son is not the father but the same man is written both ways."""
    words, suffix = _words_and_suffix(name)
    return name_key(" ".join(words)) if suffix else ""


def middles_agree(name: str, other: str) -> bool:
    """Whether the middle names of two names with one key can be one person's: "Adam B.
    Schiff" and "Adam Bennett Schiff" can, "George W. Bush" and "George H. W. Bush" cannot,
    and a name without a middle name agrees with any."""
    middle, other_middle = name_words(name)[1:-1], name_words(other)[1:-1]
    if not middle or not other_middle:
        return True
    if len(middle) != len(other_middle):
        return False
    return all(
        word == other_word or (min(len(word), len(other_word)) == 1 and word[0] == other_word[0])
        for word, other_word in zip(middle, other_middle, strict=True)
    )


def is_surname_only(name: str) -> bool:
    return len(name_words(name)) == 1


def alias_problem(alias: str) -> str | None:
    """Why a word cannot be an alias, or None. An alias is recognised in every later story,
    so it must name one entity wherever it appears: never a common word, a group of people
    ("Republicans"), a first name alone or a place."""
    from spacy.lang.en.stop_words import STOP_WORDS  # a word list, not the model

    folded = fold(alias).strip(" .")
    if not folded:
        return "an alias cannot be empty"
    if folded in STOP_WORDS or folded in NOT_NAMES:
        return f"'{alias}' is a common word"
    if folded in NATIONALITIES or folded.rstrip("s") in NATIONALITIES:
        return f"'{alias}' names a group of people"
    if folded in PLACES:
        return f"'{alias}' is a place"
    if _first_name_alone(folded):
        return f"'{alias}' is a first name alone"
    return None


def _first_name_alone(folded: str) -> bool:
    """A gendered first name ("Michael"), or a given name of any language that is seldom a
    surname ("Ngozi", "Łukasz"; not "Lee" or "Kim")."""
    if folded in FEMALE_NAMES or folded in MALE_NAMES:
        return True
    return is_given_name(folded) and folded not in SURNAME_FIRST_NAMES


# Small words an acronym skips ("Federal Bureau of Investigation" is FBI).
ACRONYM_SKIPS = frozenset({"of", "the", "and", "for", "on", "in", "at", "to", "&"})


UNITED_STATES = re.compile(r"\bunited states\b")


def organisation_key(name: str) -> str:
    """The name without case, accents, dots, apostrophes or a leading "the", and with "United
    States" written "US": "F.B.I." and "FBI", "The Associated Press" and "Associated Press",
    "United States Senate" and "U.S. Senate" share it."""
    folded = fold(name).replace(".", "").replace("'", "").replace("\u2019", "")
    words = folded.replace("&", " and ").split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return UNITED_STATES.sub("us", " ".join(words))


def acronym(name: str) -> str:
    """The initials of a name of two words or more ("north atlantic treaty organization"
    is "nato", "u.s. postal service" is "usps"), or "" for one word."""
    words = [word for word in organisation_key(name).split() if word not in ACRONYM_SKIPS]
    if len(words) < 2:
        return ""
    return "".join(word if word == "us" else word[0] for word in words if word[0].isalnum())
