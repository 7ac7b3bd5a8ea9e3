"""Quotes: what was said, by whom, found on the dependency parse plus quotation marks.

Real input loses many opening quotation marks (`...serious consequences," adding that`) and
sometimes every mark, so marks are evidence, not the method: a quote is the clause a speech
verb governs ("said that ...", "..., Peskov said", "according to ..."), widened or confirmed by
whatever marks survive. The speaker is the verb's subject resolved to an actor: a name, a
surname, a role ("the Kremlin spokesman") or a pronoun. When that is unclear the speaker stays
None rather than a guess.

The passes: `speech_verb_candidates` (quote_candidates.py) finds the clauses; `_attribute`
widens them by marks, resolves their speakers (quote_speakers.py), runs them on over the
sentences that follow, and attributes the marked words no clause covers; `_echoes` gives an
unresolved "he said" to the person whose words it repeats.
"""

import dataclasses
import itertools
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .actors import PERSON, Actor
from .pipeline import lemma
from .quote_candidates import (
    FIRST_PERSON,
    MARKS,
    PRONOUNS,
    Candidate,
    drop_full_stop,
    extend_back,
    is_speech_verb,
    narrative,
    past_event,
    speech_by_another,
    speech_verb_candidates,
    subject_of,
    trim,
)
from .quote_speakers import CONFIDENCE_UNRESOLVED, Speaker, SpeakerResolver
from .types import FoundQuote

# At most this sure of the sentences that run on after an attribution ("Q1, she said. Q2.").
CONFIDENCE_CONTINUATION = 0.6
# At most this sure of marked words given to the speech verb just before or after them.
CONFIDENCE_MARKS_VERB = 0.7
# At most this sure of marked words given to the speaker of a quote close by.
CONFIDENCE_MARKS_NEARBY = 0.6
# An unresolved "he said" whose words repeat a named person's quote.
CONFIDENCE_ECHO = 0.5

_INANIMATE = set(
    """study report analysis survey poll polls data figures document documents letter
    email emails records filing memo research paper article review audit investigation
    estimate estimates assessment statistics numbers book indictment complaint lawsuit
    ruling law bill order decree rules guidelines forecast model deal agreement accord
    treaty truce ceasefire cease-fire plan proposal measure legislation program programme
    website site""".split()
)

_SIGN_OFF = re.compile(r"contributed( reporting)?( to)?( this)? (report|story|article)", re.I)

# 'said, "', 'said: "', 'tweeted on Friday "', 'said in a statement: "'
_BETWEEN_VERB_AND_QUOTE = re.compile(
    r"[\s,:]*(?:(?:on|in|at|during|after|late|early|last|this)\s[^\"“”.;!?]{0,40}?)?"
    r"[\s,:]*[\"“]?\s*"
)

_MARK = re.compile(f"[{MARKS}]")  # one quotation mark

_STOP = set(
    """a an the and or but of to in on at for with by from as that this these those it its is
    are was were be been being will would could should can may might has have had do does did
    not no we our us they them their he she his her i my me you your there here than then so
    if""".split()
)


@dataclass(frozen=True, slots=True)
class MarkRegion:
    """Words inside quotation marks; `lost_opening` when the opening mark was lost and
    where it stood is inferred."""

    start: int
    end: int
    lost_opening: bool


@dataclass(frozen=True, slots=True)
class _Paragraph:
    """One paragraph being attributed: its index, text, parse and marked regions."""

    index: int
    text: str
    doc: Doc
    regions: list[MarkRegion]


def find_quotes(
    paragraphs: list[str], docs, actors: list[Actor], skip: set[int]
) -> list[FoundQuote]:
    """Every quote in a story's paragraphs (those in `skip` aside), with its speaker."""
    ordered = paragraphs_look_ordered(actors, skip, paragraphs)
    resolver = SpeakerResolver(paragraphs, docs, actors, ordered)
    found = {
        index: speech_verb_candidates(text, doc)
        for index, (text, doc) in enumerate(zip(paragraphs, docs, strict=True))
        if index not in skip
    }
    if ordered and _pronoun_before_people(found, resolver):
        resolver.ordered = False
    resolver.count_named_quotes(found)
    quotes = _attribute(paragraphs, docs, found, resolver)
    if any(q.speaker is None and q.speaker_text.lower() in PRONOUNS for q in quotes):
        # Second pass: a "he said" nothing near explains may be the story's protagonist,
        # known only once the first pass has counted who the story quotes.
        resolver.restart(quotes)
        quotes = _attribute(paragraphs, docs, found, resolver)
    _echoes(quotes, actors)
    return quotes


