"""Quote candidates: the clauses speech verbs govern in one paragraph, before marks widen them.

A candidate is the span a speech verb reports ("said that ...", "..., Peskov said",
"according to ...") with the token that names its speaker. `quotes.py` widens it by whatever
quotation marks survive and resolves the speaker to an actor. The passes here read only the
dependency parse of one paragraph.
"""

import re
from dataclasses import dataclass

import numpy
from spacy.attrs import LOWER, POS
from spacy.strings import get_string_id
from spacy.symbols import AUX, VERB
from spacy.tokens import Doc, Span, Token

from .lexicon import REPORTING_VERBS
from .pipeline import lemma

MARKS = '"“”'
PRONOUNS = {"he": "male", "she": "female"}
FIRST_PERSON = re.compile(r"\b(I|we|We|our|Our|us|my|My|me)\b")
_TRIM = " \t,;:—–-\"“”'"

# Verbs that report speech only with a that-clause: "found that ...", not "found it legal".
_THAT_ONLY = {"find", "rule"}

# What joins one reported clause to the verb of the next: "that A, adding that B".
_CLAUSE_JOINERS = (",", ";", "—", "–", "-", "and")

_ACCORDING = get_string_id("according")  # the lower-case form's id in a doc's LOWER array

# Subjects that do not tell of someone else: the speaker ("I", "we"), the listener, or a
# judgement on a thing ("This was not a mistake", "They turned it into a piggy bank").
_NOT_SOMEONE_ELSE = {"i", "we", "you", "this", "that", "it", "there", "these", "those", "they"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """What one speech verb reports: the span, the verb, and the token naming the speaker."""

    start: int
    end: int
    verb: str
    speaker_token: Token | None
    kind: str  # "direct" or "reported"
    method: str  # "speech-verb", "inverted", "inverted-alone" or "according-to"
    verb_at: int = -1  # character offset of the speech verb


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces, punctuation and marks at its ends."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def drop_full_stop(text: str, start: int, end: int) -> int:
    """The end of a quote before its sentence's full stop, which belongs to the story."""
    return end - 1 if text[start:end].endswith(".") else end


def is_speech_verb(token: Token) -> bool:
    return token.pos_ == "VERB" and lemma(token) in REPORTING_VERBS


def speech_by_another(token: Token) -> bool:
    """A speech verb telling of someone else's words: "Brandt said", not "I say", "we want
    to point out", "you will find"."""
    return is_speech_verb(token) and not _first_or_second(token)


def _first_or_second(verb: Token) -> bool:
    """The verb's subject, or the subject of the verb it depends on, is I, we or you."""
    for _ in range(3):
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects[0].lower_ in ("i", "we", "you")
        if verb.dep_ not in ("xcomp", "conj", "advcl") or verb.head.i == verb.i:
            return False
        verb = verb.head
    return False


def narrative(sent: Span) -> bool:
    """A sentence in the reporter's voice: a speech verb, a quotation mark, or a past-tense
    main verb with a named subject ("Brandt rejected the criticism.")."""
    if any(t.text in MARKS for t in sent):
        return True
    if any(speech_by_another(t) for t in sent):
        return True
    if sent.text.rstrip().endswith("?"):
        return False  # the reporter tells; the speaker asks
    return _past_tense_of_someone_named(sent)


def _past_tense_of_someone_named(sent: Span) -> bool:
    """'Brandt rejected the criticism.', 'She left.': a past-tense root whose subject is a
    name or a third-person pronoun."""
    root = sent.root
    if root.tag_ != "VBD":
        return False
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    return any(
        c.pos_ == "PROPN" or c.ent_type_ or c.lower_ in ("he", "she", "they", "it")
        for c in subjects
    )


def past_event(sent: Span) -> bool:
    """A past-tense main clause about someone other than the speaker ('Tea party organizers
    disputed the claims', 'She did not address ...'): the reporter telling what happened."""
    root = sent.root
    tenses = {root.tag_} | {c.tag_ for c in root.children if c.dep_ in ("aux", "auxpass")}
    if "VBD" not in tenses:
        return False
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    return bool(subjects) and all(c.lower_ not in _NOT_SOMEONE_ELSE for c in subjects)


def extend_back(text: str, doc: Doc, start: int) -> int:
    """Unmarked quotes often run over several sentences before 'X said': take in the
    earlier sentences of the paragraph that read as the speaker's own words."""
    sents = [s for s in doc.sents if s.end_char <= start]
    for sent in reversed(sents):
        if narrative(sent) or (past_event(sent) and not FIRST_PERSON.search(sent.text)):
            break
        start = sent.start_char
    return start


def subject_of(verb: Token) -> Token | None:
    """The token naming who speaks through `verb`: its own subject, one the parser hung
    elsewhere, or the subject of the speech verb it continues ("..., adding that")."""
    own = _own_subject(verb)
    if own is not None:
        return own
    hung = _subject_hung_on_participle(verb)
    if hung is not None:
        return hung
    # "X responded that A had happened and said ...": the parser may join "said" to the
    # clause X reports; the speaker is X, not A's subject.
    reporting = _reporting_verb_of_clause(verb)
    if reporting is not None:
        return subject_of(reporting)
    return _governing_subject(verb)


def _named_subject(verb: Token) -> Token | None:
    """'Ratings agency Standard & Poors downgraded': two subjects by a parse error; the name."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    named = [c for c in subjects if c.pos_ == "PROPN"]
    return named[0] if len(subjects) > 1 and len(named) == 1 else None


def _first_subject(verb: Token) -> Token | None:
    """The verb's subject, the named one when a parse error gave it two."""
    if (named := _named_subject(verb)) is not None:
        return named
    return next((c for c in verb.children if c.dep_ == "nsubj"), None)


def _own_subject(verb: Token) -> Token | None:
    """The verb's own subject; for 'Smith, who told ...' the name 'who' stands for."""
    if (named := _named_subject(verb)) is not None:
        return named
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.lower_ in ("who", "that", "which") and verb.dep_ == "relcl":
        return _relative_antecedent(verb.head)
    return subject


def _subject_hung_on_participle(verb: Token) -> Token | None:
    """'X, ... facing a hard fight, said that': the parser may hang X on the participle."""
    for child in verb.lefts:
        if child.dep_ == "advcl" and child.tag_ == "VBG":
            hung = next((c for c in child.lefts if c.dep_ == "nsubj" and c.pos_ == "PROPN"), None)
            if hung is not None:
                return hung
    return None


def _reporting_verb_of_clause(verb: Token) -> Token | None:
    """The speech verb whose reported clause `verb` was joined to by the parser."""
    outer = verb.head.head
    if verb.dep_ == "conj" and verb.head.dep_ == "ccomp" and is_speech_verb(outer):
        return outer
    return None


def _governing_subject(verb: Token) -> Token | None:
    """'..., adding that', 'saying it', 'and added that', 'before relaying that': the
    speaker of the verb this one hangs from, up to three steps up."""
    head = verb
    for _ in range(3):
        if not _hangs_from_governor(head, verb):
            break
        if _participle_after_relative_clause(head):
            return None  # "X met members who oppose the deal, saying it ...": who is saying it?
        head = head.head
        subject = _first_subject(head)
        if subject is not None:
            return subject
    return None


def _hangs_from_governor(head: Token, verb: Token) -> bool:
    """`head` continues the verb above it (an adverbial, a complement, a conjunct or the
    preposition of 'before relaying that')."""
    continues = head.dep_ in ("advcl", "xcomp", "conj", "pcomp") or (
        head.dep_ == "prep" and head.pos_ == "ADP" and verb.dep_ == "pcomp"
    )
    return continues and head.head.i != head.i


def _participle_after_relative_clause(head: Token) -> bool:
    """A participle after a 'who' clause could be the relative clause's people speaking."""
    return head.tag_ == "VBG" and head.dep_ == "advcl" and any(
        t.dep_ == "relcl" and any(c.lower_ == "who" for c in t.children)
        for t in head.doc[head.head.i + 1 : head.i]
    )


def _relative_antecedent(head: Token) -> Token:
    """'James Roe, a candidate in the 16th District, who said': the parser may hang the
    relative clause on the last noun ('District'); climb the appositive back to the name."""
    token = head
    for _ in range(4):
        if token.ent_type_ == "PERSON":
            return token
        if token.dep_ in ("pobj", "prep", "appos") and token.head.i != token.i:
            token = token.head
        else:
            break
    return head


def speech_verb_candidates(text: str, doc: Doc) -> list[Candidate]:
    """Every candidate in one paragraph, in the order of their verbs: 'according to' phrases
    and the clauses speech verbs govern."""
    found: list[Candidate] = []
    for position in _candidate_positions(doc):
        token = doc[position]
        if token.lower_ == "according":
            candidate = _according_to(text, doc, token)
        elif token.pos_ in ("VERB", "AUX") and lemma(token) in REPORTING_VERBS:
            candidate = _reported_by(text, doc, token)
        else:
            continue
        if candidate is not None:
            found.append(candidate)
    return found


def _candidate_positions(doc: Doc) -> list[int]:
    """Where "according", a verb or an auxiliary stands: the only words that can begin a
    candidate. Read from the doc's arrays, so the other words never become Token objects."""
    if not len(doc):
        return []
    columns = doc.to_array([LOWER, POS])
    lower, pos = columns[:, 0], columns[:, 1]
    return numpy.flatnonzero((lower == _ACCORDING) | (pos == VERB) | (pos == AUX)).tolist()


def _according_to(text: str, doc: Doc, according: Token) -> Candidate | None:
    """'A, according to the Globe': the longer side of the sentence is what the source said,
    unless a speech verb there has its own speaker."""
    to = next((c for c in according.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if source is None:
        return None
    sent = according.sent
    before = doc[sent.start : according.left_edge.i]
    after = doc[source.right_edge.i + 1 : sent.end]
    words_follow = len(before) < len(after)
    piece = after if words_follow else before
    if len(piece) < 3 or any(_says_with_own_speaker(t) for t in piece):
        return None  # "I will not resign, he said ..., according to the Globe": he said it
    start, end = trim(text, piece[0].idx, piece[-1].idx + len(piece[-1].text))
    if words_follow:
        end = drop_full_stop(text, start, end)
    return Candidate(start, end, "according to", source, "reported", "according-to",
                     according.idx)


def _says_with_own_speaker(token: Token) -> bool:
    """A speech verb with a subject and its own clause ('he said ...')."""
    return (
        is_speech_verb(token) and subject_of(token) is not None
        and (token.dep_ == "parataxis" or any(c.dep_ == "ccomp" for c in token.children))
    )


def _reported_by(text: str, doc: Doc, verb: Token) -> Candidate | None:
    """What one speech verb reports: its clause, the clause it interrupts, or the sentences
    before an attribution that stands alone."""
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and not _absolute(c, verb)]
    speaker = subject_of(verb)
    if not clauses and _attribution_alone(verb, speaker):
        return _words_before_attribution(text, doc, verb, speaker)
    # "asked whether ...", "asked that ... be": a question or a request reported, not
    # something said ("asks, who are you?" is); and "It was always told to me that ...":
    # no one says it here (it is inside a quote).
    if lemma(verb) == "ask":
        clauses = [c for c in clauses if not any(m.dep_ == "mark" for m in c.children)]
    if any(c.dep_ == "nsubjpass" and c.lower_ == "it" for c in verb.children):
        return None
    if clauses:
        return _clause_candidate(text, doc, verb, clauses[0], speaker, interrupted=False)
    interrupted = _interrupted_clause(doc, verb, speaker)
    if interrupted is None:
        return None
    return _clause_candidate(text, doc, verb, interrupted, speaker, interrupted=True)


def _absolute(clause: Token, verb: Token) -> bool:
    """'said, her voice rising': an absolute phrase after the verb, not what was said."""
    return (
        clause.i > verb.i and clause.tag_ == "VBG"
        and not any(c.dep_ in ("aux", "mark") for c in clause.children)
    )


def _attribution_alone(verb: Token, subject: Token | None) -> bool:
    """A sentence that is only an attribution, `subject` its speaker: 'Mrs. Clinton said.',
    'he told reporters.', 'Thank you, he said in the message.'"""
    sent = verb.sent
    if (
        verb.dep_ != "ROOT" or subject is None or subject.i > verb.i or sent.start == 0
        or not (subject.pos_ == "PROPN" or subject.lower_ in PRONOUNS)
    ):
        return False
    lead = subject.left_edge.i - sent.start  # "Thank you, he said": a few words may lead
    if lead and (lead > 4 or verb.doc[subject.left_edge.i - 1].text != ","):
        return False
    return _says_nothing_after(verb) and sent.end - verb.i <= 10


def _says_nothing_after(verb: Token) -> bool:
    """After the verb come only when, where, how and to whom ('told reporters'), no object."""
    for child in verb.children:
        if child.i < verb.i or child.dep_ in ("punct", "advmod", "npadvmod", "prep", "ccomp"):
            continue
        if child.dep_ in ("dobj", "dative") and lemma(verb) == "tell":
            continue  # told reporters
        return False
    return True


def _words_before_attribution(
    text: str, doc: Doc, verb: Token, speaker: Token
) -> Candidate | None:
    """'Q1? Q2? Mrs. Clinton said, her voice rising.': the words are the sentences before,
    when they read as the speaker's own."""
    sent = verb.sent
    start = extend_back(text, doc, sent.start_char)
    if start >= sent.start_char:
        return None
    start, end = trim(text, start, speaker.left_edge.idx)
    end = drop_full_stop(text, start, end)
    return Candidate(start, end, verb.lower_, speaker, "direct", "inverted-alone", verb.idx)


def _interrupted_clause(doc: Doc, verb: Token, speaker: Token | None) -> Token | None:
    """'Q, Mr. Thibodeau said, and ...': the parser hangs the verb on Q (parataxis) or Q on
    the verb by an unlabelled "dep": Q is still everything before the speaker."""
    if speaker is None or not verb.sent.start < speaker.left_edge.i < verb.i:
        return None
    if verb.dep_ == "parataxis" and verb.i > verb.head.i:
        return verb.head
    if doc[speaker.left_edge.i - 1].text == ",":
        return next((c for c in verb.lefts if c.dep_ == "dep" and c.i < speaker.left_edge.i), None)
    return None


def _clause_candidate(
    text: str, doc: Doc, verb: Token, clause: Token, speaker: Token | None, interrupted: bool
) -> Candidate | None:
    """The candidate for one clause a speech verb reports, or None when it is not a quote."""
    first, last = clause.left_edge, clause.right_edge
    if interrupted:
        first, last = verb.sent[0], doc[speaker.left_edge.i - 1]
    if first.lower_ == "that" and first.dep_ == "mark":
        first = doc[first.i + 1]
    if speaker is not None and first.i <= speaker.i <= last.i:
        return None
    last = _before_continuation(doc, first, last)
    if lemma(verb) in _THAT_ONLY and clause.left_edge.lower_ != "that":
        return None
    inverted = clause.i < verb.i
    if inverted:
        first = _inverted_clause_start(doc, verb, first, last)
    start, end = trim(text, first.idx, last.idx + len(last.text))
    if inverted:
        start = extend_back(text, doc, start)
    if len(text[start:end].split()) < 3:
        return None  # "Thank you, he said." alone is no quote
    kind = "direct" if inverted and FIRST_PERSON.search(text[start:end]) else "reported"
    if inverted:
        speaker = _source_reported(verb, clause, speaker)
    return Candidate(start, end, verb.lower_, speaker, kind,
                     "inverted" if inverted else "speech-verb", verb.idx)


def _before_continuation(doc: Doc, first: Token, last: Token) -> Token:
    """'that A, adding that B' or 'that A and said B': A ends before the verb that opens
    the next quote."""
    for token in doc[first.i + 1 : last.i + 1]:
        if _opens_next_quote(doc, token, first):
            end = doc[token.i - 1]
            while end.i > first.i and end.lower_ in (*_CLAUSE_JOINERS, "but"):
                end = doc[end.i - 1]
            return end
    return last


def _opens_next_quote(doc: Doc, token: Token, first: Token) -> bool:
    """`token` is a speech verb with its own clause, joined after the quote that began at
    `first` ('adding that', 'and said')."""
    before = doc[token.i - 1]
    joined = before.text in _CLAUSE_JOINERS or (before.lower_ == "but" and token.tag_ != "VBG")
    continuing = token.tag_ == "VBG" and token.dep_ in ("advcl", "conj", "xcomp") or (
        token.dep_ == "conj"
    )
    return (
        continuing and token.head.i != token.i and is_speech_verb(token)
        and token.i - first.i > 2 and any(c.dep_ == "ccomp" for c in token.children) and joined
    )


def _inverted_clause_start(doc: Doc, verb: Token, first: Token, last: Token) -> Token:
    """Where a clause before its attribution starts: 'A, and B, she said' is everything
    before the attribution, but in 'X said A and vowed to change: B, he said' B alone is
    what he said here."""
    sent_first = verb.sent[0]
    if sent_first.i < first.i and not any(is_speech_verb(t) for t in doc[sent_first.i : first.i]):
        first = sent_first
    colon = next((t for t in reversed(doc[first.i : last.i]) if t.text == ":"), None)
    if colon is not None and any(is_speech_verb(t) for t in doc[first.i : colon.i]):
        first = doc[colon.i + 1]
    return first


def _source_reported(verb: Token, clause: Token, speaker: Token | None) -> Token | None:
    """'X says ..., Reuters reported': X said the words; Reuters reports X."""
    inner = next((c for c in clause.children if c.dep_ == "nsubj"), None)
    if lemma(verb) == "report" and inner is not None and lemma(clause) in REPORTING_VERBS:
        return inner
    return speaker
