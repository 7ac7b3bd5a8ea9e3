"""Who is in a story and who said what: spaCy's small English pipeline plus a rule layer.

`extract(paragraphs)` is pure: paragraphs in, people, organisations and quotes with character
offsets out. Names editors curated (`KnownEntities`) are matched before the model is asked.
"""

import re
from dataclasses import dataclass

from .actors import KNOWN_ORG, KNOWN_PERSON, ORGANISATION, PERSON, Actor, Mention, clean_name
from .letters import LOWER, UPPER
from .lexicon import PLACES, WELL_KNOWN_ORGANISATIONS
from .mentions import is_headline, model_mentions, overlaps
from .names import build_actors
from .people import find_given_name_people
from .pipeline import NO_DEADLINE, Deadline, load_nlp, parse
from .quotes import find_quotes
from .titles import collect_titles
from .types import Extraction, FoundEntity, KnownEntities

__all__ = ["MAX_PARAGRAPH_CHARS", "extract", "is_credit_line", "load_nlp"]

# Reporters named in a credit line are not actors ("X in Kyiv contributed to this report").
CREDIT_LINE = re.compile(
    r"contributed( reporting)?( to)?( this)? (report|story|article)|contributed reporting"
    r"|\b(associated press|ap|reuters|afp) (writer|correspondent|reporter)s? [A-Z]"
    r"|share this article"
    # Photo captions and credits: "toggle caption Jane Roe /AFP/Getty Images".
    r"|getty images|toggle caption|enlarge this image|\b(photo|photograph|image) credit"
    r"|/(afp|ap|reuters|epa|sipa)\b",
    re.IGNORECASE,
)
# The credits that open a paragraph ("By Jane Roe", "(Reporting by ..."), matched at its start
# only: as alternatives of `CREDIT_LINE` they were tried at every character.
CREDIT_LINE_START = re.compile(
    r"\(?(reporting|writing|editing|additional reporting) by\b|by [A-Z]"
    r"|to contact the (reporter|editor)s?\b|follow [A-Z].* on twitter"
    r"|[—–-]+ ?with assistance|with assistance (by|from)",
    re.IGNORECASE,
)
# A paragraph that is only a name ("Jane Roe"): a byline left among the paragraphs.
_BYLINE = re.compile(rf"(?:By )?[{UPPER}][\w.'’-]+(?: [{UPPER}][\w.'’-]+){{1,3}}")
_PLACE_CONTEXT = re.compile(
    r"\b(?:in|to|from|near|across|into|outside|around|visited|capital,?) "
    rf"([{UPPER}][{LOWER}]+)\b(?! [{UPPER}])"
)
# "the coastal town of Greywell": a place whatever the model calls it elsewhere.
_NAMED_PLACE = re.compile(
    rf"\b(?:town|city|village|port|province|region|district) of ([{UPPER}][{LOWER}]+)\b"
    rf"(?! [{UPPER}])"
)
# A capitalised word of the story, accented capitals included ("Łódź").
_CAPITALISED_WORD = re.compile(rf"\b[{UPPER}][\w-]+")


# Page furniture a scraper leaves inside paragraphs: video players ("JUST WATCHED ... Replay
# More Videos"), galleries, captions, sign-up boxes, section labels, related-link markers.
_FURNITURE = re.compile(
    r"\b(?:JUST WATCHED|MUST WATCH|Replay More Videos|Story highlights"
    r"|Hide Caption(?: \d+ of \d+)?|Photos?: |Slideshow \(\d+ Images?\)|Email Sign Up"
    r"|Media playback is unsupported on your device|(?:Media|Image) caption|Image copyright"
    r"|toggle caption|Enlarge this image|(?:NEWS )?ANALYSIS(?:/OPINION)?:|MORE\b)"
)
# Photo credits inside a paragraph: "(Photo by Jane Roe/Getty Images)", "AP Photo/Jane Roe",
# "Jane Roe/AFP". The photographer is not an actor of the story.
_AGENCY = r"(?:Getty Images|AP|AFP|Reuters|EPA|Sipa(?: USA)?|Bloomberg|Pool|File Photo)"
_PHOTO_CREDIT = re.compile(
    r"\((?:AP |AFP |Reuters )?Photo(?:graph)?s?(?: by|:)[^)]{0,80}\)"
    rf"|\b{_AGENCY} Photos?/[{UPPER}][\w.'’-]*(?: [{UPPER}][\w.'’-]*){{0,3}}"
    rf"|\b(?:[{UPPER}][\w.'’-]+ ){{0,3}}[{UPPER}][\w.'’-]+ ?/ ?(?:[{UPPER}][\w.'’-]+ ?/ ?)?"
    rf"{_AGENCY}\b"
)


