"""Reading order: the estimated original order of a story whose paragraphs arrive shuffled.

A news story has habits: it opens with a dateline or the paragraph that shares most with its
title, introduces a person by full name before calling them by surname, puts "But", "Also" and
"he added" later, background and reactions after the news, and credits last. None of these is
a rule; a logistic model weighs them, learned from pairs of paragraphs of stories in their
original order (../shared/corpus/large/), by `python -m bench.train_order`, which writes the
weights next to this file.

Two models share the features of a paragraph (each a cheap string test, so ordering costs
nothing next to extraction):
- the opening model scores each paragraph as the story's first (a softmax over the story);
- the pairwise model gives P(A before B) from the difference of the two paragraphs' features
  and from features of the pair itself (A names "Antony Blinken", B only "Blinken").
The order is the opening, then the remaining paragraphs taken one at a time, each time the one
most likely to come before the others still left.

Text is compared as the seeds carry it: apostrophes and curly double quotes removed.
Pure Python and numpy: no Django here.
"""

import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy

WEIGHTS_PATH = Path(__file__).with_name("order_weights.json")
# Stories longer than this keep their file order: ordering is quadratic in paragraphs, and no
# news story comes near it.
MAX_PARAGRAPHS = 400

STRIPPED = str.maketrans("", "", "'\u2019\u2018\u201c\u201d")
WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
FULL_NAME = re.compile(
    r"\b(?:[A-Z][a-z]+\.? )(?:[A-Z]\. )?(?:[A-Z][a-z]+ )?([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b"
)
ACRONYM_DEFINED = re.compile(r"\(([A-Z]{2,6})\)")
ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
SPELT_OUT = re.compile(r"\b[A-Z][a-z]+(?: (?:of |for |and |on |the )*[A-Z][a-z]+)+")
HONORIFIC_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Prof|Rev|President|Senator|Secretary|"
    r"Minister|Governor|Judge|Justice|Mayor|Speaker|Chancellor|Chairman|Chairwoman|Leader)\.? $"
)
# How far before a word HONORIFIC_BEFORE can begin: past the longest title ("Chairwoman"), its
# dot, space and a line's end.
HONORIFIC_REACH = 20
NAME_AFTER = re.compile(r" [A-Z][a-z]")
NAME_BEFORE = re.compile(r"[A-Z][a-z]*\.? $")
INDEFINITE = re.compile(r"\b(?:a|an) ([a-z]{3,})(?: ([a-z]{3,}))?")
DEFINITE = re.compile(r"\b(?:the|this|that|these|those) ([a-z]{3,})(?: ([a-z]{3,}))?")
DATELINE = re.compile(
    r"^[A-Z]{3,}[A-Z .'-]*(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?\s*"
    r"(?:\([A-Za-z .&-]{2,30}\))?\s*[-\u2013\u2014:]{1,2}\s"
    r"|^\(?[A-Z][A-Za-z .]{1,30}\)? ?\((?:Reuters|AP|AFP|CNN|Bloomberg|UPI)\)"
    r"|^[A-Z][A-Za-z .]{1,30}, (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d"
)
EDITORIAL = re.compile(r"^(?:UPDATE|Update|CORRECTION|Correction|EDITORS? NOTE|Editors? [Nn]ote)\b")
INDEFINITE_START = re.compile(r"^(?:A|An)\b")
OUTLET_TAG = re.compile(r"\((?:Reuters|AP|AFP|CNN|Bloomberg|UPI)\)")
CONTRAST = re.compile(
    r"^(?:But|However|Yet|Still|Nonetheless|Nevertheless|Though|Instead|So|Even so)\b"
)
ADDITION = re.compile(
    r"^(?:And|Also|In addition|Additionally|Moreover|Furthermore|Separately|Meanwhile|Besides"
    r"|Similarly|Likewise|Other|Another)\b"
)
TIME_LATER = re.compile(r"^(?:Later|Earlier|Then|Afterward|Afterwards|Since|Now|Last|Previously)\b")
PRONOUN_START = re.compile(
    r"^(?:He|She|They|It|His|Her|Their|Its|This|That|These|Those|Such|Both|The two)\b"
)
PRONOUN_SAID = re.compile(r"\b(?:he|she|they|it) (?:said|says|added|told|noted|explained)\b")
SAID = re.compile(r"\b(?:said|says|told|added|according to|stated|noted|explained)\b")
SAID_AT_END = re.compile(r"\b(?:said|says|added|told [a-z]+(?: [A-Za-z]+)?)\.?\"?$")
ADDED = re.compile(r"\b(?:also|added|again|another|further|too)\b")
# Who reported and edited the story: its last lines.
CREDIT = re.compile(
    r"contributed (?:to )?(?:this )?report|contributed reporting|(?:Reporting|Editing|Writing|"
    r"Additional reporting) by|Associated Press writers? |This (?:story|article) (?:has been|"
    r"was) (?:updated|corrected)|can be reached at"
)
# Page furniture left among the paragraphs, found anywhere.
FURNITURE = re.compile(
    r"Follow [A-Za-z ]+ on Twitter|Copyright|All rights reserved|[Ss]ign up|newsletter|"
    r"Read more|Click here|RELATED|Related:|[Ss]ubscribe|@\w+"
)
CAPTION = re.compile(r"Hide caption|toggle caption|Getty Images|AP Photo|Photo:|Image:|\(Photo")
WEEKDAY = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
RECENT = re.compile(r"\b(?:today|yesterday|tonight|this week|this morning|on \w+day)\b")
BACKGROUND = re.compile(
    r"\b(?:had been|had [a-z]+ed|last year|in (?:19|20)\d\d|previously|earlier|since)\b"
)
NOT_A_LETTER = re.compile(r"[\W_]+")
DIGIT = re.compile(r"\d")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
NOT_A_NAME_START = frozenset(
    "The A An In On At But And For If As It He She They We I This That These Those When While "
    "After Before Since Under Over With From By To Of Or So Yet Still Also His Her Their Its Our "
    "Mr Mrs Ms Dr Then There Here What Why How Who Where Last Next Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday January February March April May June July August "
    "September October November December".split()
)
STOP_WORDS = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been has have had "
    "that this these those it its he she they his her their we our you your i not no will would "
    "can could should may might said says about after over into than then there which who what "
    "when where while also more most new".split()
)

