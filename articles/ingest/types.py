"""What extraction returns: the contract between the extractors and the ingest service."""

from dataclasses import dataclass, field


@dataclass
class FoundEntity:
    """A person or organisation named in a story."""

    name: str  # canonical: the fullest form the story uses ("Antony Blinken")
    aliases: list[str] = field(default_factory=list)  # other spellings seen ("Blinken")
    mentions: int = 1
    # Offset of the first mention in the body, the paragraphs joined with "\n".
    first_offset: int = 0


@dataclass
class FoundQuote:
    text: str
    kind: str  # "direct" or "reported"
    paragraph: int  # index into the story's paragraphs
    start: int  # offsets of `text` within that paragraph
    end: int
    speaker: str | None = None  # canonical name of a FoundEntity, or None when unresolved
    speaker_type: str | None = None  # "person", "organisation" or None
    speaker_text: str = ""  # the words the story uses for the speaker ("he", "the Kremlin")
    verb: str = ""
    confidence: float = 0.5
    method: str = ""


@dataclass
class Extraction:
    people: list[FoundEntity] = field(default_factory=list)
    organisations: list[FoundEntity] = field(default_factory=list)
    quotes: list[FoundQuote] = field(default_factory=list)


@dataclass
class KnownEntities:
    """What editors curated, recognised before the model is asked.

    Keys are lower-cased surface forms (a name or an alias); values are canonical names.
    `blocked` holds lower-cased names an editor marked "not an entity".
    """

    people: dict[str, str] = field(default_factory=dict)
    organisations: dict[str, str] = field(default_factory=dict)
    blocked: set[str] = field(default_factory=set)
