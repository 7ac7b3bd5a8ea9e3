"""Quotes: what was said, by whom, found on the dependency parse plus quotation marks.

Real input loses many opening quotation marks (`...serious consequences," adding that`) and
sometimes every mark, so marks are evidence, not the method: a quote is the clause a speech
verb governs ("said that ...", "..., Peskov said", "according to ..."), widened or confirmed by
whatever marks survive. The speaker is the verb's subject resolved to an actor: a name, a
surname, a role ("the Kremlin spokesman") or a pronoun. When that is unclear the speaker stays
None rather than a guess.
"""

import itertools
import re

from .lexicon import REPORTING_VERBS
from .names import PERSON, Actor
from .pipeline import lemma
from .quote_candidates import (
    FIRST_PERSON,
    MARKS,
    PRONOUNS,
    Candidate,
    extend_back,
    narrative,
    past_event,
    speech_by_another,
    speech_verb_candidates,
    subject_of,
    trim,
)
from .quote_speakers import SpeakerResolver
from .types import FoundQuote


def _mark_regions(text: str, doc) -> list[tuple[int, int, bool]]:
    """Spans inside quotation marks; the bool says the opening mark was lost and inferred."""
    regions: list[tuple[int, int, bool]] = []
    opened: int | None = None
    for i, ch in enumerate(text):
        if ch not in MARKS:
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opens_here = (before.isspace() or before in "([—–-") and not after.isspace()
        is_open = ch == "“" or (ch == '"' and opens_here)
        if ch == "”" or (ch == '"' and not is_open):
            if opened is not None:
                regions.append((opened, i, False))
                opened = None
            else:
                regions.append((_lost_opening(text, doc, i), i, True))
        else:
            if opened is not None:  # two openings: the first quote ran to here
                regions.append((opened, i, False))
            opened = i + 1
    if opened is not None:  # a quote running on to the next paragraph keeps no closing mark
        regions.append((opened, len(text), False))
    return [(s, e, lost) for s, e, lost in (( *trim(text, s, e), lost) for s, e, lost in regions)
            if e - s > 0]


def _lost_opening(text: str, doc, close: int) -> int:
    """Where a quote whose opening mark was lost began: after the speech verb's 'that' or
    colon in the same sentence, else the sentence start (or the paragraph start when the
    sentences before it read as the same speaker's words)."""
    sent = None
    for s in doc.sents:
        if s.start_char <= close < s.end_char + 1:
            sent = s
            break
    if sent is None:
        return 0
    start = sent.start_char
    for token in sent:
        if token.idx >= close:
            break
        if token.pos_ == "VERB" and lemma(token) in REPORTING_VERBS:
            for follower in sent[token.i - sent.start + 1 :]:
                if follower.idx >= close:
                    break
                if follower.lower_ == "that" and follower.dep_ == "mark" or follower.text == ":":
                    start = follower.idx + len(follower.text)
                    break
            break
    else:
        start = extend_back(text, doc, start)
    return start


_INANIMATE = set(
    """study report analysis survey poll polls data figures document documents letter
    email emails records filing memo research paper article review audit investigation
    estimate estimates assessment statistics numbers book indictment complaint lawsuit
    ruling law bill order decree rules guidelines forecast model deal agreement accord
    treaty truce ceasefire cease-fire plan proposal measure legislation program programme
    website site""".split()
)



def _run_on(doc, cand, attribution) -> int | None:
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


def _colon_after_verb(text: str, cand) -> bool:
    """'He added: Q1. Q2.'"""
    return cand.verb_at >= 0 and bool(
        re.fullmatch(r"\S*\s*:\s*", text[cand.verb_at : cand.start])
    )



def _continuation(text: str, doc, cand, candidates, regions) -> tuple[int, int] | None:
    """'Q1, Woodhouse said. Q2. Q3.' or 'He added: Q1. Q2.': with the marks stripped, the
    sentences after the attribution and its quote that read as the speaker's own words (no
    speech verb, no marks, no past event told of someone else) go on quoting the speaker."""
    attribution = next((s for s in doc.sents if s.start_char <= cand.verb_at < s.end_char), None)
    if attribution is None:
        return None
    # "Q1, she said, and we will ...": the words run on in the attribution's own sentence.
    lead = _run_on(doc, cand, attribution) if cand.method.startswith("inverted") else None
    run = []
    for sent in doc.sents:
        if sent.start_char < max(attribution.end_char, cand.end):
            continue
        if narrative(sent) or any(
            sent.start_char <= c.verb_at < sent.end_char for c in candidates
        ) or any(r[0] < sent.end_char and sent.start_char < r[1] for r in regions):
            break
        run.append(sent)
    # A past event told of someone else ends the quote, unless the run speaks as I or we
    # ("The requests were handled by the department. I didnt see them.").
    if not any(FIRST_PERSON.search(sent.text) for sent in run):
        cut = next((i for i, sent in enumerate(run) if past_event(sent)), len(run))
        run = run[:cut]
    if lead is not None:
        start, end = lead, run[-1].end_char if run else attribution.end_char
    elif not run:
        return None
    else:
        start, end = run[0].start_char, run[-1].end_char
    start, end = trim(text, start, end)
    end = end - 1 if text[start:end].endswith(".") else end
    return (start, end) if len(text[start:end].split()) >= 3 else None