UNARY_FEATURES = (
    "word_position",
    "word_opening",
    "start_position",
    "title_overlap",
    "title_overlap_best",
    "log_chars",
    "chars_z",
    "centrality_z",
    "dateline",
    "outlet_tag",
    "editorial",
    "starts_indefinite",
    "is_title",
    "starts_contrast",
    "starts_addition",
    "starts_time",
    "starts_pronoun",
    "starts_quote",
    "starts_name",
    "quoted",
    "said",
    "said_at_end",
    "pronoun_said",
    "added",
    "credit",
    "furniture",
    "caption",
    "weekday",
    "recent",
    "background",
    "years",
    "question",
    "digits",
    "short",
    "ends_colon",
    "names_introduced",
    "surnames_used",
    "acronyms_defined",
    "acronyms_used",
)
PAIR_FEATURES = (
    "introduces_name",
    "spells_out_acronym",
    "names_pronoun",
    "introduces_thing",
)
STARTS_PRONOUN = UNARY_FEATURES.index("starts_pronoun")


@dataclass(frozen=True)
class Lexicon:
    """Where words tend to stand, counted over stories in order (bench/train_order.py).

    `words`: a word's mean relative position in the stories that use it, minus 0.5 (-0.5: only
    ever in openings), and the log-ratio of its rate in openings to its rate elsewhere.
    `starts`: the same mean position for paragraphs that begin with a word or two ("but",
    "but the"). Only words common enough to be measured are kept.
    """

    words: dict[str, tuple[float, float]]
    starts: dict[str, float]


