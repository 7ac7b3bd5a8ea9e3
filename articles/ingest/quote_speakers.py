"""Speakers: the subject of a speech verb resolved to one of the story's actors.

A subject names its actor outright ("Marrow", "the Kremlin"), by a form of the name, by a role
("the Kremlin spokesman"), by an appositive, by an actor inside the phrase ("a spokesman for
Veltra") or by a pronoun. Each rule below tries one of these, in that order; the first that
answers decides, and when none does the speaker stays None rather than a guess. Confidences
say how far each rule is trusted.
"""

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .actors import ORGANISATION, PERSON, Actor
from .lexicon import NATIONALITIES, PLACES, ROLE_NOUNS, ROLE_SYNONYMS
from .pipeline import lemma
from .quote_candidates import PRONOUNS, Candidate
from .types import FoundQuote

CONFIDENCE_NAMED = 0.9  # the subject is a mention of the actor
CONFIDENCE_NAME_FORM = 0.8  # a proper noun spelt as one of the actor's forms
CONFIDENCE_APPOSITIVE = 0.8  # "the minister, Ilse Marrow, said"
CONFIDENCE_ROLE = 0.7  # "the Kremlin spokesman": the one person with that title
CONFIDENCE_ACTOR_IN_PHRASE = 0.6  # "a spokesman for Veltra", "the alliance", "the statement"
CONFIDENCE_PRONOUN = 0.8  # "he said" after a name in the same paragraph
CONFIDENCE_PRONOUN_PARAGRAPH_BEFORE = 0.5  # ... after a name in the paragraph before
CONFIDENCE_ONLY_CANDIDATE = 0.5  # ... in a story with one actor it could be
CONFIDENCE_PROTAGONIST = 0.45  # ... in a story about one person
CONFIDENCE_MAIN_SPEAKER = 0.4  # ... in a story quoting mostly one person
CONFIDENCE_UNRESOLVED = 0.3
# Taken off a pronoun's confidence when more than one actor could be its antecedent.
AMBIGUOUS_ANTECEDENT_PENALTY = 0.15
# From this confidence a resolved "he" or "she" teaches the actor's gender.
CONFIDENCE_TO_LEARN_GENDER = 0.65

# How likely a pronoun's antecedent is: the last speaker, then a subject, then anyone.
_RANK_LAST_SPEAKER = 2

_MODIFIERS_IGNORED = {"the", "a", "an", "top", "senior", "chief", "former", "then", "new", "'s"}

_PERSON_NOUNS = (ROLE_NOUNS - {"spokesman", "spokeswoman", "spokesperson"}) | {
    "democrat", "republican", "member", "official", "officer", "employee", "lawyer",
    "analyst", "expert", "source", "insider", "staffer", "conservative", "liberal",
    "moderate", "critic", "supporter", "opponent", "ally", "aide", "activist", "voter",
    "lawmaker", "leader",
    # a body inside the organisation, not its voice: "the Republican Senate caucus"
    "caucus", "wing", "faction", "delegation",
}


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who a subject resolved to (None when unclear), the story's words for them, and how
    sure the rule that resolved it is."""

    actor: Actor | None
    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class _Placed:
    """An actor's mention in one paragraph."""

    start: int
    end: int
    actor: Actor


@dataclass(frozen=True, slots=True)
class _Attribution:
    """A quote already given to an actor: where it starts, and the subject's head word."""

    quote_start: int
    head_at: int
    head_word: str
    actor: Actor


@dataclass(frozen=True, slots=True)
class _Antecedent:
    rank: int  # _RANK_LAST_SPEAKER, 1 for a subject, 0 for any mention
    at: int
    actor: Actor


@dataclass(frozen=True, slots=True)
class _Match:
    """A rule's answer; an actor of None means the rule knows nobody can be named."""

    actor: Actor | None
    confidence: float


@dataclass(frozen=True, slots=True)
class _Subject:
    """The subject to resolve: its head token, its phrase, and the quote it speaks."""

    paragraph: int
    head: Token
    words: list[Token]
    quote: tuple[int, int]


@dataclass(frozen=True, slots=True)
class _Pronoun:
    """A 'he', 'she' or 'it' to resolve, and the actors it cannot stand for."""

    paragraph: int
    at: int
    kind: str
    gender: str | None
    quote: tuple[int, int]
    named_later: set[int]  # ids of actors named after it in its own sentence

    def could_be(self, actor: Actor) -> bool:
        return (self.gender is None or actor.gender in (None, self.gender)) and (
            id(actor) not in self.named_later
        )