def _blank_furniture(text: str) -> str:
    """Spaces over page furniture and photo credits, offsets unchanged: neither the model nor
    the name rules should read "Replay More Videos" or a photographer's name as an actor."""
    # Every photo credit holds "Photo" or a slash; most paragraphs hold neither, and the
    # pattern's capitalised runs cost more to try at every word than these two look-ups.
    if "Photo" in text or "/" in text:
        text = _PHOTO_CREDIT.sub(_spaces, text)
    return _FURNITURE.sub(_spaces, text)


def _spaces(match: re.Match) -> str:
    """As many spaces as the match is long."""
    return " " * len(match[0])


# A credit line is short: a long paragraph that mentions a credit is the story's own text.
_CREDIT_LINE_MAX_CHARS = 400


def is_credit_line(paragraph: str) -> bool:
    """Whether a paragraph is a byline or a credit (`CREDIT_LINE`, `CREDIT_LINE_START`), whose
    names are not actors."""
    if _BYLINE.fullmatch(paragraph.strip()):
        return True
    return len(paragraph) < _CREDIT_LINE_MAX_CHARS and bool(
        CREDIT_LINE_START.match(paragraph) or CREDIT_LINE.search(paragraph)
    )


_WORD = re.compile(r"\w+")
_DATELINE = re.compile(
    rf"^(?P<city>[{UPPER}][{UPPER}.'’-]{{2,}}(?: [{UPPER}][{UPPER}.'’-]+)*)"  # AUGUSTA, NEW YORK
    rf"(?P<more>, [{UPPER}][\w.]*(?: [{UPPER}][\w.]*)*)?"  # , Me.  , Ukraine
    r"(?P<agency> \([A-Za-z ]+\))? ?[—–-]{1,2} "  # (AP) —
)


def _blank_dateline(text: str) -> str:
    """'AUGUSTA, Me. — Paul LePage declared': spaces over the dateline, so the parser does not
    take the city for the sentence's subject. 'NATO — the alliance ...' is no dateline: the
    capitals must be a known place or come with a region or an agency."""
    match = _DATELINE.match(text)
    if match is None or not (
        match["more"] or match["agency"] or match["city"].lower() in PLACES
    ):
        return text
    return " " * match.end() + text[match.end():]


@dataclass(frozen=True, slots=True)
class _Curated:
    """What a curated surface stands for."""

    canonical: str
    label: str  # KNOWN_PERSON or KNOWN_ORG


@dataclass
class _KnownIndex:
    """Curated names by lower-cased surface, built once per `KnownEntities`."""

    known: KnownEntities  # lower-cased copy used by the rest of extraction
    surfaces: dict[str, _Curated]
    # Descriptive aliases that may appear in lower case ("the grid operator"); see `_phrase`.
    phrases: set[str]
    # The most words (runs of letters and digits) of a surface, by the surface's first word:
    # a run of the text is looked up only from a word that begins some surface.
    max_words: dict[str, int]


@dataclass(frozen=True, slots=True)
class _CachedIndex:
    """An index with what it was built from. Holding the caller's object keeps its id from
    being reused; the sizes catch a caller adding names between stories."""

    known: KnownEntities
    sizes: tuple[int, int, int]
    index: _KnownIndex


_INDEX_CACHE: dict[int, _CachedIndex] = {}  # by id() of the caller's KnownEntities
_INDEX_CACHE_SIZE = 4
_NO_KNOWN = KnownEntities()


# An acronym of capitals, and the lower-cased form it takes written with full stops:
# "FBI" is also found as "F.B.I.", "NATO" as "N.A.T.O.". Up to four letters: each letter is a
# word of the lookup, and a five-word surface would widen every paragraph's n-gram search
# (20% more lookups); longer dotted acronyms are rare and still found by the model.
_ACRONYM = re.compile(r"[A-Z]{2,4}")


def _dotted(acronym: str) -> str:
    """"FBI" -> "f.b.i.": an acronym as a lookup key of its form with full stops."""
    return "".join(letter + "." for letter in acronym.lower())