@dataclass(frozen=True)
class OrderModel:
    """Weights learned by bench/train_order.py: one per feature, names kept with them."""

    opening: numpy.ndarray  # over UNARY_FEATURES
    pairwise_unary: numpy.ndarray  # over UNARY_FEATURES
    pairwise_pair: numpy.ndarray  # over PAIR_FEATURES
    lexicon: Lexicon

    @classmethod
    def from_json(cls, text: str) -> "OrderModel":
        stored = json.loads(text)
        return cls(
            opening=_vector(stored["opening"], UNARY_FEATURES),
            pairwise_unary=_vector(stored["pairwise"]["unary"], UNARY_FEATURES),
            pairwise_pair=_vector(stored["pairwise"]["pair"], PAIR_FEATURES),
            lexicon=Lexicon(
                words={word: tuple(pair) for word, pair in stored["lexicon"]["words"].items()},
                starts=stored["lexicon"]["starts"],
            ),
        )

    def to_json(self, **about) -> str:
        stored = {
            **about,
            "opening": _named(self.opening, UNARY_FEATURES),
            "pairwise": {
                "unary": _named(self.pairwise_unary, UNARY_FEATURES),
                "pair": _named(self.pairwise_pair, PAIR_FEATURES),
            },
            "lexicon": {
                "words": {
                    word: [round(position, 3), round(opening, 3)]
                    for word, (position, opening) in sorted(self.lexicon.words.items())
                },
                "starts": {
                    start: round(position, 3)
                    for start, position in sorted(self.lexicon.starts.items())
                },
            },
        }
        return json.dumps(stored, indent=0, ensure_ascii=False) + "\n"


def _vector(named: dict[str, float], names: tuple[str, ...]) -> numpy.ndarray:
    # A feature the stored weights do not know (added since training) weighs nothing.
    return numpy.array([float(named.get(name, 0.0)) for name in names])


