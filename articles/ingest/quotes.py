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

from .lexicon import NATIONALITIES, PLACES, REPORTING_VERBS, ROLE_NOUNS, ROLE_SYNONYMS
from .names import ORGANISATION, PERSON, Actor
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
from .types import FoundQuote

_MODIFIERS_IGNORED = {"the", "a", "an", "top", "senior", "chief", "former", "then", "new", "'s"}


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



_PERSON_NOUNS = (ROLE_NOUNS - {"spokesman", "spokeswoman", "spokesperson"}) | {
    "democrat", "republican", "member", "official", "officer", "employee", "lawyer",
    "analyst", "expert", "source", "insider", "staffer", "conservative", "liberal",
    "moderate", "critic", "supporter", "opponent", "ally", "aide", "activist", "voter",
    "lawmaker", "leader",
    # a body inside the organisation, not its voice: "the Republican Senate caucus"
    "caucus", "wing", "faction", "delegation",
}


def _person_noun(token) -> bool:
    # "Democrats" may come back from the parser as a proper noun whose lemma keeps its s
    return bool({token.lower_, lemma(token), token.lower_.removesuffix("s")} & _PERSON_NOUNS)


def _object_of_to(token) -> bool:
    while token.dep_ in ("compound", "flat", "amod") and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ == "to"



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