def _known_index(known: KnownEntities) -> _KnownIndex:
    """The lookup index of the curated names, cached: a caller passes the same `KnownEntities`
    for story after story, and building the index of thousands of names each time costs."""
    sizes = (len(known.people), len(known.organisations), len(known.blocked))
    cached = _INDEX_CACHE.get(id(known))
    if cached is not None and cached.known is known and cached.sizes == sizes:
        return cached.index
    index = _build_index(_lowered(known))
    while len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
        _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
    _INDEX_CACHE[id(known)] = _CachedIndex(known, sizes, index)
    return index


def _lowered(known: KnownEntities) -> KnownEntities:
    """The curated names with lower-cased keys, the built-in organisations added under the
    curated ones, and each short acronym also in its dotted form ("f.b.i.")."""
    organisations = (*WELL_KNOWN_ORGANISATIONS.items(), *known.organisations.items())
    return KnownEntities(
        people={k.lower(): v for k, v in known.people.items()},
        organisations={
            **{_dotted(k): v for k, v in organisations if _ACRONYM.fullmatch(k)},
            **{k.lower(): v for k, v in organisations},
        },
        blocked={b.lower() for b in known.blocked},
    )


def _build_index(lowered: KnownEntities) -> _KnownIndex:
    """Every surface that is not blocked and has a word in it, with what it stands for."""
    surfaces: dict[str, _Curated] = {}
    phrases: set[str] = set()
    max_words: dict[str, int] = {}
    # People first: a surface curated as both keeps its person reading, as before.
    for mapping, label in ((lowered.people, KNOWN_PERSON), (lowered.organisations, KNOWN_ORG)):
        for surface, canonical in mapping.items():
            surface = surface.strip()
            if not surface or surface in lowered.blocked or not _WORD.search(surface):
                continue
            if surface not in surfaces:
                surfaces[surface] = _Curated(canonical, label)
                if _phrase(surface, canonical):
                    phrases.add(surface)
            first = _WORD.match(surface)  # text is looked up from a word's start only
            if first is not None:
                words = len(_WORD.findall(surface))
                max_words[first[0]] = max(max_words.get(first[0], 0), words)
    return _KnownIndex(lowered, surfaces, phrases, max_words)


def _phrase(surface: str, canonical: str) -> bool:
    """Keys arrive lower-cased, so a name's capital is lost: only a descriptive alias of several
    words that shares no word with the name ("the grid operator" for Ukrenergo) may match text
    in lower case. A name form ("may" of Theresa May, "house" of the House) needs its capital,
    so ordinary words never match it."""
    words = _WORD.findall(surface)
    return len(words) >= 2 and not set(words) & {w.lower() for w in _WORD.findall(canonical)}


@dataclass(frozen=True, slots=True)
class _CuratedHit:
    """Text of a paragraph that spells a curated surface."""

    start: int
    end: int
    surface: str
    curated: _Curated

    def rank(self) -> tuple[int, int, int, str, str]:
        """Longest surface first, then leftmost: 'Antony Blinken' before 'Blinken'."""
        curated = self.curated
        return (-len(self.surface), self.start, self.end, curated.canonical, curated.label)


def _known_mentions(paragraphs: list[str], index: _KnownIndex) -> list[Mention]:
    """Curated names and aliases, longest first, so 'Antony Blinken' beats 'Blinken'.

    Each paragraph's word runs are looked up as n-grams (up to the longest curated surface) in
    one dict, so the cost does not grow with the number of curated names. The text must start
    with a capital or a digit ("may" is not "May"); the rest matches case-insensitively, and a
    stripped or kept possessive ("NATOs", "Blinken's") still matches."""
    found: list[Mention] = []
    if not index.surfaces:
        return found
    for number, paragraph in enumerate(paragraphs):
        for hit in _longest_first(_curated_hits(paragraph, index)):
            text = clean_name(paragraph[hit.start : hit.end])
            found.append(Mention(
                number, hit.start, hit.end, text, hit.curated.label, hit.curated.canonical
            ))
    found.sort(key=lambda m: (m.paragraph, m.start))
    return found