def paragraphs_look_ordered(
    actors: list[Actor], skip: set[int] = frozenset(), paragraphs: list[str] | None = None
) -> bool | None:
    """Whether this story's paragraphs read in order, judged from how people are named.

    A story in order introduces a person by their fullest form ("Ilse Marrow") and then uses
    the surname ("Marrow"). Shuffled paragraphs put a surname-only mention before the full
    name. True when at least one person is named both ways and no person's surname-only
    mention comes before their first full-name mention; False when one does; None when the
    story offers no evidence (nobody named both ways). A sign-off ("X contributed to this
    report") followed by story paragraphs is also out of order."""
    if paragraphs and _sign_off_before_story(paragraphs, skip):
        return False
    evidence = False
    for actor in actors:
        if actor.kind != PERSON:
            continue
        surname_first = _surname_before_full_name(actor, skip)
        if surname_first is None:
            continue
        evidence = True
        if surname_first:
            return False
    return True if evidence else None


def _sign_off_before_story(paragraphs: list[str], skip: set[int]) -> bool:
    """'X contributed to this report' ends a story: story paragraphs after it are shuffled."""
    sign_offs = [i for i, p in enumerate(paragraphs) if _SIGN_OFF.search(p)]
    return bool(sign_offs) and any(
        i not in skip for i in range(sign_offs[0] + 1, len(paragraphs))
    )


def _surname_before_full_name(actor: Actor, skip: set[int]) -> bool | None:
    """Whether the person's first surname-only mention comes before their first full name;
    None when the story does not name them both ways."""
    full_names = {f for f in (*actor.forms, actor.canonical) if len(f.split()) >= 2}
    surnames = {f.split()[-1].lower() for f in full_names}
    full_at = [
        (m.paragraph, m.start) for m in actor.mentions
        if m.paragraph not in skip and len(m.text.split()) >= 2
    ]
    surname_at = [
        (m.paragraph, m.start) for m in actor.mentions
        if m.paragraph not in skip and len(m.text.split()) == 1
        and m.text.lower().rstrip("'’") in surnames
    ]
    if not full_at or not surname_at:
        return None
    return min(surname_at) < min(full_at)


def _pronoun_before_people(found: dict[int, list[Candidate]], resolver: SpeakerResolver) -> bool:
    """A 'he said' in a paragraph before the story has named anyone who could be 'he' cannot
    be read in order: the paragraphs were shuffled, whatever the name forms suggest. Anyone
    means a person, or any actor named as a subject (the model may take a person for an
    organisation)."""
    named = [
        m.paragraph for a in resolver.actors for m in a.mentions
        if a.kind == PERSON or resolver.is_subject(m.paragraph, m.start)
    ]
    if not named:
        return False
    first = min(named)
    return any(
        index < first
        for index, candidates in found.items()
        for c in candidates
        if c.speaker_token is not None and c.speaker_token.lower_ in PRONOUNS
    )


def _attribute(paragraphs, docs, found, resolver: SpeakerResolver) -> list[FoundQuote]:
    """The quotes of every paragraph: its candidates' clauses with their speakers, then the
    marked words no clause covers, one quote kept where two overlap."""
    quotes: list[FoundQuote] = []
    for index, candidates in found.items():
        text, doc = paragraphs[index], docs[index]
        paragraph = _Paragraph(index, text, doc, _mark_regions(text, doc))
        own = [c for c in candidates if not _part_of_another_quote(c, candidates, paragraph)]
        chosen: list[FoundQuote] = []
        for cand in sorted(own, key=lambda c: c.start):
            chosen.extend(_candidate_quotes(paragraph, cand, own, resolver))
        # Marked quotes no speech verb governs: attribute to a verb in a neighbouring sentence.
        for region in paragraph.regions:
            quote = _marked_quote(paragraph, region, chosen, resolver)
            if quote is not None:
                chosen.append(quote)
        quotes.extend(_dedupe(chosen))
    return quotes


