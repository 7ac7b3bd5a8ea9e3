"""Train the reading-order models (articles/ingest/order.py) on stories in their original order.

    .venv/bin/python bench/train_order.py        # writes articles/ingest/order_weights.json
    .venv/bin/python bench/train_order.py --stories 2000 --out /tmp/weights.json

The stories of ../shared/corpus/large/ keep their paragraphs in the order published, so every
pair of paragraphs is a labelled example ("A came before B") and every story's first paragraph
labels the opening. One story in ten, chosen by a hash of its id, is held out of training and
never read here except to measure: bench/order.py restores the order of shuffled copies of
those. Both models are logistic regressions fitted by Newton's method with a small L2 penalty,
in numpy; the seed fixes which stories and pairs are drawn, so a rerun writes the same weights.
Prints the held-out pairwise accuracy and opening accuracy.
"""

import argparse
import gzip
import hashlib
import json
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.ingest.order import (  # noqa: E402
    MAX_PARAGRAPHS,
    STRIPPED,
    WEIGHTS_PATH,
    Lexicon,
    OrderModel,
    before_probabilities,
    opening_scores,
    paragraph_start,
    paragraph_words,
    story_features,
)

CORPUS = ROOT.parent / "shared" / "corpus"
LARGE_FILES = ("allsides_news_37k.jsonl.gz", "reuters21578.jsonl.gz")
HELD_OUT_BUCKETS = 10  # one story in ten is held out
SEED = 16
PAIRS_PER_STORY = 30
L2 = 1.0
# Some cues (a dateline, an acronym spelt out) never occur past the opening in training: a
# stronger penalty keeps their weights finite.
OPENING_L2 = 5.0
# Stories longer than this are left out of training: a handful of 300-paragraph live blogs
# would otherwise outweigh hundreds of news stories.
TRAIN_MAX_PARAGRAPHS = 80
LEXICON_WORDS = 3000  # the most used words keep a position
LEXICON_MIN_STORIES = 40
STARTS_MIN_PARAGRAPHS = 60
SMOOTHING = 20  # paragraphs of prior weight at the middle of a story


def held_out(story_id: str) -> bool:
    """Whether a large/ story is kept out of training (and measured on): fixed by its id."""
    return int(hashlib.sha1(story_id.encode()).hexdigest()[:8], 16) % HELD_OUT_BUCKETS == 0


def large_split(corpus: Path = CORPUS) -> tuple[list, list]:
    """(id, title, paragraphs) of every large/ story with 2 or more paragraphs, read once:
    those for training and those held out."""
    training, held = [], []
    for name in LARGE_FILES:
        path = corpus / "large" / name
        if not path.is_file():
            continue
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                paragraphs = [paragraph for paragraph in record["paragraphs"] if paragraph.strip()]
                if len(paragraphs) >= 2:
                    story = (record["id"], record.get("title") or "", paragraphs)
                    (held if held_out(record["id"]) else training).append(story)
    return training, held


def drawn(stories: list, limit: int | None, seed: int = SEED) -> tuple[list, list]:
    """`limit` stories drawn at random (fixed by the seed), in their order, and the others."""
    if limit is None or limit >= len(stories):
        return stories, []
    chosen = set(random.Random(seed).sample(range(len(stories)), limit))
    return (
        [story for index, story in enumerate(stories) if index in chosen],
        [story for index, story in enumerate(stories) if index not in chosen],
    )


def large_stories(corpus: Path = CORPUS, *, held: bool, limit: int | None = None, seed=SEED):
    """Stories of large/ held out of training (or not), `limit` of them drawn at random."""
    training, held_out_stories = large_split(corpus)
    return drawn(held_out_stories if held else training, limit, seed)[0]


def lexicon_count(stories) -> Lexicon:
    """Where each common word stands in stories in order (see order.Lexicon)."""
    position_sum, used, in_openings = Counter(), Counter(), Counter()
    start_sum, start_used = Counter(), Counter()
    openings = paragraphs_seen = 0
    for _id, _title, paragraphs in stories:
        count = len(paragraphs)
        if not 3 <= count <= TRAIN_MAX_PARAGRAPHS:
            continue
        openings += 1
        paragraphs_seen += count
        for index, paragraph in enumerate(paragraphs):
            text = paragraph.translate(STRIPPED).strip()
            place = index / (count - 1) - 0.5
            for word in paragraph_words(text):
                position_sum[word] += place
                used[word] += 1
                in_openings[word] += index == 0
            for start in set(paragraph_start(text)):
                start_sum[start] += place
                start_used[start] += 1
    elsewhere = paragraphs_seen - openings
    words = {}
    # Most used first, ties by the word: the same lexicon whatever the hash seed.
    for word, uses in sorted(used.items(), key=lambda item: (-item[1], item[0]))[:LEXICON_WORDS]:
        if uses < LEXICON_MIN_STORIES:
            break
        opening_rate = (in_openings[word] + 1) / (openings + 2)
        other_rate = (uses - in_openings[word] + 1) / (elsewhere + 2)
        words[word] = (position_sum[word] / (uses + SMOOTHING), math.log(opening_rate / other_rate))
    starts = {
        start: start_sum[start] / (uses + SMOOTHING)
        for start, uses in start_used.items()
        if uses >= STARTS_MIN_PARAGRAPHS and start
    }
    return Lexicon(words=words, starts=starts)