def _curated_hits(paragraph: str, index: _KnownIndex) -> list[_CuratedHit]:
    """Every run of words in the paragraph that spells a curated surface, overlaps included.
    A surface in lower case counts only when it is a descriptive phrase (`_phrase`)."""
    surfaces, phrases = index.surfaces, index.phrases
    words = [(m.start(), m.end()) for m in _WORD.finditer(paragraph)]
    hits: list[_CuratedHit] = []
    for first, (start, end) in enumerate(words):
        most = _most_words(paragraph[start:end].lower(), index.max_words)
        if not most:
            continue
        capital = _capitalised_at(paragraph, start)
        for last in range(min(len(words), first + most) - 1, first - 1, -1):
            hit = _lookup(paragraph, start, words[last][1], surfaces)
            if hit is not None and (capital or hit.surface in phrases):
                hits.append(hit)
    return hits


def _most_words(word: str, max_words: dict[str, int]) -> int:
    """How many words a surface beginning with this (lower-cased) word may have; 0 if none
    begins with it. "natos" may be "NATO" with its apostrophe stripped (`_lookup`)."""
    most = max_words.get(word, 0)
    if word.endswith("s"):
        most = max(most, max_words.get(word[:-1], 0))
    return most


def _capitalised_at(paragraph: str, start: int) -> bool:
    """Whether the word at `start` may begin a name: a capital, a digit, or "the " before a
    capital ("the Daily Ledger")."""
    return paragraph[start].isupper() or paragraph[start].isdigit() or (
        paragraph[start:start + 4] == "the " and paragraph[start + 4 : start + 5].isupper()
    )


def _longest_first(hits: list[_CuratedHit]) -> list[_CuratedHit]:
    """The hits that no longer (or, at equal length, earlier) hit overlaps."""
    kept: list[_CuratedHit] = []
    taken: list[tuple[int, int]] = []
    for hit in sorted(hits, key=_CuratedHit.rank):
        if overlaps(taken, hit.start, hit.end):
            continue
        taken.append((hit.start, hit.end))
        kept.append(hit)
    return kept


def _lookup(
    paragraph: str, start: int, end: int, surfaces: dict[str, _Curated]
) -> _CuratedHit | None:
    """The curated surface the text paragraph[start:end] spells, allowing a full stop that
    ends the surface ("U.S.") and a possessive after it, or None."""
    text = paragraph[start:end].lower()
    if paragraph[end : end + 1] == "." and text + "." in surfaces:
        return _CuratedHit(start, end + 1, text + ".", surfaces[text + "."])
    if text in surfaces:
        after = paragraph[end : end + 3]
        if after[:2] in ("'s", "’s") and not (after[2:3].isalnum() or after[2:3] == "_"):
            end += 2  # "Blinken's": the possessive belongs to the mention, as before
        return _CuratedHit(start, end, text, surfaces[text])
    if text.endswith("s") and text[:-1] in surfaces:  # "NATOs": an apostrophe stripped
        return _CuratedHit(start, end, text[:-1], surfaces[text[:-1]])
    return None


def _find_mentions(
    docs, texts: list[str], visible: list[str], skip: set[int], index: _KnownIndex
) -> list[Mention]:
    """Every name's mentions in text order: the curated and built-in names first, then the
    model's entities, then the people the model missed. `texts` are what the model read."""
    known_found = [m for m in _known_mentions(visible, index) if m.paragraph not in skip]
    known_spans: dict[int, list[tuple[int, int]]] = {}
    for mention in known_found:
        known_spans.setdefault(mention.paragraph, []).append((mention.start, mention.end))
    headlines = {number for number, text in enumerate(texts) if is_headline(text)}
    mentions = known_found + model_mentions(docs, texts, skip, known_spans, headlines)
    mentions += find_given_name_people(visible, skip | headlines, _taken_spans(docs, mentions))
    mentions.sort(key=lambda m: (m.paragraph, m.start))
    return mentions


def _taken_spans(docs, mentions: list[Mention]):
    """A paragraph's spans of every entity the model found (dates and events too) and of every
    mention: text that is already something, which no name rule may claim again. Read only
    for the few paragraphs a rule asks about: building the model's entity spans costs."""

    def taken(index: int) -> list[tuple[int, int]]:
        spans = [(ent.start_char, ent.end_char) for ent in docs[index].ents]
        return spans + [(m.start, m.end) for m in mentions if m.paragraph == index]

    return taken


# The shortest form the document pass looks for: "Li" or "Wu" would match too much.
_MIN_DOCUMENT_FORM_CHARS = 3
_DOCUMENT_LABEL = "DOC"  # `Mention.label` of a mention the document pass found
_FORM_ENDINGS = ("s", "'s", "’s")  # a plural or a possessive
_WORD_CHARACTER = re.compile(r"\w")