def _part_of_another_quote(
    cand: Candidate, candidates: list[Candidate], paragraph: _Paragraph
) -> bool:
    """A speech verb inside a longer candidate's words belongs to that quote ("The NMA has
    always said that ...", quoted by someone else); so does "I am not saying that ...", and
    a verb inside someone's marked words ("..., as Ambassador Pickering said, ..."). A study
    or a report is no speaker."""
    speaker = cand.speaker_token
    return (
        any(
            other is not cand and other.start <= cand.verb_at < other.end
            and (other.end - other.start) > (cand.end - cand.start)
            for other in candidates
        )
        or (speaker is not None and lemma(speaker) in _INANIMATE)
        or (speaker is not None and speaker.lower_ in ("i", "we", "you"))
        or any(
            r.start <= cand.verb_at < r.end and not r.lost_opening for r in paragraph.regions
        )
    )


def _candidate_quotes(
    paragraph: _Paragraph, cand: Candidate, candidates: list[Candidate],
    resolver: SpeakerResolver,
) -> list[FoundQuote]:
    """The quote a candidate makes, widened by its marks and given its speaker, and the
    sentences that run on after it ('Q1, she said. Q2.', 'He added: Q1. Q2.')."""
    start, end = _widened_by_marks(cand, paragraph.regions)
    kind = _marked_kind(cand, paragraph.regions)
    speaker = Speaker(None, "", CONFIDENCE_UNRESOLVED)
    if cand.speaker_token is not None:
        speaker = resolver.resolve(paragraph.index, cand.speaker_token, (start, end))
    if speaker.actor is not None:
        resolver.remember(paragraph.index, cand.start, cand.speaker_token, speaker.actor)
    quote = _quote(paragraph, start, end, kind, cand, speaker)
    colon = _colon_after_verb(paragraph.text, cand)
    if not (colon or cand.method.startswith("inverted")):
        return [quote]
    more = _continuation(paragraph.text, paragraph.doc, cand, candidates, paragraph.regions)
    if more is None:
        return [quote]
    more_start, more_end = more
    if colon:  # nothing between: one quote runs on
        return [_quote(paragraph, start, more_end, "direct", cand, speaker)]
    capped = dataclasses.replace(
        speaker, confidence=min(speaker.confidence, CONFIDENCE_CONTINUATION)
    )
    return [quote, _quote(paragraph, more_start, more_end, "direct", cand, capped,
                          method="continuation")]


def _marked_kind(cand: Candidate, regions: list[MarkRegion]) -> str:
    """Direct when marks enclose at least half the candidate's words."""
    inside = [r for r in regions if r.start < cand.end and cand.start < r.end]
    marked = sum(min(r.end, cand.end) - max(r.start, cand.start) for r in inside)
    return "direct" if marked >= 0.5 * (cand.end - cand.start) else cand.kind


def _widened_by_marks(cand: Candidate, regions: list[MarkRegion]) -> tuple[int, int]:
    """The candidate's span taking in the marked words it overlaps: a quote whose opening
    mark was lost may reach further left than the clause."""
    start, end = cand.start, cand.end
    for region in regions:
        if not (region.start < cand.end and cand.start < region.end):
            continue
        if region.start < start and region.end <= end + 2:
            start = region.start
        if region.end > end and region.start >= start:
            end = region.end
    return start, end


def _marked_quote(
    paragraph: _Paragraph, region: MarkRegion, chosen: list[FoundQuote],
    resolver: SpeakerResolver,
) -> FoundQuote | None:
    """Marked words no chosen quote covers: the speaker of a quote close by, the subject of a
    speech verb just before or after the marks, the one voice of the paragraph, or nobody."""
    start, end = region.start, region.end
    text, doc = paragraph.text, paragraph.doc
    if any(q.start < end and start < q.end for q in chosen):
        return None
    if len(text[start:end].split()) < 4:
        return None  # a scare quote or a title, not speech
    speech = _has_verb(doc, region)
    nearby = _nearby_attribution(start, end, chosen) if speech else None
    if nearby is not None:
        return _borrowed_speaker(paragraph, region, nearby)
    verb = _verb_just_before(text, doc, start) or _verb_just_after(doc, end)
    if verb is None and speech:
        # '"A," X testified before the committee. "B."': one voice speaks here.
        speakers = {q.speaker: q for q in chosen if q.speaker is not None}
        if len(speakers) == 1:
            return _borrowed_speaker(paragraph, region, next(iter(speakers.values())))
    return _quote_of_verb(paragraph, region, verb, resolver)