_SIGN_OFF = re.compile(r"contributed( reporting)?( to)?( this)? (report|story|article)", re.I)


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
    if paragraphs:
        sign_offs = [i for i, p in enumerate(paragraphs) if _SIGN_OFF.search(p)]
        if sign_offs and any(i not in skip for i in range(sign_offs[0] + 1, len(paragraphs))):
            return False
    evidence = False
    for actor in actors:
        if actor.kind != PERSON:
            continue
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
            continue
        evidence = True
        if min(surname_at) < min(full_at):
            return False
    return True if evidence else None


def find_quotes(
    paragraphs: list[str], docs, actors: list[Actor], skip: set[int]
) -> list[FoundQuote]:
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


def _attribute(paragraphs, docs, found, resolver) -> list[FoundQuote]:
    quotes: list[FoundQuote] = []
    for index, candidates in found.items():
        text, doc = paragraphs[index], docs[index]
        regions = _mark_regions(text, doc)
        chosen: list[FoundQuote] = []
        # A speech verb inside another quote belongs to that quote ("The NMA has always said
        # that ...", quoted by someone else): not a second quote.
        candidates = [
            c for c in candidates
            if not any(
                o is not c and o.start <= c.verb_at < o.end
                and (o.end - o.start) > (c.end - c.start)
                for o in candidates
            )
            and not (c.speaker_token is not None and lemma(c.speaker_token) in _INANIMATE)
            # "I am not saying that ...", or a verb inside someone's marked words ("..., as
            # Ambassador Pickering said, ..."): part of a quote, not a quote of its own.
            and not (c.speaker_token is not None and c.speaker_token.lower_ in ("i", "we", "you"))
            and not any(
                start <= c.verb_at < end and not lost for start, end, lost in regions
            )
        ]
        for cand in sorted(candidates, key=lambda c: c.start):
            inside = [r for r in regions if r[0] < cand.end and cand.start < r[1]]
            marked = sum(min(r[1], cand.end) - max(r[0], cand.start) for r in inside)
            kind = "direct" if marked >= 0.5 * (cand.end - cand.start) else cand.kind
            start, end = cand.start, cand.end
            # A quote whose opening mark was lost may reach further left than the clause.
            for r in inside:
                if r[0] < start and r[1] <= end + 2:
                    start = r[0]
                if r[1] > end and r[0] >= start:
                    end = r[1]
            actor, speaker_text, confidence = (None, "", 0.3)
            if cand.speaker_token is not None:
                speaker = resolver.resolve(index, cand.speaker_token, (start, end))
                actor, speaker_text, confidence = speaker.actor, speaker.text, speaker.confidence
            if actor is not None:
                resolver.remember(index, cand.start, cand.speaker_token, actor)
            chosen.append(_quote(text, index, start, end, kind, cand, actor, speaker_text,
                                 confidence))
            colon = _colon_after_verb(text, cand)
            more = None
            if colon or cand.method.startswith("inverted"):
                more = _continuation(text, doc, cand, candidates, regions)
            if more is not None and colon:  # nothing between: one quote runs on
                chosen[-1] = _quote(text, index, start, more[1], "direct", cand, actor,
                                    speaker_text, confidence)
            elif more is not None:
                chosen.append(_quote(text, index, *more, "direct", cand, actor, speaker_text,
                                     min(confidence, 0.6), method="continuation"))
        # Marked quotes no speech verb governs: attribute to a verb in a neighbouring sentence.
        for s, e, lost in regions:
            if any(q.start < e and s < q.end for q in chosen):
                continue
            if len(text[s:e].split()) < 4:
                continue  # a scare quote or a title, not speech
            said = doc.char_span(s, e, alignment_mode="expand")
            speech = said is not None and any(t.pos_ in ("VERB", "AUX") for t in said)
            # Words without a verb ("On the Record with Greta Van Susteren") are a title.
            attribution = _nearby_attribution(doc, s, e, chosen) if speech else None
            verb = None
            if attribution is None:
                verb = _verb_just_before(text, doc, s) or _verb_just_after(doc, e)
            if verb is None and speech and attribution is None:
                # '"A," X testified before the committee. "B."': one voice speaks here.
                speakers = {q.speaker: q for q in chosen if q.speaker is not None}
                if len(speakers) == 1:
                    attribution = next(iter(speakers.values()))
            if attribution is None:
                subject = subject_of(verb) if verb is not None else None
                if subject is not None:
                    speaker = resolver.resolve(index, subject, (s, e))
                    actor, speaker_text = speaker.actor, speaker.text
                    confidence = speaker.confidence
                    if actor is not None:
                        chosen.append(FoundQuote(
                            text=text[s:e], kind="direct", paragraph=index, start=s, end=e,
                            speaker=actor.canonical, speaker_type=actor.kind,
                            speaker_text=speaker_text, verb=verb.lower_,
                            confidence=min(confidence, 0.7), method="marks-verb",
                        ))
                        continue
                chosen.append(FoundQuote(
                    text=text[s:e], kind="direct", paragraph=index, start=s, end=e,
                    confidence=0.3, method="marks-lost-opening" if lost else "marks",
                ))
                continue
            q = attribution
            chosen.append(FoundQuote(
                text=text[s:e], kind="direct", paragraph=index, start=s, end=e,
                speaker=q.speaker, speaker_type=q.speaker_type, speaker_text=q.speaker_text,
                verb=q.verb, confidence=min(q.confidence, 0.6), method="marks-nearby",
            ))
        quotes.extend(_dedupe(chosen))
    return quotes


