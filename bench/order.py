"""Measure how well the archive restores a story's reading order (articles/ingest/order.py).

    .venv/bin/python bench/order.py                  # eval/ vs eval_seedlike/, held-out large/
    .venv/bin/python bench/order.py --large 500 --no-eval

Stories whose true order is known:
- eval: the 200 stories of ../shared/corpus/eval_seedlike/ (shuffled, apostrophes and curly
  quotes removed) ordered, then compared with their twins in eval/ (same file name, original
  order). Only aggregate figures are computed for them: no story is printed.
- reserve: the stories of eval_reserve/, stripped and shuffled here the way eval_seedlike was.
- large: stories of large/ held out of training (bench/train_order.py's split), stripped and
  shuffled here with a fixed seed.

For each set: mean Kendall's tau between the estimated and the true order, the share of stories
whose first paragraph is right, the share of paragraphs shown right after the one they
followed, and the same for two baselines: the file's (shuffled) order and a random order.
Also the time ordering takes per story, on the wall clock and in CPU time. Prints the figures
and writes them to bench/results/order.json.
"""

import argparse
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from train_order import CORPUS, SEED, large_stories  # noqa: E402

from articles.ingest.order import STRIPPED, reading_order  # noqa: E402
from articles.ingest.parse import parse  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "order.json"
NOT_A_LETTER = re.compile(r"[\W_]+")


def kendall_tau(sequence: list[int]) -> float:
    """Kendall's tau between a sequence of true positions and the sorted one: 1 when in order,
    -1 when reversed, about 0 for a shuffle."""
    count = len(sequence)
    if count < 2:
        return 1.0
    concordant = sum(
        1 if sequence[a] < sequence[b] else -1 for a in range(count) for b in range(a + 1, count)
    )
    return concordant / (count * (count - 1) / 2)


def shuffled(paragraphs: list[str], rng: random.Random) -> tuple[list[str], list[int]]:
    """The paragraphs stripped like the seeds and shuffled, with each one's true position."""
    positions = list(range(len(paragraphs)))
    rng.shuffle(positions)
    return [paragraphs[position].translate(STRIPPED) for position in positions], positions


def _letters(paragraph: str) -> str:
    """A paragraph's letters and digits, lower-cased: what stripping quotes leaves alike."""
    return NOT_A_LETTER.sub("", paragraph.lower())


def twins_matched(original: list[str], shuffled_paragraphs: list[str]) -> list[int] | None:
    """Each shuffled paragraph's position in the original story, found by its stripped text;
    None when the two files do not hold the same paragraphs."""
    positions_by_text = defaultdict(list)
    for position, paragraph in enumerate(original):
        positions_by_text[_letters(paragraph)].append(position)
    positions = []
    for paragraph in shuffled_paragraphs:
        candidates = positions_by_text.get(_letters(paragraph))
        if not candidates:
            return None
        positions.append(candidates.pop(0))
    return positions


def eval_stories(corpus: Path = CORPUS) -> list[tuple[str, list[str], list[int]]]:
    """(title, shuffled paragraphs, true positions) for every eval_seedlike story."""
    stories = []
    for path in sorted((corpus / "eval_seedlike").glob("*.txt")):
        twin = corpus / "eval" / path.name
        if not twin.is_file():
            continue
        seedlike = parse(path.read_bytes(), filename=path.name)
        original = parse(twin.read_bytes(), filename=twin.name)
        positions = twins_matched(list(original.paragraphs), list(seedlike.paragraphs))
        if positions is not None:
            stories.append((seedlike.title, list(seedlike.paragraphs), positions))
    return stories


def reserve_stories(corpus: Path = CORPUS, seed: int = SEED):
    rng = random.Random(seed)
    stories = []
    for path in sorted((corpus / "eval_reserve").glob("*.txt")):
        story = parse(path.read_bytes(), filename=path.name)
        paragraphs, positions = shuffled(list(story.paragraphs), rng)
        stories.append((story.title.translate(STRIPPED), paragraphs, positions))
    return stories


def held_out_stories(corpus: Path = CORPUS, limit: int = 1000, seed: int = SEED):
    rng = random.Random(seed)
    stories = []
    for _id, title, original in large_stories(corpus, held=True, limit=limit, seed=seed):
        paragraphs, positions = shuffled(original, rng)
        stories.append((title.translate(STRIPPED), paragraphs, positions))
    return stories


def figures(stories, seed: int = SEED) -> dict:
    """Mean tau, first-paragraph share and previous-paragraph share for the model and the
    baselines, and its cost. The previous-paragraph share (each paragraph but the opening
    shown right after the one it followed) says whether "the paragraph before" can be trusted,
    as a pronoun speaker ("he said") would need."""
    rng = random.Random(seed + 1)  # not the shuffle's own sequence
    taus = {"model": [], "file_order": [], "random": []}
    firsts = {"model": 0, "file_order": 0, "random": 0}
    previous = {"model": 0, "file_order": 0, "random": 0}
    seconds, cpu_seconds = [], []
    for title, paragraphs, positions in stories:
        started, cpu_started = time.perf_counter(), time.process_time()
        order = reading_order(paragraphs, title)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
        randomly = list(range(len(paragraphs)))
        rng.shuffle(randomly)
        for name, sequence in (
            ("model", [positions[index] for index in order]),
            ("file_order", positions),
            ("random", [positions[index] for index in randomly]),
        ):
            taus[name].append(kendall_tau(sequence))
            firsts[name] += sequence[0] == 0
            previous[name] += sum(
                sequence[place] == sequence[place - 1] + 1 for place in range(1, len(sequence))
            )
    count = len(stories)
    if not count:
        return {"stories": 0}
    followers = sum(len(story[1]) - 1 for story in stories)
    return {
        "stories": count,
        "paragraphs_mean": round(statistics.mean(len(story[1]) for story in stories), 1),
        **{
            name: {
                "tau_mean": round(statistics.mean(taus[name]), 3),
                "first_right": round(firsts[name] / count, 3),
                "previous_right": round(previous[name] / followers, 3) if followers else None,
            }
            for name in taus
        },
        "ms_per_story_mean": round(1000 * statistics.mean(seconds), 2),
        "ms_per_story_p95": round(1000 * sorted(seconds)[int(0.95 * (count - 1))], 2),
        # CPU time: steadier than the wall clock on a shared machine.
        "cpu_ms_per_story_mean": round(1000 * statistics.mean(cpu_seconds), 2),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--large", type=int, default=1000, help="held-out large/ stories")
    parser.add_argument("--no-eval", action="store_true", help="skip eval/ (use while developing)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    options = parser.parse_args(argv)

    report = {}
    if not options.no_eval:
        report["eval"] = figures(eval_stories(options.corpus))
    report["reserve"] = figures(reserve_stories(options.corpus))
    report["large_held_out"] = figures(held_out_stories(options.corpus, options.large))
    for name, measured in report.items():
        if not measured["stories"]:
            print(f"{name}: no stories")
            continue
        print(
            f"{name}: {measured['stories']} stories, {measured['paragraphs_mean']} paragraphs; "
            + "; ".join(
                f"{kind} tau {measured[kind]['tau_mean']:.3f} "
                f"first {measured[kind]['first_right']:.0%} "
                f"previous {measured[kind]['previous_right']:.0%}"
                for kind in ("model", "file_order", "random")
            )
            + f"; {measured['ms_per_story_mean']} ms a story "
            f"({measured['cpu_ms_per_story_mean']} ms of CPU)"
        )
    options.results.parent.mkdir(parents=True, exist_ok=True)
    options.results.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return report


if __name__ == "__main__":
    main()