def _has_verb(doc: Doc, region: MarkRegion) -> bool:
    """Words without a verb ("On the Record with Greta Van Susteren") are a title."""
    said = doc.char_span(region.start, region.end, alignment_mode="expand")
    return said is not None and any(t.pos_ in ("VERB", "AUX") for t in said)


def _quote_of_verb(
    paragraph: _Paragraph, region: MarkRegion, verb: Token | None, resolver: SpeakerResolver
) -> FoundQuote:
    """Marked words given to the subject of the speech verb beside them, else to nobody."""
    start, end = region.start, region.end
    subject = subject_of(verb) if verb is not None else None
    if subject is not None:
        speaker = resolver.resolve(paragraph.index, subject, (start, end))
        if speaker.actor is not None:
            return FoundQuote(
                text=paragraph.text[start:end], kind="direct", paragraph=paragraph.index,
                start=start, end=end, speaker=speaker.actor.canonical,
                speaker_type=speaker.actor.kind, speaker_text=speaker.text, verb=verb.lower_,
                confidence=min(speaker.confidence, CONFIDENCE_MARKS_VERB), method="marks-verb",
            )
    return FoundQuote(
        text=paragraph.text[start:end], kind="direct", paragraph=paragraph.index, start=start,
        end=end, confidence=CONFIDENCE_UNRESOLVED,
        method="marks-lost-opening" if region.lost_opening else "marks",
    )


def _borrowed_speaker(paragraph: _Paragraph, region: MarkRegion, source: FoundQuote) -> FoundQuote:
    """Marked words given the speaker and verb of another quote in the paragraph."""
    return FoundQuote(
        text=paragraph.text[region.start : region.end], kind="direct",
        paragraph=paragraph.index, start=region.start, end=region.end,
        speaker=source.speaker, speaker_type=source.speaker_type,
        speaker_text=source.speaker_text, verb=source.verb,
        confidence=min(source.confidence, CONFIDENCE_MARKS_NEARBY), method="marks-nearby",
    )


def _mark_regions(text: str, doc: Doc) -> list[MarkRegion]:
    """Spans inside quotation marks, with the opening of a quote whose opening mark was lost
    inferred from the parse."""
    regions: list[MarkRegion] = []
    opened: int | None = None
    for found in _MARK.finditer(text):
        at, mark = found.start(), found[0]
        if not _closes(text, at, mark):
            if opened is not None:  # two openings: the first quote ran to here
                regions.append(MarkRegion(opened, at, False))
            opened = at + 1
        elif opened is not None:
            regions.append(MarkRegion(opened, at, False))
            opened = None
        else:
            regions.append(MarkRegion(_lost_opening(text, doc, at), at, True))
    if opened is not None:  # a quote running on to the next paragraph keeps no closing mark
        regions.append(MarkRegion(opened, len(text), False))
    trimmed = (
        MarkRegion(*trim(text, region.start, region.end), region.lost_opening)
        for region in regions
    )
    return [region for region in trimmed if region.end - region.start > 0]


def _closes(text: str, at: int, mark: str) -> bool:
    """A curly mark says which it is; a straight one opens after a space or an opening
    bracket or dash when a word follows it, and closes otherwise."""
    if mark != '"':
        return mark == "”"
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    opens_here = (before.isspace() or before in "([—–-") and not after.isspace()
    return not opens_here


def _lost_opening(text: str, doc: Doc, close: int) -> int:
    """Where a quote whose opening mark was lost began: after the speech verb's 'that' or
    colon in the same sentence, else the sentence start (or the paragraph start when the
    sentences before it read as the same speaker's words)."""
    sent = next((s for s in doc.sents if s.start_char <= close < s.end_char + 1), None)
    if sent is None:
        return 0
    before_close = [t for t in sent if t.idx < close]
    verb = next((t for t in before_close if is_speech_verb(t)), None)
    if verb is not None:
        return _after_that_or_colon(sent, verb, close)
    if len(before_close) < len(sent):
        return sent.start_char
    return extend_back(text, doc, sent.start_char)


