"""Names made whole before they are grouped: dotted acronyms labelled, lists of names split
into their members, an owner's possessive split off ("Netanyahu’s Likud Party"), and a
possessive whose apostrophe was lost read as the name it belongs to ("NATOs")."""

import re
from dataclasses import dataclass

from .actors import Mention, is_dotted_acronym
from .lexicon import PLACES
from .organisations import INSTITUTIONS
from .people import NAME_SUFFIXES, person_shaped
from .places import is_place

PLURAL_NAME_ENDINGS = set(
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


# "Bus", "Gas": a word ending in s shorter than this is no possessive that lost its apostrophe.
_SHORTEST_POSSESSIVE = 4
# "Obamas plan": an owner before a noun has a last word of at least this many letters.
_SHORTEST_OWNER_WORD = 3
# A last word whose final s is its own, a plural name's or a surname's.
_NAME_ENDINGS_IN_S = PLURAL_NAME_ENDINGS | _S_SURNAMES
# "NATOs", "FBIs": capitals before the s.
_CAPITALS = re.compile(r"[A-Z][A-Z.]+")


def resolve_possessive(
    text: str, forms: set[str], before_noun: bool = False, person: bool = False
) -> str:
    """'NATOs' -> 'NATO' when the apostrophe was stripped; forms holds lower-cased names."""
    if (
        len(text) < _SHORTEST_POSSESSIVE or not text.endswith("s")
        or text.endswith(("ss", "'s", "’s"))
    ):
        return text
    return text[:-1] if _owner_before_s(text, forms, before_noun, person) else text


def _owner_before_s(text: str, forms: set[str], before_noun: bool, person: bool) -> bool:
    """Whether `text` without its final s is the name the s was a possessive of: capitals
    ("NATOs"), a name or place of the story, a person's full name whose surname the story
    uses ("Hillary Clintons"), or any name before a noun ("Obamas plan") whose last word is
    no plural or surname of its own."""
    stem = text[:-1]
    if _CAPITALS.fullmatch(stem):
        return True
    lowered = stem.lower()
    last = lowered.split()[-1]
    return (
        lowered in forms or lowered in PLACES
        or (person and " " in lowered and last in forms)
        or (
            before_noun and len(last) >= _SHORTEST_OWNER_WORD
            and text.split()[-1].lower() not in _NAME_ENDINGS_IN_S
        )
    )


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
        and part.lower() not in NAME_SUFFIXES and not is_place(part)
    )


def _part_mentions(mention: Mention, parts: list[str], labels: list[str]) -> list[Mention]:
    """Mentions for the parts of `mention.text`, in order, with their offsets in the paragraph."""
    found, at = [], 0
    for part, label in zip(parts, labels, strict=True):
        at = mention.text.index(part, at)
        start = mention.start + at
        found.append(Mention(
            mention.paragraph, start, start + len(part), part, label, mention.canonical,
            mention.before_noun and part == parts[-1], mention.opens_sentence and at == 0,
        ))
        at += len(part)
    return found


def split_name_lists(mentions: list[Mention]) -> list[Mention]:
    """A list the model read as one name ("Tom Becker and Lia Moss") becomes one mention per
    member: a person when the model said so or when every member is shaped like one."""
    result: list[Mention] = []
    for mention in mentions:
        listed = mention.label in ("PERSON", "ORG") and (
            "," in mention.text or " and " in mention.text
        )
        parts = split_name_list(mention.text) if listed else [mention.text]
        if len(parts) > 1 and (
            mention.label == "PERSON" or all(person_shaped(part) for part in parts)
        ):
            result.extend(_part_mentions(mention, parts, ["PERSON"] * len(parts)))
        else:
            result.append(mention)
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
    forms = forms_and_last_words(mentions)
    people = forms_and_last_words([m for m in mentions if m.label == "PERSON"])
    result: list[Mention] = []
    for mention in mentions:
        possession = None
        if mention.label in ("PERSON", "ORG"):
            possession = _owner_and_owned(mention.text, forms - {mention.text.lower()})
        if possession is None:
            result.append(mention)
        else:
            parts = [possession.owner, possession.owned]
            result.extend(_part_mentions(mention, parts, possession.labels(mention.label, people)))
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
        if (
            len(word) >= _SHORTEST_POSSESSIVE and word.endswith("s")
            and word.lower() not in PLURAL_NAME_ENDINGS
        ):
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
        lowered in forms or is_place(owner) or lowered in INSTITUTIONS or person_shaped(owned)
    )


def label_dotted_acronyms(mentions: list[Mention]) -> None:
    """"F.B.I." and "N.A.T.O." are organisations, whatever the model calls them."""
    for mention in mentions:
        if mention.label in ("GPE", "LOC", "NORP", "PERSON") and is_dotted_acronym(mention.text):
            mention.label = "ORG"


def named_parts(mentions: list[Mention]) -> list[Mention]:
    """The model's mentions with their names made whole: dotted acronyms labelled as
    organisations, lists split into their members, an owner's possessive split off."""
    label_dotted_acronyms(mentions)
    return split_inner_possessives(split_name_lists(mentions))


def forms_and_last_words(mentions: list[Mention]) -> set[str]:
    """Every lower-cased form of the story and its last word ("trump" of "donald trump")."""
    forms = {m.text.lower() for m in mentions}
    return forms | {m.text.split()[-1].lower() for m in mentions if m.text}