class _Resolver:
    """Maps a subject token to an actor: name, surname, role or pronoun."""

    def __init__(self, paragraphs, docs, actors: list[Actor], ordered: bool | None = None):
        self.paragraphs = paragraphs
        # Paragraphs shown to read in order (see `paragraphs_look_ordered`): only then does
        # the paragraph before say who "he" is.
        self.ordered = ordered
        self.docs = docs
        self.actors = actors
        self.people = [a for a in actors if a.kind == PERSON]
        self.by_paragraph: dict[int, list[tuple[int, int, Actor]]] = {}
        for actor in actors:
            for m in actor.mentions:
                self.by_paragraph.setdefault(m.paragraph, []).append((m.start, m.end, actor))
        self.forms: dict[str, Actor] = {}
        for actor in actors:
            for form in actor.forms:
                self.forms.setdefault(form.lower(), actor)
        # Speakers already resolved in a paragraph, for "he said" after "X said".
        self.recent: dict[int, list[tuple[int, Actor]]] = {}
        # The subject head words of those attributions ("statement", "spokesman").
        self.recent_heads: dict[int, list[tuple[int, str, Actor]]] = {}
        # How many attributions name each actor outright (id(actor) -> count).
        self.named_quotes: dict[int, int] = {}
        # How many quotes a first pass gave each actor (id(actor) -> count); None before it.
        self.quoted: dict[int, int] | None = None

    def restart(self, quotes: list[FoundQuote]) -> None:
        """Forget the last pass's attributions but keep what it learnt: who spoke how often."""
        self.recent.clear()
        self.recent_heads.clear()
        by_name = {a.canonical: a for a in self.actors}
        self.quoted = {}
        for q in quotes:
            if q.speaker in by_name:
                key = id(by_name[q.speaker])
                self.quoted[key] = self.quoted.get(key, 0) + 1

    def actor_at(self, paragraph: int, start: int, end: int) -> Actor | None:
        best = None
        for s, e, actor in self.by_paragraph.get(paragraph, []):
            if s < end and start < e:
                if best is None or actor.kind == PERSON:
                    best = actor
        return best

    def resolve(
        self, paragraph: int, token, quote: tuple[int, int] = (0, 0)
    ) -> tuple[Actor | None, str, float]:
        doc = self.docs[paragraph]
        subject_first, subject_last = token.left_edge, token.right_edge
        # Keep the subject phrase short: stop at a relative clause.
        words = [t for t in doc[subject_first.i : subject_last.i + 1]]
        cut = next((i for i, t in enumerate(words) if t.dep_ in ("relcl", "acl") and i > 0), None)
        if cut is not None:
            words = words[:cut]
        text = self.paragraphs[paragraph]
        speaker_text = text[words[0].idx : words[-1].idx + len(words[-1].text)] if words else ""
        speaker_text = speaker_text.strip(" ,")
        # The head itself names an actor.
        actor = self.actor_at(paragraph, token.idx, token.idx + len(token.text))
        if (
            actor is not None and actor.kind == ORGANISATION
            and token.text.endswith(("s", "'s", "’s"))
            and any(c.dep_ == "appos" and c.i > token.i and _person_noun(c) for c in token.children)
        ):
            # "the Senates top Democrat said", parsed with the possessive as the subject: a
            # person of the organisation, not its voice.
            return None, speaker_text, 0.3
        if actor is not None:
            return actor, speaker_text, 0.9
        lowered = token.lower_
        if lowered in PRONOUNS or lowered == "it":
            actor, confidence = self._pronoun(paragraph, token, lowered, quote)
            return actor, speaker_text, confidence
        if token.pos_ == "PROPN" and lowered.rstrip("s") in self.forms:
            return self.forms[lowered.rstrip("s")], speaker_text, 0.8
        if token.lower_ in ROLE_NOUNS or lemma(token) in ROLE_NOUNS:
            role = self._role(words, token)
            if role is not None:
                return role, speaker_text, 0.7
        for a in (c for c in token.children if c.dep_ == "appos"):
            hit = self.actor_at(paragraph, a.idx, a.idx + len(a.text))
            if hit is not None:
                return hit, speaker_text, 0.8
        # One actor inside the subject phrase: "The CFFs disciplinary committee",
        # "a spokesman for Veltra".
        # "the ambassador to NATO", "an envoy to the EU" speak to it, not for it.
        inside = {
            id(hit): hit for t in words
            if (hit := self.actor_at(paragraph, t.idx, t.idx + len(t.text))) is not None
            and not _object_of_to(t)
        }
        if len(inside) == 1 and token.pos_ in ("NOUN", "PROPN"):
            hit = next(iter(inside.values()))
            # "the Senate's top Democrat", "a ministry official": a person of the
            # organisation, not its voice (a spokesman is its voice).
            if not (hit.kind == ORGANISATION and _person_noun(token)):
                return hit, speaker_text, 0.6
        if not inside:
            for t in words:
                if t.pos_ == "NOUN" and (t is token or t.dep_ == "pobj"):
                    org = self._org_by_head(t)
                    if org is not None:
                        return org, speaker_text, 0.6
            # "A statement from the ministry said ... The statement said": the same source.
            if token.pos_ == "NOUN" and any(c.lower_ == "the" for c in token.children):
                earlier = {
                    id(actor): actor for at, head, actor in self.recent_heads.get(paragraph, [])
                    if head == token.lower_ and at < token.idx
                }
                if len(earlier) == 1:
                    return next(iter(earlier.values())), speaker_text, 0.6
        return None, speaker_text, 0.3

    def _pronoun(
        self, paragraph: int, token, word: str, quote: tuple[int, int]
    ) -> tuple[Actor | None, float]:
        kind = ORGANISATION if word == "it" else PERSON
        gender = PRONOUNS.get(word)
        position = token.idx
        sentence_actors = {
            id(actor) for s, _e, actor in self.by_paragraph.get(paragraph, [])
            if token.sent.start_char <= s < token.sent.end_char and s > position
        }

        def candidates_in(index: int, before: int) -> list[tuple[int, int, Actor]]:
            found = []
            for s, _e, actor in self.by_paragraph.get(index, []):
                if s >= before or actor.kind != kind:
                    continue
                if index == paragraph and quote[0] <= s < quote[1]:
                    continue  # a name inside the quoted words is not who speaks them
                found.append((self._issubject_of(index, s), s, actor))
            # The last speaker is the likeliest "he said"; then the last subject; then anyone.
            for s, actor in self.recent.get(index, []):
                if s < before and actor.kind == kind:
                    found.append((2, s, actor))
            return [
                c for c in found
                if (gender is None or c[2].gender in (None, gender))
                and id(c[2]) not in sentence_actors
            ]

        candidates = candidates_in(paragraph, position)
        confidence = 0.8
        if not candidates and self.ordered and paragraph > 0:
            # The paragraph before, in a story shown to be in order: "X said ...", "he said".
            candidates = candidates_in(paragraph - 1, 10**9)
            confidence = 0.5
        if not candidates:
            # Paragraphs may arrive shuffled, so the paragraph before proves nothing: a pronoun
            # with no antecedent in its own paragraph resolves only when the story has a
            # single actor it could be.
            actor, confidence = self._only_candidate(kind, gender)
            if actor is None:
                actor = self._main_speaker(kind, gender)
                confidence = 0.4 if actor is not None else 0.3
            if actor is None:
                named_here = sentence_actors | {
                    id(a) for s, _e, a in self.by_paragraph.get(paragraph, [])
                    if quote[0] <= s < quote[1]
                }
                actor = self._protagonist(kind, gender, named_here)
                confidence = 0.45 if actor is not None else 0.3
            return actor, confidence
        best_rank = max(c[0] for c in candidates)
        pool = [c for c in candidates if c[0] == best_rank]
        chosen = max(pool, key=lambda c: c[1])[2]
        if len({id(c[2]) for c in candidates}) > 1:
            confidence -= 0.15
        if gender and chosen.gender is None and confidence >= 0.65:
            chosen.gender = gender
        return chosen, confidence

    def _main_speaker(self, kind: str, gender: str | None) -> Actor | None:
        """The story's main speaker: the actor of this kind and gender named as the speaker of
        more than half of all the attributions that name an actor of this kind (at least
        three). A story built around one voice says "he said" of that voice."""
        counts = {
            id(a): self.named_quotes.get(id(a), 0) for a in self.actors if a.kind == kind
        }
        total = sum(counts.values())
        for actor in self.actors:
            count = counts.get(id(actor), 0)
            if (
                actor.kind == kind and count >= 3 and 2 * count > total
                and (gender is None or actor.gender in (None, gender))
            ):
                return actor
        return None

    def _protagonist(self, kind: str, gender: str | None, excluded: set[int]) -> Actor | None:
        """The one the story is about, for a "he said" in a paragraph that names nobody.

        Shuffled paragraphs hide the sentence before; the story's centre does not move. Of the
        actors this pronoun could be, weigh each by mentions plus twice the quotes a first
        pass gave them: the heaviest, when quoted and at least twice as heavy as the next, is
        the speaker, unless this very sentence or quote names them (then it is someone else
        and nobody can say who). "she" needs a known woman: a bare surname is more often a
        man in news text, and a wrong speaker is worse than none."""
        if self.quoted is None:
            return None
        weighed = sorted(
            (
                (len(a.mentions) + 2 * self.quoted.get(id(a), 0), a) for a in self.actors
                if a.kind == kind and (
                    gender is None or a.gender == gender
                    or (gender == "male" and a.gender is None)
                )
            ),
            key=lambda pair: -pair[0],
        )
        if not weighed:
            return None
        weight, top = weighed[0]
        if id(top) in excluded or not self.quoted.get(id(top)):
            return None
        if len(weighed) > 1 and weight < 2 * weighed[1][0]:
            return None
        return top

    def _only_candidate(self, kind: str, gender: str | None) -> tuple[Actor | None, float]:
        pool = [
            a for a in self.actors
            if a.kind == kind and (gender is None or a.gender in (None, gender))
        ]
        if len(pool) == 1:
            return pool[0], 0.5
        return None, 0.3

    def _issubject_of(self, paragraph: int, start: int) -> int:
        doc = self.docs[paragraph]
        span = doc.char_span(start, start + 1, alignment_mode="expand")
        if span is None:
            return 0
        token = span[0]
        while token.dep_ in ("compound", "flat") and token.head.i != token.i:
            token = token.head
        return int(token.dep_ in ("nsubj", "nsubjpass"))

    def _role(self, words, head) -> Actor | None:
        modifiers = {
            t.lower_ for t in words
            if t.i != head.i and t.lower_ not in _MODIFIERS_IGNORED
            and t.pos_ in ("ADJ", "PROPN", "NOUN")
        }
        heads = ROLE_SYNONYMS.get(head.lower_, {head.lower_})
        matches = []
        for actor in self.people:
            title_words = actor.titles
            if not any(all(w in title_words for w in h.split()) for h in heads):
                continue
            if not modifiers <= title_words | _country_forms(title_words):
                continue
            matches.append(actor)
        return matches[0] if len(matches) == 1 else None

    def _org_by_head(self, head) -> Actor | None:
        """'the alliance', 'the institute': the one organisation whose name has that word."""
        word = head.lower_
        if len(word) < 4 or word in _MODIFIERS_IGNORED:
            return None
        matches = [
            a for a in self.actors
            if a.kind == ORGANISATION and any(word in f.lower().split() for f in a.forms)
        ]
        return matches[0] if len(matches) == 1 else None