def _after_that_or_colon(sent: Span, verb: Token, close: int) -> int:
    """'X said that Q"', 'X said: Q"': the words start after the verb's 'that' or colon."""
    for follower in sent[verb.i - sent.start + 1 :]:
        if follower.idx >= close:
            break
        if follower.lower_ == "that" and follower.dep_ == "mark" or follower.text == ":":
            return follower.idx + len(follower.text)
    return sent.start_char


def _continuation(
    text: str, doc: Doc, cand: Candidate, candidates: list[Candidate], regions: list[MarkRegion]
) -> tuple[int, int] | None:
    """'Q1, Woodhouse said. Q2. Q3.' or 'He added: Q1. Q2.': with the marks stripped, the
    sentences after the attribution and its quote that read as the speaker's own words (no
    speech verb, no marks, no past event told of someone else) go on quoting the speaker."""
    attribution = next((s for s in doc.sents if s.start_char <= cand.verb_at < s.end_char), None)
    if attribution is None:
        return None
    # "Q1, she said, and we will ...": the words run on in the attribution's own sentence.
    lead = _run_on(doc, cand, attribution) if cand.method.startswith("inverted") else None
    after = max(attribution.end_char, cand.end)
    run = _until_past_event(_own_words_from(doc, after, candidates, regions))
    if lead is not None:
        start, end = lead, run[-1].end_char if run else attribution.end_char
    elif not run:
        return None
    else:
        start, end = run[0].start_char, run[-1].end_char
    start, end = trim(text, start, end)
    end = drop_full_stop(text, start, end)
    return (start, end) if len(text[start:end].split()) >= 3 else None


def _own_words_from(
    doc: Doc, after: int, candidates: list[Candidate], regions: list[MarkRegion]
) -> list[Span]:
    """The sentences from offset `after` up to the first that is the reporter's, holds a
    speech verb of its own or touches quotation marks."""
    run = []
    for sent in doc.sents:
        if sent.start_char < after:
            continue
        if narrative(sent) or any(
            sent.start_char <= c.verb_at < sent.end_char for c in candidates
        ) or any(r.start < sent.end_char and sent.start_char < r.end for r in regions):
            break
        run.append(sent)
    return run


def _until_past_event(run: list[Span]) -> list[Span]:
    """A past event told of someone else ends the quote, unless the run speaks as I or we
    ("The requests were handled by the department. I didnt see them.")."""
    if any(FIRST_PERSON.search(sent.text) for sent in run):
        return run
    cut = next((i for i, sent in enumerate(run) if past_event(sent)), len(run))
    return run[:cut]


def _run_on(doc: Doc, cand: Candidate, attribution: Span) -> int | None:
    """Where 'Q1, she said, and we will work hard' runs on after the attribution: the 'and'
    or 'but', when what follows speaks as I or we and no other speech verb takes it."""
    verb = next((t for t in attribution if t.idx == cand.verb_at), None)
    if verb is None:
        return None
    tail = [t for t in attribution if t.i > verb.i]
    for comma, joiner in itertools.pairwise(tail):
        if comma.text == "," and joiner.lower_ in ("and", "but"):
            rest = doc[joiner.i : attribution.end]
            if FIRST_PERSON.search(rest.text) and not any(speech_by_another(t) for t in rest):
                return joiner.idx
            return None
    return None


def _colon_after_verb(text: str, cand: Candidate) -> bool:
    """'He added: Q1. Q2.'"""
    return cand.verb_at >= 0 and bool(
        re.fullmatch(r"\S*\s*:\s*", text[cand.verb_at : cand.start])
    )


def _verb_just_before(text: str, doc: Doc, start: int) -> Token | None:
    """'Referring to the vote, he said, "..."': the speech verb right before the opening mark,
    with nothing between but a comma, a colon or a short time or place phrase."""
    for token in doc:
        end = token.idx + len(token.text)
        if end > start:
            break
        if is_speech_verb(token) and re.fullmatch(_BETWEEN_VERB_AND_QUOTE, text[end:start]):
            return token
    return None