class SpeakerResolver:
    """Maps a subject token to an actor: name, surname, role or pronoun."""

    def __init__(self, paragraphs, docs, actors: list[Actor], ordered: bool | None = None):
        self.paragraphs = paragraphs
        # Paragraphs shown to read in order (see `paragraphs_look_ordered`): only then does
        # the paragraph before say who "he" is.
        self.ordered = ordered
        self.docs = docs
        self.actors = actors
        self.people = [a for a in actors if a.kind == PERSON]
        self.by_paragraph: dict[int, list[_Placed]] = {}
        for actor in actors:
            for mention in actor.mentions:
                self.by_paragraph.setdefault(mention.paragraph, []).append(
                    _Placed(mention.start, mention.end, actor)
                )
        self.forms: dict[str, Actor] = {}
        for actor in actors:
            for form in actor.forms:
                self.forms.setdefault(form.lower(), actor)
        # Quotes already attributed in a paragraph, for "he said" after "X said" and "The
        # statement said" after "A statement from the ministry said".
        self.attributions: dict[int, list[_Attribution]] = {}
        # How many attributions name each actor outright (id(actor) -> count).
        self.named_quotes: dict[int, int] = {}
        # How many quotes a first pass gave each actor (id(actor) -> count); None before it.
        self.quoted: dict[int, int] | None = None
        self._rules = (
            self._named_head, self._pronoun, self._name_form, self._role_title,
            self._appositive, self._actor_in_phrase,
        )

    def restart(self, quotes: list[FoundQuote]) -> None:
        """Forget the last pass's attributions but keep what it learnt: who spoke how often."""
        self.attributions.clear()
        by_name = {a.canonical: a for a in self.actors}
        self.quoted = {}
        for quote in quotes:
            if quote.speaker in by_name:
                key = id(by_name[quote.speaker])
                self.quoted[key] = self.quoted.get(key, 0) + 1

    def count_named_quotes(self, found: dict[int, list[Candidate]]) -> None:
        """Who the story quotes by name, and how often: a main speaker's "he said" is theirs."""
        for index, candidates in found.items():
            for cand in candidates:
                token = cand.speaker_token
                if token is None or token.lower_ in PRONOUNS:
                    continue
                actor = self.actor_of(index, token)
                if actor is not None:
                    self.named_quotes[id(actor)] = self.named_quotes.get(id(actor), 0) + 1

    def remember(self, paragraph: int, quote_start: int, head: Token, actor: Actor) -> None:
        """A quote given to `actor`: the antecedent of a later "he said" in the paragraph."""
        self.attributions.setdefault(paragraph, []).append(
            _Attribution(quote_start, head.idx, head.lower_, actor)
        )

    def actor_at(self, paragraph: int, start: int, end: int) -> Actor | None:
        best = None
        for placed in self.by_paragraph.get(paragraph, []):
            if placed.start < end and start < placed.end:
                if best is None or placed.actor.kind == PERSON:
                    best = placed.actor
        return best

    def actor_of(self, paragraph: int, token: Token) -> Actor | None:
        return self.actor_at(paragraph, token.idx, token.idx + len(token.text))

    def resolve(self, paragraph: int, token: Token, quote: tuple[int, int] = (0, 0)) -> Speaker:
        """The speaker `token` names, by the first rule that answers."""
        words = _subject_words(self.docs[paragraph], token)
        speaker_text = _phrase_text(self.paragraphs[paragraph], words)
        subject = _Subject(paragraph, token, words, quote)
        for rule in self._rules:
            match = rule(subject)
            if match is not None:
                return Speaker(match.actor, speaker_text, match.confidence)
        return Speaker(None, speaker_text, CONFIDENCE_UNRESOLVED)

    def _named_head(self, subject: _Subject) -> _Match | None:
        """The head itself names an actor."""
        token = subject.head
        actor = self.actor_of(subject.paragraph, token)
        if actor is None:
            return None
        if (
            actor.kind == ORGANISATION and token.text.endswith(("s", "'s", "’s"))
            and any(c.dep_ == "appos" and c.i > token.i and _person_noun(c) for c in token.children)
        ):
            # "the Senates top Democrat said", parsed with the possessive as the subject: a
            # person of the organisation, not its voice.
            return _Match(None, CONFIDENCE_UNRESOLVED)
        return _Match(actor, CONFIDENCE_NAMED)

    def _name_form(self, subject: _Subject) -> _Match | None:
        """A proper noun spelt as an actor's form, a plural s aside ("the Marrows")."""
        lowered = subject.head.lower_.rstrip("s")
        if subject.head.pos_ == "PROPN" and lowered in self.forms:
            return _Match(self.forms[lowered], CONFIDENCE_NAME_FORM)
        return None

    def _role_title(self, subject: _Subject) -> _Match | None:
        """'the Kremlin spokesman': the one person whose titles hold the role and its words."""
        head = subject.head
        if head.lower_ not in ROLE_NOUNS and lemma(head) not in ROLE_NOUNS:
            return None
        role = self._role(subject.words, head)
        return _Match(role, CONFIDENCE_ROLE) if role is not None else None

    def _appositive(self, subject: _Subject) -> _Match | None:
        """'the minister, Ilse Marrow, said': the appositive names the actor."""
        for appositive in (c for c in subject.head.children if c.dep_ == "appos"):
            hit = self.actor_of(subject.paragraph, appositive)
            if hit is not None:
                return _Match(hit, CONFIDENCE_APPOSITIVE)
        return None

    def _actor_in_phrase(self, subject: _Subject) -> _Match | None:
        """One actor inside the subject phrase ("The CFFs disciplinary committee", "a
        spokesman for Veltra"); with none, an organisation named by the phrase's noun ("the
        alliance") or the source an earlier attribution named ("The statement said")."""
        # "the ambassador to NATO", "an envoy to the EU" speak to it, not for it.
        inside = {
            id(hit): hit for t in subject.words
            if (hit := self.actor_of(subject.paragraph, t)) is not None and not _object_of_to(t)
        }
        if inside:
            return _one_voice_inside(subject.head, inside)
        return self._organisation_word(subject) or self._same_source(subject)

    def _organisation_word(self, subject: _Subject) -> _Match | None:
        for token in subject.words:
            if token.pos_ == "NOUN" and (token is subject.head or token.dep_ == "pobj"):
                org = self._org_by_head(token)
                if org is not None:
                    return _Match(org, CONFIDENCE_ACTOR_IN_PHRASE)
        return None

    def _same_source(self, subject: _Subject) -> _Match | None:
        """'A statement from the ministry said ... The statement said': the same source."""
        head = subject.head
        if head.pos_ != "NOUN" or not any(c.lower_ == "the" for c in head.children):
            return None
        earlier = {
            id(said.actor): said.actor for said in self.attributions.get(subject.paragraph, [])
            if said.head_word == head.lower_ and said.head_at < head.idx
        }
        if len(earlier) == 1:
            return _Match(next(iter(earlier.values())), CONFIDENCE_ACTOR_IN_PHRASE)
        return None

    def _pronoun(self, subject: _Subject) -> _Match | None:
        """'he', 'she' or 'it': the likeliest antecedent in the paragraph, else in the
        paragraph before when the story reads in order, else the story's one candidate."""
        token, paragraph = subject.head, subject.paragraph
        word = token.lower_
        if word not in PRONOUNS and word != "it":
            return None
        pronoun = _Pronoun(
            paragraph, token.idx, ORGANISATION if word == "it" else PERSON, PRONOUNS.get(word),
            subject.quote, self._named_later_in_sentence(paragraph, token),
        )
        antecedents = self._antecedents(pronoun, paragraph, pronoun.at)
        confidence = CONFIDENCE_PRONOUN
        if not antecedents and self.ordered and paragraph > 0:
            # The paragraph before, in a story shown to be in order: "X said ...", "he said".
            antecedents = self._antecedents(pronoun, paragraph - 1, 10**9)
            confidence = CONFIDENCE_PRONOUN_PARAGRAPH_BEFORE
        if not antecedents:
            return self._pronoun_without_antecedent(pronoun)
        return _likeliest(antecedents, confidence, pronoun.gender)

    def _named_later_in_sentence(self, paragraph: int, token: Token) -> set[int]:
        """Actors named after the pronoun in its sentence: 'he told Marrow' is not Marrow."""
        return {
            id(placed.actor) for placed in self.by_paragraph.get(paragraph, [])
            if token.sent.start_char <= placed.start < token.sent.end_char
            and placed.start > token.idx
        }

    def _antecedents(self, pronoun: _Pronoun, index: int, before: int) -> list[_Antecedent]:
        """The actors in paragraph `index` before offset `before` the pronoun could stand for."""
        found = []
        for placed in self.by_paragraph.get(index, []):
            if placed.start >= before or placed.actor.kind != pronoun.kind:
                continue
            if index == pronoun.paragraph and pronoun.quote[0] <= placed.start < pronoun.quote[1]:
                continue  # a name inside the quoted words is not who speaks them
            found.append(
                _Antecedent(self.is_subject(index, placed.start), placed.start, placed.actor)
            )
        for said in self.attributions.get(index, []):
            if said.quote_start < before and said.actor.kind == pronoun.kind:
                found.append(_Antecedent(_RANK_LAST_SPEAKER, said.quote_start, said.actor))
        return [a for a in found if pronoun.could_be(a.actor)]

    def _pronoun_without_antecedent(self, pronoun: _Pronoun) -> _Match:
        """Paragraphs may arrive shuffled, so the paragraph before proves nothing: a pronoun
        with no antecedent in its own paragraph resolves only when the story has a single
        actor it could be, a main speaker, or a protagonist."""
        kind, gender = pronoun.kind, pronoun.gender
        only = self._only_candidate(kind, gender)
        if only is not None:
            return _Match(only, CONFIDENCE_ONLY_CANDIDATE)
        main = self._main_speaker(kind, gender)
        if main is not None:
            return _Match(main, CONFIDENCE_MAIN_SPEAKER)
        named_here = pronoun.named_later | {
            id(placed.actor) for placed in self.by_paragraph.get(pronoun.paragraph, [])
            if pronoun.quote[0] <= placed.start < pronoun.quote[1]
        }
        protagonist = self._protagonist(kind, gender, named_here)
        if protagonist is not None:
            return _Match(protagonist, CONFIDENCE_PROTAGONIST)
        return _Match(None, CONFIDENCE_UNRESOLVED)

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

    def _only_candidate(self, kind: str, gender: str | None) -> Actor | None:
        pool = [
            a for a in self.actors
            if a.kind == kind and (gender is None or a.gender in (None, gender))
        ]
        return pool[0] if len(pool) == 1 else None

    def is_subject(self, paragraph: int, start: int) -> int:
        """1 when the mention starting at `start` is a subject, else 0."""
        doc = self.docs[paragraph]
        span = doc.char_span(start, start + 1, alignment_mode="expand")
        if span is None:
            return 0
        token = span[0]
        while token.dep_ in ("compound", "flat") and token.head.i != token.i:
            token = token.head
        return int(token.dep_ in ("nsubj", "nsubjpass"))

    def _role(self, words: list[Token], head: Token) -> Actor | None:
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

    def _org_by_head(self, head: Token) -> Actor | None:
        """'the alliance', 'the institute': the one organisation whose name has that word."""
        word = head.lower_
        if len(word) < 4 or word in _MODIFIERS_IGNORED:
            return None
        matches = [
            a for a in self.actors
            if a.kind == ORGANISATION and any(word in f.lower().split() for f in a.forms)
        ]
        return matches[0] if len(matches) == 1 else None