def _named(vector: numpy.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    return {name: round(float(value), 5) for name, value in zip(names, vector, strict=True)}


@functools.cache
def load_model() -> OrderModel:
    return OrderModel.from_json(WEIGHTS_PATH.read_text(encoding="utf-8"))


# --- Features -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryFeatures:
    unary: numpy.ndarray  # paragraphs x UNARY_FEATURES
    pair: numpy.ndarray  # paragraphs x paragraphs x PAIR_FEATURES, antisymmetric


def _content_words(text: str) -> set[str]:
    return _content(paragraph_words(text))


def _content(words: set[str]) -> set[str]:
    """Of lower-cased words, those that say something: longer than two letters, not stop words."""
    return {word for word in words if len(word) > 2 and word not in STOP_WORDS}


def _full_names(text: str) -> set[str]:
    """Surnames of names written in full here ("Antony Blinken" gives "Blinken")."""
    surnames = set()
    for match in FULL_NAME.finditer(text):
        first = match.group(0).split(" ", 1)[0].rstrip(".")
        if first not in NOT_A_NAME_START:
            surnames.add(match.group(1))
    return surnames


def _lone_capitalised(text: str) -> set[str]:
    """Capitalised words standing alone ("Blinken said", "Mr. Blinken"), not inside a longer
    name. (Sentence openings are capitalised anyway: only words that are someone's surname
    elsewhere in the story are ever looked up here.)"""
    alone = set()
    for match in CAPITALISED.finditer(text):
        if NAME_AFTER.match(text, match.end()):
            continue
        start = match.start()
        # Searching within bounds is searching the slice, without copying it: \b still sees the
        # character before the lower bound, and the upper bound ends the text for $.
        before = NAME_BEFORE.search(text, max(0, start - 20), start)
        if before and not HONORIFIC_BEFORE.search(text, max(0, start - HONORIFIC_REACH), start):
            continue
        alone.add(match.group(0))
    return alone


def _acronyms_spelt_out(text: str) -> set[str]:
    """Initials of names written in full ("Federal Bureau of Investigation" gives "FBI")."""
    return {
        "".join(word[0] for word in match.group(0).split() if word[0].isupper())
        for match in SPELT_OUT.finditer(text)
    }


def _letters(text: str) -> str:
    return NOT_A_LETTER.sub("", text.lower())


def _nouns(pattern: re.Pattern, lower: str) -> set[str]:
    return {
        word
        for match in pattern.finditer(lower)
        for word in match.groups()
        if word and word not in STOP_WORDS
    }


def paragraph_words(text: str) -> set[str]:
    """The lower-cased words of a paragraph, as the lexicon counts them."""
    return {word.lower() for word in WORD.findall(text)}


def paragraph_start(text: str) -> tuple[str, str]:
    """The first word and the first two words of a paragraph, lower-cased."""
    first_words = [word.lower() for word in WORD.findall(text[:40])[:2]]
    return (first_words[0] if first_words else "", " ".join(first_words))


def _lexical(text: str, words: set[str], lexicon: Lexicon) -> tuple[float, float, float]:
    """Where the paragraph's words (its paragraph_words) and its start tend to stand."""
    # Sorted: sums in the same order on every run, whatever the hash seed.
    known = [lexicon.words[word] for word in sorted(words) if word in lexicon.words]
    position = sum(pair[0] for pair in known) / len(known) if known else 0.0
    opening = sum(pair[1] for pair in known) / len(known) if known else 0.0
    one_word, two_words = paragraph_start(text)
    start = lexicon.starts.get(two_words, lexicon.starts.get(one_word, 0.0))
    return position * 4, opening, start * 4


@dataclass
class _Paragraph:
    """What the features read of one paragraph, computed once."""

    text: str
    lower: str
    all_words: set[str]  # every word, lower-cased (paragraph_words)
    words: set[str]  # the content words among them
    full: set[str]
    lone: set[str]
    defined: set[str]
    acronyms: set[str]
    introduced: set[str]  # nouns after "a", "an"
    referred: set[str]  # nouns after "the", "this", "that"

    @classmethod
    def read(cls, paragraph: str) -> "_Paragraph":
        text = paragraph.translate(STRIPPED).strip()
        lower = text.lower()
        all_words = paragraph_words(text)
        return cls(
            text=text,
            lower=lower,
            all_words=all_words,
            words=_content(all_words),
            full=_full_names(text),
            lone=_lone_capitalised(text),
            defined=set(ACRONYM_DEFINED.findall(text)) | _acronyms_spelt_out(text),
            acronyms=set(ACRONYM.findall(text)),
            introduced=_nouns(INDEFINITE, lower),
            referred=_nouns(DEFINITE, lower),
        )


@dataclass
class _Story:
    """What the features compare a paragraph with: the title and the story's other paragraphs."""

    read: list[_Paragraph]
    title_key: str
    overlap: numpy.ndarray  # share of the title's words in each paragraph
    chars: numpy.ndarray
    centrality: numpy.ndarray  # words shared with the other paragraphs, on average
    introduced_anywhere: set[str]  # surnames some paragraph writes in full
    defined_anywhere: set[str]  # acronyms some paragraph spells out
    lone_paragraphs: Counter  # paragraphs using each surname alone
    acronym_paragraphs: Counter  # paragraphs using each acronym

    @classmethod
    def read_story(cls, paragraphs, title: str) -> "_Story":
        read = [_Paragraph.read(paragraph) for paragraph in paragraphs]
        title_words = _content_words(title.translate(STRIPPED))
        return cls(
            read=read,
            title_key=_letters(title),
            overlap=numpy.array(
                [
                    len(title_words & own.words) / len(title_words) if title_words else 0.0
                    for own in read
                ]
            ),
            chars=numpy.array([len(own.text) for own in read], dtype=float),
            centrality=_centrality(read),
            introduced_anywhere=set().union(*(own.full for own in read)),
            defined_anywhere=set().union(*(own.defined for own in read)),
            lone_paragraphs=Counter(word for own in read for word in own.lone),
            acronym_paragraphs=Counter(word for own in read for word in own.acronyms),
        )


def _centrality(read: list[_Paragraph]) -> numpy.ndarray:
    """For each paragraph, the mean share of words it has in common with each other one."""
    shares = _shared_words(read)
    centrality = numpy.zeros(len(read))
    for index, row in enumerate(shares):
        # Summed in the others' order, as each paragraph always was.
        shared = row[:index] + row[index + 1 :]
        centrality[index] = sum(shared) / len(shared) if shared else 0.0
    return centrality


def _shared_words(read: list[_Paragraph]) -> list[list[float]]:
    """For every two paragraphs, the words they share over the words either uses (plus one),
    computed once a pair: |A | B| is |A| + |B| - |A & B|."""
    sizes = [len(own.words) for own in read]
    shares = [[0.0] * len(read) for _ in read]
    for index, own in enumerate(read):
        for position in range(index + 1, len(read)):
            common = len(own.words & read[position].words)
            share = common / (1 + sizes[index] + sizes[position] - common)
            shares[index][position] = shares[position][index] = share
    return shares


def story_features(
    paragraphs: list[str] | tuple[str, ...], title: str = "", lexicon: Lexicon | None = None
) -> StoryFeatures:
    """The features of every paragraph of one story, and of every pair of them."""
    lexicon = lexicon or Lexicon({}, {})
    story = _Story.read_story(paragraphs, title)
    chars_z, centrality_z = _z(story.chars), _z(story.centrality)
    best_overlap = story.overlap.max(initial=0.0)
    unary = numpy.zeros((len(story.read), len(UNARY_FEATURES)))
    for index, own in enumerate(story.read):
        values = {
            **_lexical_features(own, lexicon),
            **_title_features(story, index, best_overlap),
            "log_chars": math.log1p(story.chars[index]) / 6,
            "chars_z": chars_z[index],
            "centrality_z": centrality_z[index],
            **_cue_features(own.text, own.lower),
            **_name_features(story, own),
        }
        unary[index] = [values[name] for name in UNARY_FEATURES]
    evidence = _pair_evidence(story.read, unary[:, STARTS_PRONOUN] > 0)
    return StoryFeatures(unary=unary, pair=evidence - evidence.transpose(1, 0, 2))


def _lexical_features(own: _Paragraph, lexicon: Lexicon) -> dict[str, float]:
    word_position, word_opening, start_position = _lexical(own.text, own.all_words, lexicon)
    return {
        "word_position": word_position,
        "word_opening": word_opening,
        "start_position": start_position,
    }


def _title_features(story: _Story, index: int, best_overlap: float) -> dict[str, float]:
    """How much of the title a paragraph repeats (`best_overlap`: the most any paragraph does),
    and whether it is the title itself."""
    overlap = story.overlap
    return {
        "title_overlap": overlap[index],
        "title_overlap_best": float(len(overlap) > 1 and overlap[index] == best_overlap > 0),
        "is_title": float(
            bool(story.title_key) and _letters(story.read[index].text) == story.title_key
        ),
    }


def _cue_features(text: str, lower: str) -> dict[str, float]:
    """The paragraph's own habits: how it opens, whom it quotes, what it dates or credits.
    `lower`: the text lower-cased."""
    digits = len(DIGIT.findall(text))
    return {
        "dateline": float(bool(DATELINE.match(text))),
        "outlet_tag": float(bool(OUTLET_TAG.search(text[:80]))),
        "editorial": float(bool(EDITORIAL.match(text))),
        "starts_indefinite": float(bool(INDEFINITE_START.match(text))),
        "starts_contrast": float(bool(CONTRAST.match(text))),
        "starts_addition": float(bool(ADDITION.match(text))),
        "starts_time": float(bool(TIME_LATER.match(text))),
        "starts_pronoun": float(bool(PRONOUN_START.match(text))),
        "starts_quote": float(text.startswith('"')),
        "starts_name": float(_starts_with_full_name(text)),
        "quoted": min(text.count('"'), 4) / 4,
        "said": min(len(SAID.findall(lower)), 3) / 3,
        "said_at_end": float(bool(SAID_AT_END.search(text))),
        "pronoun_said": float(bool(PRONOUN_SAID.search(lower))),
        "added": min(len(ADDED.findall(lower)), 3) / 3,
        "credit": float(bool(CREDIT.search(text))),
        "furniture": float(bool(FURNITURE.search(text))),
        "caption": float(bool(CAPTION.search(text))),
        "weekday": float(bool(WEEKDAY.search(text))),
        "recent": float(bool(RECENT.search(lower))),
        "background": min(len(BACKGROUND.findall(lower)), 3) / 3,
        "years": min(len(YEAR.findall(text)), 3) / 3 if digits else 0.0,
        "question": float("?" in text),
        "digits": min(digits / max(len(text), 1), 0.2) * 5,
        "short": float(max(len(text.split()), 1) < 8),
        "ends_colon": float(text.endswith(":")),
    }


def _starts_with_full_name(text: str) -> bool:
    return bool(FULL_NAME.match(text)) and text.split(" ", 1)[0] not in NOT_A_NAME_START


def _name_features(story: _Story, own: _Paragraph) -> dict[str, float]:
    """Whether the paragraph introduces names and acronyms others use, or uses them."""
    lone_elsewhere = {
        word for word in own.full if story.lone_paragraphs[word] > (word in own.lone)
    }
    acronyms_elsewhere = {
        word for word in own.defined if story.acronym_paragraphs[word] > (word in own.acronyms)
    }
    return {
        "names_introduced": min(len(lone_elsewhere), 3) / 3,
        "surnames_used": min(len((own.lone & story.introduced_anywhere) - own.full), 3) / 3,
        "acronyms_defined": float(bool(acronyms_elsewhere)),
        "acronyms_used": float(bool((own.acronyms & story.defined_anywhere) - own.defined)),
    }


def _pair_evidence(read: list[_Paragraph], starts_pronoun: numpy.ndarray) -> numpy.ndarray:
    """For every ordered pair, the signs that the first paragraph comes before the second:
    it names in full whom the second calls by surname only, spells out an acronym the second
    uses alone, names the person a pronoun opening the second needs, or introduces ("a bill")
    what the second refers back to ("the bill"). `starts_pronoun`: which paragraphs open with a
    pronoun. No paragraph comes before itself: it cannot both give a thing and lack it."""
    names_full = numpy.array([bool(own.full) for own in read], dtype=bool)
    return numpy.stack(
        [
            _handed_on([own.full for own in read], [own.lone for own in read], most=2),
            _handed_on([own.defined for own in read], [own.acronyms for own in read], most=1),
            (names_full[:, None] & (starts_pronoun & ~names_full)[None, :]).astype(float),
            _handed_on([own.introduced for own in read], [own.referred for own in read], most=2),
        ],
        axis=-1,
    )


def _handed_on(gives: list[set[str]], uses: list[set[str]], most: int) -> numpy.ndarray:
    """For every ordered pair of paragraphs, how many (up to `most`) of the things the first
    gives (names in full, say) the second uses (surnames alone) without giving them itself.
    Most pairs have nothing to hand on: only those with something on both sides are compared."""
    counts = numpy.zeros((len(gives), len(gives)))
    for first, given in enumerate(gives):
        if not given:
            continue
        for second, used in enumerate(uses):
            if first != second and used:
                handed = len((given & used) - gives[second])
                if handed:
                    counts[first, second] = min(handed, most)
    return counts


def _z(values: numpy.ndarray) -> numpy.ndarray:
    """Values as standard scores within the story: long or central for this story."""
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else numpy.zeros_like(values)


# --- Ordering -------------------------------------------------------------------------------


def before_probabilities(features: StoryFeatures, model: OrderModel) -> numpy.ndarray:
    """P(row before column) for every pair of paragraphs."""
    score = features.unary @ model.pairwise_unary
    logits = score[:, None] - score[None, :] + features.pair @ model.pairwise_pair
    return 1 / (1 + numpy.exp(-logits))


def opening_scores(features: StoryFeatures, model: OrderModel) -> numpy.ndarray:
    return features.unary @ model.opening


def reading_order(
    paragraphs: list[str] | tuple[str, ...], title: str = "", model: OrderModel | None = None
) -> list[int]:
    """The paragraphs' indexes in their estimated reading order (a permutation of the file's)."""
    count = len(paragraphs)
    if count < 2 or count > MAX_PARAGRAPHS:
        return list(range(count))
    model = model or load_model()
    features = story_features(paragraphs, title, model.lexicon)
    before = before_probabilities(features, model)
    first = int(numpy.argmax(opening_scores(features, model)))
    order, left = [first], [index for index in range(count) if index != first]
    while left:
        # The paragraph most likely to come before every other one still left.
        remaining = before[numpy.ix_(left, left)].sum(axis=1)
        order.append(left.pop(int(numpy.argmax(remaining))))
    return order