def _verb_just_after(doc: Doc, end: int) -> Token | None:
    """'"...." Durbin said.', '"...," said the senator': a speech verb right after the closing
    mark whose speaker stands between the mark and the verb or just after the verb."""
    after = [t for t in doc if t.idx >= end and not (t.is_punct or t.is_space)][:6]
    for token in after:
        if is_speech_verb(token):
            subject = subject_of(token)
            if subject is not None and after[0].i <= subject.i <= token.i + 4 and not any(
                c.dep_ in ("ccomp", "dobj") and c.i > token.i for c in token.children
            ):
                return token
            return None
    return None


def _nearby_attribution(start: int, end: int, chosen: list[FoundQuote]) -> FoundQuote | None:
    """A quote in marks right after 'X said:' or before 'X said.' in the same paragraph: the
    attributed quote closest to it, under 40 characters away."""
    nearest, nearest_distance = None, 40
    for quote in chosen:
        if quote.speaker is None:
            continue
        distance = start - quote.end if quote.end <= start else quote.start - end
        if 0 <= distance < nearest_distance:
            nearest, nearest_distance = quote, distance
    return nearest


def _quote(
    paragraph: _Paragraph, start: int, end: int, kind: str, cand: Candidate, speaker: Speaker,
    method: str | None = None,
) -> FoundQuote:
    actor = speaker.actor
    return FoundQuote(
        text=paragraph.text[start:end], kind=kind, paragraph=paragraph.index, start=start,
        end=end,
        speaker=actor.canonical if actor else None,
        speaker_type=actor.kind if actor else None,
        speaker_text=speaker.text, verb=cand.verb,
        confidence=speaker.confidence if actor else min(speaker.confidence, CONFIDENCE_UNRESOLVED),
        method=method or cand.method,
    )


def _dedupe(quotes: list[FoundQuote]) -> list[FoundQuote]:
    """Keep one quote where two overlap by most of the shorter one: the attributed one, else
    the longer."""
    kept: list[FoundQuote] = []
    for quote in sorted(quotes, key=lambda q: (-(q.speaker is not None), -(q.end - q.start))):
        if not any(_mostly_overlap(quote, other) for other in kept):
            kept.append(quote)
    return sorted(kept, key=lambda q: q.start)


def _mostly_overlap(first: FoundQuote, second: FoundQuote) -> bool:
    overlap = min(first.end, second.end) - max(first.start, second.start)
    return overlap > 0.5 * min(first.end - first.start, second.end - second.start)


def _shingles(text: str) -> set[tuple[str, ...]]:
    """Runs of four words, plural and third-person s dropped, with three or more that are
    not function words: the wording a paraphrase keeps from the quote it reports."""
    words = [w.rstrip("s") if len(w) > 3 else w for w in re.findall(r"[a-z0-9]+", text.lower())]
    return {
        tuple(words[i : i + 4]) for i in range(len(words) - 3)
        if sum(w not in _STOP for w in words[i : i + 4]) >= 3
    }


def _echoes(quotes: list[FoundQuote], actors: list[Actor]) -> None:
    """'he told reporters' with no one to point at: when the quoted words repeat a run of
    four words that another quote in the story gives to one named person (a lede
    paraphrasing the quote), that person said them."""
    by_name = {a.canonical: a for a in actors if a.kind == PERSON}
    named = [
        (q, _shingles(q.text)) for q in quotes
        if q.speaker in by_name and q.speaker_text.lower() not in PRONOUNS
    ]
    for quote in quotes:
        word = quote.speaker_text.lower()
        if quote.speaker is not None or word not in PRONOUNS:
            continue
        mine = _shingles(quote.text)
        sources = {
            other.speaker for other, theirs in named
            if other is not quote and mine & theirs
            and by_name[other.speaker].gender in (None, PRONOUNS[word])
        }
        if len(sources) == 1:
            quote.speaker, quote.speaker_type = sources.pop(), PERSON
            quote.confidence, quote.method = CONFIDENCE_ECHO, quote.method + "+echo"