def _document_pass(paragraphs, actors: list[Actor], skip: set[int]) -> None:
    """Every later appearance of a form the story already used is that actor, even where the
    model missed it or called a surname a place. Longer forms claim their text first."""
    spans_by_paragraph = _mention_spans(actors)
    for form, actor in _forms_longest_first(actors):
        if len(form) < _MIN_DOCUMENT_FORM_CHARS:
            continue
        # Case-sensitive: a paragraph without the form as a substring has no match, and most
        # paragraphs do not name a given actor.
        for index, paragraph in enumerate(paragraphs):
            if form not in paragraph or index in skip:
                continue
            spans = spans_by_paragraph.setdefault(index, [])
            for start, end in _form_occurrences(paragraph, form):
                if overlaps(spans, start, end):
                    continue
                spans.append((start, end))
                actor.mentions.append(Mention(index, start, end, form, _DOCUMENT_LABEL))
                actor.forms.setdefault(form, 0)


def _mention_spans(actors: list[Actor]) -> dict[int, list[tuple[int, int]]]:
    """The spans the actors' mentions hold, by paragraph: text no other form may claim."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for actor in actors:
        for mention in actor.mentions:
            spans.setdefault(mention.paragraph, []).append((mention.start, mention.end))
    return spans


def _forms_longest_first(actors: list[Actor]) -> list[tuple[str, Actor]]:
    """Every form of every actor, and the surname of a person's full name when no other person
    has it, as (form, actor), the longest form first."""
    pairs = {
        (form, id(actor)): actor for actor in actors for form in {*actor.forms, actor.canonical}
    }
    for surname, owner in _unshared_surnames(actors):
        pairs.setdefault((surname, id(owner)), owner)
    return sorted(
        ((form, actor) for (form, _), actor in pairs.items()), key=lambda pair: -len(pair[0])
    )


def _unshared_surnames(actors: list[Actor]) -> list[tuple[str, Actor]]:
    """(surname, person) for each capitalised last word of a person's full name that no other
    person's name ends with: "Marsh" is Helena Marsh's unless a Tom Marsh is in the story."""
    owners_by_surname: dict[str, list[Actor]] = {}
    for actor in actors:
        if actor.kind != PERSON:
            continue
        for form in {*actor.forms, actor.canonical}:
            if " " in form:
                owners_by_surname.setdefault(form.split()[-1], []).append(actor)
    return [
        (surname, owners[0]) for surname, owners in owners_by_surname.items()
        if len({id(owner) for owner in owners}) == 1 and surname[:1].isupper()
    ]


def _form_occurrences(paragraph: str, form: str) -> list[tuple[int, int]]:
    """(start, end) of each whole-word occurrence of `form`, with a plural or possessive
    ending ("Marshs", "Marsh's") included, left to right and not overlapping.

    The same matches as re.finditer(r"(?<!\\w)FORM(?:s|'s|’s)?(?!\\w)"), without compiling a
    pattern per form: that compiling cost about 4% of extraction."""
    found: list[tuple[int, int]] = []
    start = paragraph.find(form)
    while start >= 0:
        end = _whole_word_end(paragraph, start, start + len(form))
        if end is None:
            start = paragraph.find(form, start + 1)
        else:
            found.append((start, end))
            start = paragraph.find(form, end)
    return found


def _whole_word_end(paragraph: str, start: int, end: int) -> int | None:
    """Where the word from `start` to `end` ends with its plural or possessive ending, or None
    when a word character touches it on either side."""
    if start > 0 and _WORD_CHARACTER.match(paragraph, start - 1):
        return None
    for ending in _FORM_ENDINGS:
        if paragraph.startswith(ending, end) and not _WORD_CHARACTER.match(
            paragraph, end + len(ending)
        ):
            return end + len(ending)
    if _WORD_CHARACTER.match(paragraph, end):
        return None
    return end


# Extraction reads at most this much of a paragraph (the import service cuts there too): the
# parser's time and memory grow with a paragraph's length, and no news paragraph is this long.
MAX_PARAGRAPH_CHARS = 20_000
# A paragraph cut at the bound ends at a space found this close to it, not in a word.
_CUT_SEARCH_CHARS = 200


def _bounded(paragraph: str) -> str:
    """The paragraph's first `MAX_PARAGRAPH_CHARS` characters, cut after a space when one is
    near, so no half word is left at the end. Offsets into it are offsets into the original."""
    if len(paragraph) <= MAX_PARAGRAPH_CHARS:
        return paragraph
    space = paragraph.rfind(" ", MAX_PARAGRAPH_CHARS - _CUT_SEARCH_CHARS, MAX_PARAGRAPH_CHARS)
    return paragraph[: space if space > 0 else MAX_PARAGRAPH_CHARS]


def _parser_text(visible: str) -> str:
    """What the parser reads, offsets unchanged: curly quotes become straight ones and a
    dateline ("AUGUSTA, Me. — ") becomes spaces, so it is not read as the first sentence's
    subject."""
    return _blank_dateline(visible.replace("“", '"').replace("”", '"'))


def _credit_lines(paragraphs: list[str]) -> set[int]:
    """The numbers of the paragraphs that credit reporters or photographers: no rule reads
    their names as actors."""
    return {number for number, paragraph in enumerate(paragraphs) if is_credit_line(paragraph)}


@dataclass(frozen=True, slots=True)
class _StoryWords:
    """What the story's own wording says about its capitalised words, for `build_actors`."""

    capitalised: set[str]  # every capitalised word, lower-cased
    place_contexts: set[str]  # single capitalised words after "in", "to", "from"...: places
    named_places: set[str]  # "the town of Greywell"