_STOP = set(
    """a an the and or but of to in on at for with by from as that this these those it its is
    are was were be been being will would could should can may might has have had do does did
    not no we our us they them their he she his her i my me you your there here than then so
    if""".split()
)


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
    for q in quotes:
        word = q.speaker_text.lower()
        if q.speaker is not None or word not in PRONOUNS:
            continue
        mine = _shingles(q.text)
        sources = {
            other.speaker for other, theirs in named
            if other is not q and mine & theirs
            and by_name[other.speaker].gender in (None, PRONOUNS[word])
        }
        if len(sources) == 1:
            name = sources.pop()
            q.speaker, q.speaker_type = name, PERSON
            q.confidence, q.method = 0.5, q.method + "+echo"


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


# 'said, "', 'said: "', 'tweeted on Friday "', 'said in a statement: "'
_BETWEEN_VERB_AND_QUOTE = re.compile(
    r"[\s,:]*(?:(?:on|in|at|during|after|late|early|last|this)\s[^\"“”.;!?]{0,40}?)?"
    r"[\s,:]*[\"“]?\s*"
)


def _verb_just_before(text: str, doc, start: int):
    """'Referring to the vote, he said, "..."': the speech verb right before the opening mark,
    with nothing between but a comma, a colon or a short time or place phrase."""
    for token in doc:
        end = token.idx + len(token.text)
        if end > start:
            break
        if (
            token.pos_ == "VERB" and lemma(token) in REPORTING_VERBS
            and re.fullmatch(_BETWEEN_VERB_AND_QUOTE, text[end:start])
        ):
            return token
    return None


def _verb_just_after(doc, end: int):
    """'"...." Durbin said.', '"...," said the senator': a speech verb right after the closing
    mark whose speaker stands between the mark and the verb or just after the verb."""
    after = [t for t in doc if t.idx >= end and not (t.is_punct or t.is_space)][:6]
    for token in after:
        if token.pos_ == "VERB" and lemma(token) in REPORTING_VERBS:
            subject = subject_of(token)
            if subject is not None and after[0].i <= subject.i <= token.i + 4 and not any(
                c.dep_ in ("ccomp", "dobj") and c.i > token.i for c in token.children
            ):
                return token
            return None
    return None


def _nearby_attribution(doc, start: int, end: int, chosen: list[FoundQuote]):
    """A quote in marks right after 'X said:' or before 'X said.' in the same paragraph."""
    best = None
    for q in chosen:
        if q.speaker is None:
            continue
        distance = start - q.end if q.end <= start else q.start - end
        if 0 <= distance < 40 and (best is None or distance < best[0]):
            best = (distance, q)
    return best[1] if best else None


def _quote(
    text, index, start, end, kind, cand, actor, speaker_text, confidence, method=None
) -> FoundQuote:
    return FoundQuote(
        text=text[start:end], kind=kind, paragraph=index, start=start, end=end,
        speaker=actor.canonical if actor else None,
        speaker_type=actor.kind if actor else None,
        speaker_text=speaker_text, verb=cand.verb,
        confidence=confidence if actor else min(confidence, 0.3),
        method=method or cand.method,
    )


def _dedupe(quotes: list[FoundQuote]) -> list[FoundQuote]:
    """Keep one quote where two overlap by most of the shorter one."""
    kept: list[FoundQuote] = []
    for q in sorted(quotes, key=lambda q: (-(q.speaker is not None), -(q.end - q.start))):
        overlapping = False
        for k in kept:
            overlap = min(k.end, q.end) - max(k.start, q.start)
            if overlap > 0.5 * min(k.end - k.start, q.end - q.start):
                overlapping = True
                break
        if not overlapping:
            kept.append(q)
    return sorted(kept, key=lambda q: q.start)