def examples(stories, lexicon: Lexicon, seed: int = SEED):
    """Pairwise rows (features of A minus B, pair features, label A-before-B) and, per story,
    the unary features with the opening first."""
    rng = random.Random(seed)
    unary_rows, pair_rows, labels, openings = [], [], [], []
    for _id, title, paragraphs in stories:
        if len(paragraphs) > TRAIN_MAX_PARAGRAPHS:
            continue
        features = story_features(paragraphs, title, lexicon)
        openings.append(features.unary)
        count = len(paragraphs)
        pairs = [(a, b) for a in range(count) for b in range(a + 1, count)]
        for first, second in rng.sample(pairs, min(PAIRS_PER_STORY, len(pairs))):
            if rng.random() < 0.5:
                first, second = second, first
            unary_rows.append(features.unary[first] - features.unary[second])
            pair_rows.append(features.pair[first, second])
            labels.append(float(first < second))
    design = numpy.hstack([numpy.array(unary_rows), numpy.array(pair_rows)])
    return design, numpy.array(labels), openings


def fit_logistic(design: numpy.ndarray, labels: numpy.ndarray, l2: float = L2, steps: int = 25):
    """Logistic regression without intercept (the features are differences: P(A<B) must be
    1 - P(B<A)), by Newton's method."""
    weights = numpy.zeros(design.shape[1])
    for _step in range(steps):
        probability = 1 / (1 + numpy.exp(-(design @ weights)))
        gradient = design.T @ (probability - labels) + l2 * weights
        hessian = (design * (probability * (1 - probability))[:, None]).T @ design
        hessian += l2 * numpy.eye(len(weights))
        change = numpy.linalg.solve(hessian, gradient)
        weights -= change
        if numpy.abs(change).max() < 1e-6:
            break
    return weights


def fit_opening(openings: list[numpy.ndarray], l2: float = L2, steps: int = 25):
    """A softmax over each story's paragraphs whose target is paragraph 0, by Newton's method."""
    width = openings[0].shape[1]
    weights = numpy.zeros(width)
    for _step in range(steps):
        gradient, hessian = l2 * weights, l2 * numpy.eye(width)
        for unary in openings:
            scores = unary @ weights
            probability = numpy.exp(scores - scores.max())
            probability /= probability.sum()
            expected = probability @ unary
            gradient += expected - unary[0]
            centred = unary - expected
            hessian += (centred * probability[:, None]).T @ centred
        change = numpy.linalg.solve(hessian, gradient)
        weights -= change
        if numpy.abs(change).max() < 1e-6:
            break
    return weights


def held_out_accuracy(stories, model: OrderModel) -> dict:
    """Share of held-out pairs put the right way round, and of openings picked right."""
    right_pairs = pairs = right_openings = 0
    for _id, title, paragraphs in stories:
        if len(paragraphs) > MAX_PARAGRAPHS:
            continue
        features = story_features(paragraphs, title, model.lexicon)
        before = before_probabilities(features, model)
        upper = numpy.triu_indices(len(paragraphs), 1)
        right_pairs += int((before[upper] > 0.5).sum())
        pairs += len(upper[0])
        right_openings += int(numpy.argmax(opening_scores(features, model)) == 0)
    return {
        "stories": len(stories),
        "pairs": pairs,
        "pairwise_accuracy": round(right_pairs / pairs, 4) if pairs else None,
        "opening_accuracy": round(right_openings / len(stories), 4) if stories else None,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=12000, help="training stories drawn")
    parser.add_argument("--held-out", type=int, default=3000, help="held-out stories measured")
    parser.add_argument(
        "--lexicon-stories", type=int, help="stories counted for the lexicon (default: the rest)"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--seed", type=int, default=SEED)
    options = parser.parse_args(argv)

    started = time.perf_counter()
    # The lexicon is counted on other stories than the weights are fitted on, so that the
    # weights learn how far a word's position can be trusted on a story it has not seen.
    pool, held = large_split(options.corpus)
    training, rest = drawn(pool, options.stories, options.seed)
    if not training:
        raise SystemExit(f"no stories under {options.corpus / 'large'}")
    lexicon = lexicon_count(drawn(rest, options.lexicon_stories, options.seed)[0])
    design, labels, openings = examples(training, lexicon, options.seed)
    width = len(openings[0][0])
    pairwise = fit_logistic(design, labels)
    model = OrderModel(
        opening=fit_opening(openings, l2=OPENING_L2),
        pairwise_unary=pairwise[:width],
        pairwise_pair=pairwise[width:],
        lexicon=lexicon,
    )
    measured = held_out_accuracy(drawn(held, options.held_out, options.seed)[0], model)
    about = {
        "trained_by": "bench/train_order.py",
        "seed": options.seed,
        "training_stories": len(openings),
        "training_pairs": len(labels),
        "held_out": measured,
    }
    options.out.write_text(model.to_json(**about), encoding="utf-8")
    print(
        f"trained on {len(openings)} stories ({len(labels)} pairs) in "
        f"{time.perf_counter() - started:.0f} s; held out {measured['stories']} stories: "
        f"pairwise accuracy {measured['pairwise_accuracy']}, "
        f"opening accuracy {measured['opening_accuracy']}; wrote {options.out}"
    )
    return about


if __name__ == "__main__":
    main()
