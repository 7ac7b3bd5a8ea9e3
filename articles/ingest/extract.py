"""Who is in a story and who said what: spaCy's small English pipeline plus a rule layer.

`extract(paragraphs)` is pure: paragraphs in, people, organisations and quotes with character
offsets out. Names editors curated (`KnownEntities`) are matched before the model is asked.
"""

import re
from dataclasses import dataclass

from .lexicon import PLACES, TITLES, WELL_KNOWN_ORGANISATIONS
from .names import (
    LOWER,
    ORGANISATION,
    PERSON,
    UPPER,
    Actor,
    Mention,
    build_actors,
    clean_name,
    find_given_name_people,
    run_together_word,
)
from .pipeline import NO_DEADLINE, Deadline, dictionary_words, load_nlp, parse
from .quotes import find_quotes
from .types import Extraction, FoundEntity, KnownEntities

__all__ = ["MAX_PARAGRAPH_CHARS", "extract", "is_credit_line", "load_nlp"]

# Reporters named in a credit line are not actors ("X in Kyiv contributed to this report").
CREDIT_LINE = re.compile(
    r"contributed( reporting)?( to)?( this)? (report|story|article)|contributed reporting"
    r"|^\(?(reporting|writing|editing|additional reporting) by\b|^by [A-Z]"
    r"|\b(associated press|ap|reuters|afp) (writer|correspondent|reporter)s? [A-Z]"
    r"|^to contact the (reporter|editor)s?\b|^follow [A-Z].* on twitter"
    r"|^[—–-]+ ?with assistance|^with assistance (by|from)|share this article"
    # Photo captions and credits: "toggle caption Jane Roe /AFP/Getty Images".
    r"|getty images|toggle caption|enlarge this image|\b(photo|photograph|image) credit"
    r"|/(afp|ap|reuters|epa|sipa)\b",
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
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
# A name right after one of these is a person whatever the model says ("Chancellor Olaf Scholz").
_PERSON_CUES = TITLES - {
    "foreign", "defense", "defence", "interior", "state", "u.s.", "us", "gop", "democratic",
    "republican", "former", "acting", "deputy", "assistant", "vice", "chief", "house",
}
_ORG_WORDS = {
    "ministry", "department", "party", "council", "committee", "agency", "office", "union",
    "bank", "group", "company", "corp", "inc", "association", "commission", "court", "house",
    "senate", "parliament", "organization", "organisation", "institute", "university",
    "foundation", "army", "force", "forces", "service", "news", "times", "post", "press",
}


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
    for pattern in (_PHOTO_CREDIT, _FURNITURE):
        text = pattern.sub(lambda match: " " * len(match[0]), text)
    return text


def is_credit_line(paragraph: str) -> bool:
    if _BYLINE.fullmatch(paragraph.strip()):
        return True
    return bool(CREDIT_LINE.search(paragraph)) and len(paragraph) < 400


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


@dataclass
class _KnownIndex:
    """Curated names by lower-cased surface, built once per `KnownEntities`."""

    known: KnownEntities  # lower-cased copy used by the rest of extraction
    surfaces: dict[str, tuple[str, str]]  # surface -> (canonical, "KNOWN_PERSON"/"KNOWN_ORG")
    # Descriptive aliases that may appear in lower case ("the grid operator"); see `_phrase`.
    phrases: set[str]
    max_words: int  # the most words (runs of letters/digits) in any surface


# id(caller's KnownEntities) -> (that object, its sizes, the index). Holding the object keeps
# its id from being reused; the sizes catch a caller adding names between stories.
_INDEX_CACHE: dict[int, tuple[KnownEntities, tuple[int, int, int], _KnownIndex]] = {}
_INDEX_CACHE_SIZE = 4
_NO_KNOWN = KnownEntities()


# An acronym of capitals, and the lower-cased form it takes written with full stops:
# "FBI" is also found as "F.B.I.", "NATO" as "N.A.T.O.". Up to four letters: each letter is a
# word of the lookup, and a five-word surface would widen every paragraph's n-gram search
# (20% more lookups); longer dotted acronyms are rare and still found by the model.
_ACRONYM = re.compile(r"[A-Z]{2,4}")


def _dotted(acronym: str) -> str:
    return "".join(letter + "." for letter in acronym.lower())


def _known_index(known: KnownEntities) -> _KnownIndex:
    sizes = (len(known.people), len(known.organisations), len(known.blocked))
    cached = _INDEX_CACHE.get(id(known))
    if cached is not None and cached[0] is known and cached[1] == sizes:
        return cached[2]
    organisations = (*WELL_KNOWN_ORGANISATIONS.items(), *known.organisations.items())
    lowered = KnownEntities(
        people={k.lower(): v for k, v in known.people.items()},
        organisations={
            **{_dotted(k): v for k, v in organisations if _ACRONYM.fullmatch(k)},
            **{k.lower(): v for k, v in organisations},
        },
        blocked={b.lower() for b in known.blocked},
    )
    surfaces: dict[str, tuple[str, str]] = {}
    phrases: set[str] = set()
    max_words = 0
    # People first: a surface curated as both keeps its person reading, as before.
    for mapping, label in ((lowered.people, "KNOWN_PERSON"), (lowered.organisations, "KNOWN_ORG")):
        for surface, canonical in mapping.items():
            surface = surface.strip()
            if not surface or surface in lowered.blocked or not _WORD.search(surface):
                continue
            if surface not in surfaces:
                surfaces[surface] = (canonical, label)
                if _phrase(surface, canonical):
                    phrases.add(surface)
            max_words = max(max_words, len(_WORD.findall(surface)))
    index = _KnownIndex(lowered, surfaces, phrases, max_words)
    while len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
        _INDEX_CACHE.pop(next(iter(_INDEX_CACHE)))
    _INDEX_CACHE[id(known)] = (known, sizes, index)
    return index


def _phrase(surface: str, canonical: str) -> bool:
    """Keys arrive lower-cased, so a name's capital is lost: only a descriptive alias of several
    words that shares no word with the name ("the grid operator" for Ukrenergo) may match text
    in lower case. A name form ("may" of Theresa May, "house" of the House) needs its capital,
    so ordinary words never match it."""
    words = _WORD.findall(surface)
    return len(words) >= 2 and not set(words) & {w.lower() for w in _WORD.findall(canonical)}


def _known_mentions(paragraphs: list[str], index: _KnownIndex) -> list[Mention]:
    """Curated names and aliases, longest first, so 'Antony Blinken' beats 'Blinken'.

    Each paragraph's word runs are looked up as n-grams (up to the longest curated surface) in
    one dict, so the cost does not grow with the number of curated names. The text must start
    with a capital or a digit ("may" is not "May"); the rest matches case-insensitively, and a
    stripped or kept possessive ("NATOs", "Blinken's") still matches."""
    surfaces, phrases, max_words = index.surfaces, index.phrases, index.max_words
    found: list[Mention] = []
    if not surfaces:
        return found
    for number, paragraph in enumerate(paragraphs):
        words = [(m.start(), m.end()) for m in _WORD.finditer(paragraph)]
        hits: list[tuple[int, int, int, str, str]] = []  # (-length, start, end, canonical, label)
        for i, (start, _) in enumerate(words):
            capital = paragraph[start].isupper() or paragraph[start].isdigit() or (
                # "the Daily Ledger": a lower-case article before a capitalised name
                paragraph[start:start + 4] == "the " and paragraph[start + 4 : start + 5].isupper()
            )
            for j in range(min(len(words), i + max_words) - 1, i - 1, -1):
                hit = _lookup(paragraph, start, words[j][1], surfaces)
                if hit is not None and (capital or hit[1] in phrases):
                    end, surface = hit
                    hits.append((-len(surface), start, end, *surfaces[surface]))
        hits.sort()
        taken: list[tuple[int, int]] = []
        for _, start, end, canonical, label in hits:
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            text = clean_name(paragraph[start:end])
            found.append(Mention(number, start, end, text, label, canonical))
    found.sort(key=lambda m: (m.paragraph, m.start))
    return found


def _lookup(paragraph: str, start: int, end: int, surfaces) -> tuple[int, str] | None:
    """The curated surface the text paragraph[start:end] spells, allowing a full stop that
    ends the surface ("U.S.") and a possessive after it: (end of the mention, surface)."""
    text = paragraph[start:end].lower()
    if paragraph[end : end + 1] == "." and text + "." in surfaces:
        return end + 1, text + "."
    if text in surfaces:
        after = paragraph[end : end + 3]
        if after[:2] in ("'s", "’s") and not (after[2:3].isalnum() or after[2:3] == "_"):
            end += 2  # "Blinken's": the possessive belongs to the mention, as before
        return end, text
    if text.endswith("s") and text[:-1] in surfaces:  # "NATOs": an apostrophe stripped
        return end, text[:-1]
    return None


def _find_mentions(
    docs, texts: list[str], visible: list[str], skip: set[int], index: _KnownIndex
) -> list[Mention]:
    """Every name's mentions in text order: the curated and built-in names first, then the
    model's entities, then the people the model missed. `texts` are what the model read."""
    known_found = [m for m in _known_mentions(visible, index) if m.paragraph not in skip]
    known_spans = [(m.paragraph, m.start, m.end) for m in known_found]
    headlines = {i for i, text in enumerate(texts) if _headline(text)}
    mentions = known_found + _model_mentions(docs, skip, known_spans, headlines)
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


def _model_mentions(docs, skip: set[int], known_spans, headlines: set[int]) -> list[Mention]:
    found: list[Mention] = []
    # Doc.text joins the tokens again on every call: read each paragraph's text once.
    texts = [doc.text for doc in docs]
    for index, doc in enumerate(docs):
        if index in skip:
            continue
        doc_text = texts[index]
        for ent in doc.ents:
            if ent.label_ not in _ENTITY_LABELS:
                continue
            start, end = ent.start_char, ent.end_char
            if any(p == index and start < e and s < end for p, s, e in known_spans):
                continue
            if _hashtag_or_handle(doc_text, start):
                continue
            label = ent.label_
            if label == "ORG" and (_title_fragment(doc, ent) or _not_org_context(doc, ent)):
                continue
            if index in headlines and not any(
                ent.text in other for i, other in enumerate(texts) if i != index
            ):
                continue  # a headline's capitals make the model see names everywhere
            text = clean_name(ent.text)
            unit = _unit_after_possessive(doc, ent) if label == "ORG" else None
            if unit is not None:
                # "The Claremont Institutes Center for Constitutional Jurisprudence": two.
                owner = doc[ent.start : unit.i]
                found.append(Mention(
                    index, start, owner.end_char, clean_name(owner.text[:-1]), label
                ))
                start, text = unit.idx, clean_name(doc[unit.i : ent.end].text)
            if label == "ORG":
                named = doc[unit.i : ent.end] if unit is not None else ent
                text, end = _org_extent(doc, named, text, end)
            before = doc[ent.start - 1] if ent.start else None
            if (
                label != "PERSON" and before is not None and before.lower_ in _PERSON_CUES
                and 1 <= len(ent) <= 3
                and all(t.is_title and t.is_alpha for t in ent)
                and not {t.lower_ for t in ent} & _ORG_WORDS
            ):
                label = "PERSON"
            if label == "PERSON" and _runs_into_related_link(doc_text, ent.text, end):
                continue
            if text:
                following = doc[ent.end] if ent.end < len(doc) else None
                before_noun = bool(
                    following is not None and following.is_lower
                    and following.tag_ in ("NN", "NNS", "JJ", "VBG") and ent.text.endswith("s")
                )
                opens = all(t.is_punct for t in doc[ent.sent.start : ent.start])
                found.append(
                    Mention(index, start, end, text, label, None, before_noun, opens)
                )
    return found


# Abbreviated ranks and role nouns: "Army Col. Jane Roe" and "National Security Adviser" name
# a person's title, and the model's organisation inside them ("Army Col", "National Security")
# is not an organisation unless its own last word says it is ("Defense Department spokesman").
_RANKS = {"col", "gen", "lt", "sgt", "capt", "adm", "maj", "cmdr", "cpl", "pvt", "brig"}
_ROLE_AFTER = {
    "adviser", "advisor", "advisers", "advisors", "secretary", "director", "spokesman",
    "spokeswoman", "spokesperson", "chief", "minister", "officer", "official", "czar",
    "correspondent", "editor", "analyst", "commander", "chairman", "chairwoman", "envoy",
}
_ORG_HEADS = _ORG_WORDS | {
    "ministry", "department", "agency", "committee", "council", "commission", "office",
    "institute", "bureau", "service", "administration", "alliance", "organization",
}
_REGION_NAMES = {"europe", "asia", "africa", "america", "americas", "the americas", "eurasia"}


# "the Fox News program Fox and Friends": the title of a show, not an organisation.
_WORK_NOUNS = {
    "program", "programme", "show", "series", "film", "movie", "book", "documentary",
    "podcast", "column", "blog", "newsletter", "segment", "broadcast",
}
# "the Pennsylvania Senate primary", "the House Judiciary subcommittee": a name used as a
# modifier of an event, or cut before its own head noun.
_MODIFIED_EVENTS = {"primary", "primaries", "race", "races", "seat", "campaign", "subcommittee"}
_SITE_BEFORE = {"near", "beside", "outside", "inside", "site", "to", "toward", "towards"}


_POSSESSIVE_PRONOUNS = {"our", "my", "your", "his", "her", "their", "its"}


_CAPITALISED_RUN = re.compile(r" ((?:[A-Z][\w.'’-]* ){0,3})([A-Z]\w*?[a-z])([A-Z]\w*)")


def _runs_into_related_link(text: str, name: str, end: int) -> bool:
    """"President Trump Donald John TrumpGOP senators balk ...": a related-links list prints a
    name, the person's full name, then a headline run into the surname. The model's "Trump
    Donald" straddles the two: it starts with the surname that the run repeats with another
    word stuck to it. A whole name before the run ("Rep. Jane Roe Jane Ann RoeAides") stays."""
    match = _CAPITALISED_RUN.match(text, end)
    if match is None or not run_together_word(match[2] + match[3]):
        return False
    words = name.split()
    return len(words) >= 2 and words[0] == match[2]


def _hashtag_or_handle(text: str, start: int) -> bool:
    """"#MeToo", "@jane_roe": a hashtag names a campaign or a slogan, a handle an account;
    the model sees the capitalised word after the sign as a name."""
    return start > 0 and text[start - 1] in "#@"


def _headline(paragraph: str) -> bool:
    """A headline left among the paragraphs: short, no closing punctuation, nearly every longer
    word capitalised ("Mayor Wins the Harbor Vote")."""
    text = paragraph.strip()
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not 4 <= len(words) <= 16 or text[-1:] in ".!?\"”'’:":
        return False
    longer = [w for w in words if len(w) >= 4]
    return bool(longer) and sum(w[0].isupper() for w in longer) >= 0.8 * len(longer)


def _not_org_context(doc, ent) -> bool:
    before = doc[ent.start - 1] if ent.start else None
    if ent.text == "House" and (before is None or before.lower_ != "the"):
        return True  # "House Democrats", "his House seat": the chamber as a modifier
    if (
        len(ent) == 1 and before is not None and before.lower_ in _POSSESSIVE_PRONOUNS
        and ent[0].lower_ in dictionary_words()[0]
    ):
        return True  # "our Newscast unit": a common noun capitalised, not an institution
    if before is not None and before.lower_ == "and" and ent.start >= 2:
        # the second half of a show title: "Fox and Friends"
        previous = doc[ent.start - 2]
        if previous.ent_type_ == "ORG" and previous.ent_iob_ in ("B", "I"):
            first = previous.i
            while first > 0 and doc[first].ent_iob_ == "I":
                first -= 1
            before_title = doc[first - 1] if first else None
            if before_title is not None and before_title.lower_ in _WORK_NOUNS:
                return True
    if before is not None and before.lower_ in _WORK_NOUNS and before.is_lower:
        return True
    following = doc[ent.end] if ent.end < len(doc) else None
    if following is not None and following.is_lower and following.lower_ in _MODIFIED_EVENTS:
        return True
    # "next to the Trade Center": a building named as a place
    last = ent[-1].lower_
    if last in ("center", "centre") and ent.start >= 1:
        at = -1
        if ent[0].lower_ == "the":
            at = ent.start - 1
        elif doc[ent.start - 1].lower_ == "the":
            at = ent.start - 2
        if at >= 0 and doc[at].lower_ in _SITE_BEFORE:
            return True
    return False


def _title_fragment(doc, ent) -> bool:
    last = ent[-1].lower_.rstrip(".")
    if last in _RANKS:
        return True
    following = doc[ent.end] if ent.end < len(doc) else None
    return bool(
        following is not None and following.lower_ in _ROLE_AFTER
        and following.text[:1].isupper() and last not in _ORG_HEADS
    )


def _unit_after_possessive(doc, ent):
    """The first word of a unit named after its organisation's stripped possessive
    ("Institutes | Center for ...", "Departments | Office of Legal Counsel"), or None."""
    for token in ent[1:-1]:
        after = doc[token.i + 1]
        if (
            token.text.endswith("s") and token.text[:-1].lower() in _ORG_HEADS
            and after.text[:1].isupper() and after.lower_ not in _ORG_HEADS
        ):
            return after
    return None


def _org_extent(doc, ent, text: str, end: int) -> tuple[str, int]:
    """Names the model cut short: "Organization for Security and Cooperation | in Europe",
    "Foundation for Aid to Novorossiya | and Donbass"; and a capital "The" in mid-sentence that
    belongs to the name ("told The Washington Post")."""
    words = {t.lower_ for t in ent}
    if words & {"for", "of", "to"} and ent.end + 1 < len(doc):
        joiner, after = doc[ent.end], doc[ent.end + 1]
        next_after = doc[ent.end + 2] if ent.end + 2 < len(doc) else None
        single = next_after is None or not next_after.text[:1].isupper()
        if joiner.lower_ == "in" and after.lower_ in _REGION_NAMES and single:
            text, end = text + " in " + after.text, after.idx + len(after.text)
        elif joiner.lower_ == "and" and after.pos_ == "PROPN" and single:
            text, end = text + " and " + after.text, after.idx + len(after.text)
    first = 0 if ent[0].text == "The" else -1  # "The" inside the entity, or just before it
    the = doc[ent.start + first] if ent.start + first >= 0 else None
    if (
        the is not None and the.text == "The" and not the.is_sent_start and the.i >= 1
        and doc[the.i - 1].text not in ('"', "“", "(", ":", "—", "-", "\n")
        and not text.startswith("The ")
    ):
        text = "The " + text
    return text, end


def _document_pass(paragraphs, actors: list[Actor], skip: set[int]) -> None:
    """Every later appearance of a form the story already used is that actor, even where the
    model missed it or called a surname a place."""
    taken = {(m.paragraph, m.start, m.end) for a in actors for m in a.mentions}
    spans_by_paragraph: dict[int, list[tuple[int, int]]] = {}
    for p, s, e in taken:
        spans_by_paragraph.setdefault(p, []).append((s, e))
    surnames: dict[str, list[Actor]] = {}
    for actor in actors:
        if actor.kind == PERSON:
            for form in {*actor.forms, actor.canonical}:
                if " " in form:
                    surnames.setdefault(form.split()[-1], []).append(actor)
    pairs = {
        (form, id(actor)): actor for actor in actors for form in {*actor.forms, actor.canonical}
    }
    for surname, owners in surnames.items():
        if len({id(a) for a in owners}) == 1 and surname[:1].isupper():
            pairs.setdefault((surname, id(owners[0])), owners[0])
    forms = sorted(((form, actor) for (form, _), actor in pairs.items()), key=lambda p: -len(p[0]))
    for form, actor in forms:
        if len(form) < 3:
            continue
        # The pattern is case-sensitive: a paragraph without the form as a substring has no
        # match, and most paragraphs do not name a given actor.
        holders = [
            index for index, paragraph in enumerate(paragraphs)
            if form in paragraph and index not in skip
        ]
        if not holders:
            continue
        pattern = re.compile(r"(?<![\w])" + re.escape(form) + r"(?:s|'s|’s)?(?![\w])")
        for index in holders:
            paragraph = paragraphs[index]
            spans = spans_by_paragraph.setdefault(index, [])
            for match in pattern.finditer(paragraph):
                if any(match.start() < e and s < match.end() for s, e in spans):
                    continue
                spans.append((match.start(), match.end()))
                actor.mentions.append(
                    Mention(index, match.start(), match.end(), form, "DOC")
                )
                actor.forms.setdefault(form, 0)


_PARTY_LETTERS = {"r": ("republican",), "d": ("democrat", "democratic"), "i": ("independent",)}


def _collect_titles(docs, actors: list[Actor]) -> None:
    """The role words a story puts next to a name: 'Kremlin spokesman Dmitry Peskov',
    'Peskov, the Kremlin spokesman'. Used to resolve role speakers and pronoun gender."""
    from .lexicon import FEMALE_CUES, FEMALE_NAMES, MALE_CUES, MALE_NAMES

    for actor in actors:
        if actor.kind != PERSON:
            continue
        for m in actor.mentions:
            doc = docs[m.paragraph]
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None:
                continue
            words: list[str] = []
            i = span.start - 1
            while i >= 0 and span.start - i <= 7:
                token = doc[i]
                if token.pos_ in ("PROPN", "NOUN", "ADJ") or token.lower_ in ("of", "for", "to"):
                    words.append(token.lower_)
                    i -= 1
                else:
                    break
            if span.end + 1 < len(doc) and doc[span.end].text == ",":
                j = span.end + 1
                if doc[j].lower_ in ("the", "a", "an") or doc[j].pos_ in ("NOUN", "ADJ", "PROPN"):
                    while j < len(doc) and j - span.end <= 9 and doc[j].text not in ",.;" and (
                        doc[j].pos_ in ("PROPN", "NOUN", "ADJ", "DET", "ADP", "CCONJ")
                    ):
                        words.append(doc[j].lower_)
                        j += 1
            if span.end + 2 < len(doc) and doc[span.end].text == "(":
                # "Rep. Raul Labrador (R-Idaho)": the party and the state
                close = next((t.i for t in doc[span.end : span.end + 8] if t.text == ")"), None)
                inside = doc[span.end + 1 : close].text if close else ""
                for part in re.split(r"[-–,.\s]+", inside.lower()):
                    words.extend(_PARTY_LETTERS.get(part, (part,)))
            actor.titles.update(w for w in words if w and w not in ("the", "a", "an"))
            cues = set(words)
            first = span[0].lower_
            if cues & FEMALE_CUES or first in FEMALE_CUES:
                actor.gender = "female"
            elif cues & MALE_CUES or first in MALE_CUES:
                actor.gender = "male"
        if actor.gender is None and len(actor.canonical.split()) >= 2:
            first_name = actor.canonical.split()[0].lower()
            if first_name in FEMALE_NAMES:
                actor.gender = "female"
            elif first_name in MALE_NAMES:
                actor.gender = "male"


# Extraction reads at most this much of a paragraph (the import service cuts there too): the
# parser's time and memory grow with a paragraph's length, and no news paragraph is this long.
MAX_PARAGRAPH_CHARS = 20_000


def _bounded(paragraph: str) -> str:
    """The paragraph's first `MAX_PARAGRAPH_CHARS` characters, cut after a space when one is
    near, so no half word is left at the end. Offsets into it are offsets into the original."""
    if len(paragraph) <= MAX_PARAGRAPH_CHARS:
        return paragraph
    space = paragraph.rfind(" ", MAX_PARAGRAPH_CHARS - 200, MAX_PARAGRAPH_CHARS)
    return paragraph[: space if space > 0 else MAX_PARAGRAPH_CHARS]


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
    known = index.known
    # For the parser only, offsets unchanged: curly quotes become straight ones and a dateline
    # ("AUGUSTA, Me. — ") becomes spaces, so it is not read as the first sentence's subject.
    # Page furniture and photo credits blanked for every name rule, offsets unchanged.
    visible = [_blank_furniture(p) for p in paragraphs]
    texts = [_blank_dateline(p.replace("“", '"').replace("”", '"')) for p in visible]
    docs = parse(texts, deadline)
    skip = {i for i, p in enumerate(paragraphs) if is_credit_line(p)}

    mentions = _find_mentions(docs, texts, visible, skip, index)
    deadline.check()
    words = {w.lower() for p in paragraphs for w in _CAPITALISED_WORD.findall(p)}
    # Single capitalised words that follow "in", "to", "from"...: places in this story.
    place_contexts = {
        w.lower() for p in paragraphs for w in re.findall(_PLACE_CONTEXT, p)
    }
    named_places = {w.lower() for p in paragraphs for w in re.findall(_NAMED_PLACE, p)}
    actors = build_actors(mentions, known, words, place_contexts, named_places)
    _document_pass(visible, actors, skip)
    _collect_titles(docs, actors)
    deadline.check()

    quotes = find_quotes(paragraphs, docs, actors, skip)

    offsets = []
    position = 0
    for length in lengths:
        offsets.append(position)
        position += length + 1

    def found(actor: Actor) -> FoundEntity:
        first = min(actor.mentions, key=lambda m: (m.paragraph, m.start))
        return FoundEntity(
            name=actor.canonical,
            aliases=actor.aliases,
            mentions=len(actor.mentions),
            first_offset=offsets[first.paragraph] + first.start,
        )

    people = sorted((found(a) for a in actors if a.kind == PERSON), key=lambda e: e.first_offset)
    orgs = sorted(
        (found(a) for a in actors if a.kind == ORGANISATION), key=lambda e: e.first_offset
    )
    return Extraction(people=people, organisations=orgs, quotes=quotes)