def _subject_words(doc: Doc, head: Token) -> list[Token]:
    """The subject phrase, kept short: it stops at a relative clause."""
    words = list(doc[head.left_edge.i : head.right_edge.i + 1])
    cut = next((i for i, t in enumerate(words) if t.dep_ in ("relcl", "acl") and i > 0), None)
    return words[:cut] if cut is not None else words


def _phrase_text(text: str, words: list[Token]) -> str:
    if not words:
        return ""
    return text[words[0].idx : words[-1].idx + len(words[-1].text)].strip(" ,")


def _one_voice_inside(head: Token, inside: dict[int, Actor]) -> _Match | None:
    """The one actor inside a subject phrase headed by a noun, unless the head makes it a
    person of an organisation ("the Senate's top Democrat", "a ministry official") rather
    than its voice (a spokesman is its voice)."""
    if len(inside) != 1 or head.pos_ not in ("NOUN", "PROPN"):
        return None
    hit = next(iter(inside.values()))
    if hit.kind == ORGANISATION and _person_noun(head):
        return None
    return _Match(hit, CONFIDENCE_ACTOR_IN_PHRASE)


def _likeliest(antecedents: list[_Antecedent], confidence: float, gender: str | None) -> _Match:
    """The latest antecedent of the best rank; less sure when several actors could be it.
    A sure "he" or "she" teaches the actor's gender."""
    best_rank = max(a.rank for a in antecedents)
    chosen = max((a for a in antecedents if a.rank == best_rank), key=lambda a: a.at).actor
    if len({id(a.actor) for a in antecedents}) > 1:
        confidence -= AMBIGUOUS_ANTECEDENT_PENALTY
    if gender and chosen.gender is None and confidence >= CONFIDENCE_TO_LEARN_GENDER:
        chosen.gender = gender
    return _Match(chosen, confidence)


def _person_noun(token: Token) -> bool:
    # "Democrats" may come back from the parser as a proper noun whose lemma keeps its s
    return bool({token.lower_, lemma(token), token.lower_.removesuffix("s")} & _PERSON_NOUNS)


def _object_of_to(token: Token) -> bool:
    while token.dep_ in ("compound", "flat", "amod") and token.head.i != token.i:
        token = token.head
    return token.dep_ == "pobj" and token.head.lower_ == "to"


def _country_forms(words: set[str]) -> set[str]:
    """'russia' in a title also matches the role word 'russian', and the reverse."""
    extra = set()
    for word in words:
        if word in PLACES:
            extra |= {word + "n", word + "an", word + "ian"}
        if word in NATIONALITIES:
            extra.add(re.sub(r"(ian|an|n)$", "", word))
    return extra