def _story_words(paragraphs: list[str]) -> _StoryWords:
    """The capitalised words of the story and those its wording marks as places."""
    return _StoryWords(
        capitalised={w.lower() for p in paragraphs for w in _CAPITALISED_WORD.findall(p)},
        place_contexts={w.lower() for p in paragraphs for w in _PLACE_CONTEXT.findall(p)},
        named_places={w.lower() for p in paragraphs for w in _NAMED_PLACE.findall(p)},
    )


def extract(
    paragraphs: list[str],
    *,
    known: KnownEntities | None = None,
    deadline: Deadline = NO_DEADLINE,
) -> Extraction:
    """People, organisations and quotes in a story's paragraphs, read up to
    `MAX_PARAGRAPH_CHARS` characters of each. Past the deadline (checked after each parse
    batch and before each later pass) it raises ExtractionTimeout."""
    lengths = [len(p) for p in paragraphs]  # offsets count the whole paragraphs
    paragraphs = [_bounded(p) for p in paragraphs]
    index = _known_index(known or _NO_KNOWN)
    visible = [_blank_furniture(p) for p in paragraphs]
    texts = [_parser_text(p) for p in visible]
    docs = parse(texts, deadline)
    skip = _credit_lines(paragraphs)

    mentions = _find_mentions(docs, texts, visible, skip, index)
    deadline.check()
    words = _story_words(paragraphs)
    actors = build_actors(
        mentions, index.known, words.capitalised, words.place_contexts, words.named_places
    )
    _document_pass(visible, actors, skip)
    collect_titles(docs, actors)
    deadline.check()

    quotes = find_quotes(paragraphs, docs, actors, skip)
    return _extraction(actors, quotes, lengths)


def _extraction(actors: list[Actor], quotes, lengths: list[int]) -> Extraction:
    """The people and organisations, each in order of first mention, and the quotes."""
    offsets = _paragraph_offsets(lengths)
    return Extraction(
        people=_found_entities(actors, PERSON, offsets),
        organisations=_found_entities(actors, ORGANISATION, offsets),
        quotes=quotes,
    )


def _paragraph_offsets(lengths: list[int]) -> list[int]:
    """Where each paragraph starts in the body, the paragraphs joined with "\\n"."""
    offsets = []
    position = 0
    for length in lengths:
        offsets.append(position)
        position += length + 1
    return offsets


def _found_entities(actors: list[Actor], kind: str, offsets: list[int]) -> list[FoundEntity]:
    """The actors of one kind as the service stores them, in order of first mention."""
    found = []
    for actor in actors:
        if actor.kind != kind:
            continue
        first = min(actor.mentions, key=lambda m: (m.paragraph, m.start))
        found.append(FoundEntity(
            name=actor.canonical,
            aliases=actor.aliases,
            mentions=len(actor.mentions),
            first_offset=offsets[first.paragraph] + first.start,
        ))
    return sorted(found, key=lambda entity: entity.first_offset)