def _country_forms(words: set[str]) -> set[str]:
    """'russia' in a title also matches the role word 'russian', and the reverse."""
    extra = set()
    for w in words:
        if w in PLACES:
            extra |= {w + "n", w + "an", w + "ian"}
        if w in NATIONALITIES:
            extra.add(re.sub(r"(ian|an|n)$", "", w))
    return extra


def find_quotes(
    paragraphs: list[str], docs, actors: list[Actor], skip: set[int]
) -> list[FoundQuote]:
    ordered = paragraphs_look_ordered(actors, skip, paragraphs)
    resolver = _Resolver(paragraphs, docs, actors, ordered)
    found = {
        index: speech_verb_candidates(text, doc)
        for index, (text, doc) in enumerate(zip(paragraphs, docs, strict=True))
        if index not in skip
    }
    if ordered and _pronoun_before_people(found, resolver):
        resolver.ordered = False
    for index, candidates in found.items():  # who the story quotes by name, and how often
        for cand in candidates:
            token = cand.speaker_token
            if token is None or token.lower_ in PRONOUNS:
                continue
            actor = resolver.actor_at(index, token.idx, token.idx + len(token.text))
            if actor is not None:
                resolver.named_quotes[id(actor)] = resolver.named_quotes.get(id(actor), 0) + 1
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
                actor, speaker_text, confidence = resolver.resolve(
                    index, cand.speaker_token, (start, end)
                )
            if actor is not None:
                resolver.recent.setdefault(index, []).append((cand.start, actor))
                resolver.recent_heads.setdefault(index, []).append(
                    (cand.speaker_token.idx, cand.speaker_token.lower_, actor)
                )
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
                    actor, speaker_text, confidence = resolver.resolve(index, subject, (s, e))
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


def _pronoun_before_people(found: dict[int, list[Candidate]], resolver: _Resolver) -> bool:
    """A 'he said' in a paragraph before the story has named anyone who could be 'he' cannot
    be read in order: the paragraphs were shuffled, whatever the name forms suggest. Anyone
    means a person, or any actor named as a subject (the model may take a person for an
    organisation)."""
    named = [
        m.paragraph for a in resolver.actors for m in a.mentions
        if a.kind == PERSON or resolver._issubject_of(m.paragraph, m.start)
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
