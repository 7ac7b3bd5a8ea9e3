"""What the name passes read and build: a `Mention` (one name the model or a rule found, with
its offsets) and an `Actor` (a person or an organisation and every mention of it), and the
cleaning that turns a surface form into a name."""

import re
from dataclasses import dataclass, field

from .places import is_place

PERSON = "person"
ORGANISATION = "organisation"
KNOWN_PERSON = "KNOWN_PERSON"  # `Mention.label` of a curated person's name
KNOWN_ORG = "KNOWN_ORG"  # `Mention.label` of a curated or built-in organisation's name

_EDGE_PUNCT = " \t,.;:!?\"'“”‘’()[]{}-–—"


@dataclass
class Mention:
    """One name in one paragraph, as the model, the editors' names or a rule found it."""

    paragraph: int
    start: int  # character offsets within the paragraph
    end: int
    text: str  # cleaned surface form
    label: str  # the model's label, or KNOWN_PERSON / KNOWN_ORG
    canonical: str | None = None  # from KnownEntities
    before_noun: bool = False  # a lower-case noun follows: "Supreme Courts ruling"
    opens_sentence: bool = False  # the first word of its sentence


@dataclass
class Actor:
    """A person or an organisation of the story: every mention of it and each spelling."""

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
