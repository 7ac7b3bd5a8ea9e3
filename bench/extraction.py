"""Score extraction against the hand-annotated gold, or time it.

    .venv/bin/python bench/extraction.py                 # quality on tests/gold
    .venv/bin/python bench/extraction.py --gold DIR      # another gold folder
    .venv/bin/python bench/extraction.py --speed         # stories per second, one core
    .venv/bin/python bench/extraction.py --speed --source reserve --stories 300
    .venv/bin/python bench/extraction.py --gold /tmp/devgold -v   # "file" may be absolute
    .venv/bin/python bench/extraction.py --reading-order  # paragraphs in estimated order

Gold files name their story with "file": a path relative to the gold folder or the project,
a seed file name, or an absolute path to a corpus file (read in place, never copied).
--speed prints wall-clock stories per second and stories per CPU second (steadier on a shared
machine) with the 1-minute load average. It times the first stories of corpus/large/ (or
corpus/eval_reserve/ cycled, with --source reserve), never the scored eval folders.

Matching rules:
- People and organisations: a prediction matches a gold entity when its canonical name or one
  of its aliases, case-insensitively, equals the gold name or a gold alias ("Obama" found with
  the alias "President Obama" is gold "Barack Obama", alias "President Obama"). Each gold
  entity is matched once.
- Quote spans: same paragraph and a character overlap of at least 50% of the longer span.
  Gold spans come from `start`/`end` when given, else from finding `text` in the paragraph.
- Quote spans + speakers: the span matches and the speaker is the gold speaker by the same
  rule (a gold null speaker matches only a null prediction).
The figures are printed and written to bench/results/extraction.json.
"""

import argparse
import gzip
import itertools
import json
import os
import sys
import time
from pathlib import Path

# One core: keep any numeric library from spreading over more threads.
for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.ingest.extract import extract, load_nlp  # noqa: E402
from articles.ingest.order import reading_order  # noqa: E402
from articles.ingest.parse import parse  # noqa: E402
from articles.ingest.people import strip_titles  # noqa: E402

GOLD = ROOT / "tests" / "gold"
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "bench" / "results" / "extraction.json"
SPAN_OVERLAP = 0.5
SPEED_SOURCES = {
    "large": "the first stories of corpus/large/allsides_news_37k.jsonl.gz",
    "reserve": "corpus/eval_reserve, cycled",
}


def _predicted_names(entity) -> set[str]:
    return {entity.name.lower()} | {alias.lower() for alias in entity.aliases}


def _names(entity) -> set[str]:
    """A gold entity's spellings; a titled alias ("President Obama") also gives the name
    without its title ("Obama"), which the story then uses too."""
    if isinstance(entity, str):
        spellings = {entity}
    else:
        spellings = {entity["name"], *entity.get("aliases", [])}
    return {s.lower() for s in spellings} | {strip_titles(s).lower() for s in spellings}


def _story_paragraphs(gold: dict, gold_path: Path) -> list[str]:
    """The story a gold file describes: its paragraphs inline, or the seed file it names."""
    if "paragraphs" in gold:
        return list(gold["paragraphs"])
    name = gold.get("file") or gold.get("seed") or gold.get("source_file")
    if Path(name).is_absolute():
        candidates = [Path(name)]
    else:
        candidates = [gold_path.parent / name, ROOT / name, ROOT / "seeds" / Path(name).name]
    for path in candidates:
        if path.is_file():
            return list(parse(path.read_bytes(), filename=path.name).paragraphs)
    raise FileNotFoundError(f"{gold_path.name}: cannot find the story {name!r}")


def _gold_span(quote: dict, paragraphs: list[str]) -> tuple[int, int, int] | None:
    paragraph = quote["paragraph"]
    if "start" in quote and "end" in quote:
        return paragraph, quote["start"], quote["end"]
    position = paragraphs[paragraph].find(quote["text"])
    if position < 0:
        return None
    return paragraph, position, position + len(quote["text"])


def _span_match(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    if a[0] != b[0]:
        return False
    overlap = min(a[2], b[2]) - max(a[1], b[1])
    longer = max(a[2] - a[1], b[2] - b[1])
    return longer > 0 and overlap >= SPAN_OVERLAP * longer


class Tally:
    def __init__(self):
        self.true_positives = self.predicted = self.gold = 0

    def add(self, true_positives: int, predicted: int, gold: int) -> None:
        self.true_positives += true_positives
        self.predicted += predicted
        self.gold += gold

    def figures(self) -> dict:
        precision = self.true_positives / self.predicted if self.predicted else 0.0
        recall = self.true_positives / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "true_positives": self.true_positives, "predicted": self.predicted,
            "gold": self.gold,
        }


def _match_entities(predicted, gold) -> int:
    unmatched = [_names(g) for g in gold]
    hits = 0
    for entity in predicted:
        spellings = _predicted_names(entity)
        for i, names in enumerate(unmatched):
            if spellings & names:
                hits += 1
                del unmatched[i]
                break
    return hits


def _speaker_matches(
    predicted: str | None, gold_speaker, entities_by_name: dict, spellings: dict
) -> bool:
    if gold_speaker is None or gold_speaker == "":
        return predicted is None
    if predicted is None:
        return False
    names = entities_by_name.get(str(gold_speaker).lower(), {str(gold_speaker).lower()})
    return bool(spellings.get(predicted, {predicted.lower()}) & names)


def extract_in_reading_order(paragraphs: list[str]):
    """Extraction over the paragraphs put in their estimated reading order (as if the archive
    extracted stories in it), its quotes' paragraphs given back as file positions."""
    order = reading_order(paragraphs)
    result = extract([paragraphs[index] for index in order])
    for quote in result.quotes:
        quote.paragraph = order[quote.paragraph]
    return result


def score(gold_dir: Path, verbose: bool = False, in_reading_order: bool = False) -> dict:
    tallies = {key: Tally() for key in ("people", "organisations", "quote_spans",
                                         "quote_spans_speakers")}
    speaker_errors = {"null": 0, "wrong": 0}
    files = sorted(gold_dir.glob("*.json"))
    if not files:
        raise SystemExit(f"no gold files in {gold_dir}")
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = _story_paragraphs(gold, path)
        result = (extract_in_reading_order if in_reading_order else extract)(paragraphs)
        gold_people = gold.get("people", [])
        gold_orgs = gold.get("organisations", gold.get("organizations", []))
        tallies["people"].add(_match_entities(result.people, gold_people),
                              len(result.people), len(gold_people))
        tallies["organisations"].add(_match_entities(result.organisations, gold_orgs),
                                     len(result.organisations), len(gold_orgs))
        spellings = {e.name: _predicted_names(e) for e in result.people + result.organisations}
        entities_by_name: dict[str, set[str]] = {}
        for entity in [*gold_people, *gold_orgs]:
            names = _names(entity)
            for name in names:
                entities_by_name[name] = names
        gold_quotes = []
        for quote in gold.get("quotes", []):
            span = _gold_span(quote, paragraphs)
            if span is None:
                print(f"{path.name}: quote not found in its paragraph: {quote['text'][:60]!r}")
                continue
            gold_quotes.append((span, quote.get("speaker")))
        span_hits = both_hits = 0
        free_spans = list(gold_quotes)
        free_both = list(gold_quotes)
        for q in result.quotes:
            span = (q.paragraph, q.start, q.end)
            hit = next((g for g in free_spans if _span_match(span, g[0])), None)
            if hit is not None:
                span_hits += 1
                free_spans.remove(hit)
                # Span right, speaker wrong: a null speaker is a miss, a wrong one misquotes.
                if not _speaker_matches(q.speaker, hit[1], entities_by_name, spellings):
                    kind = "null" if q.speaker is None else "wrong"
                    speaker_errors[kind] += 1
                    if verbose:
                        print(f"  {path.name} speaker-{kind}: p{q.paragraph} {q.speaker!r} "
                              f"(gold {hit[1]!r}) {q.text[:50]!r}")
            hit = next((g for g in free_both if _span_match(span, g[0])
                        and _speaker_matches(q.speaker, g[1], entities_by_name, spellings)), None)
            if hit is not None:
                both_hits += 1
                free_both.remove(hit)
            elif verbose:
                print(f"  {path.name} extra/wrong: p{q.paragraph} {q.speaker!r} "
                      f"{q.text[:70]!r}")
        if verbose:
            for g in free_both:
                text = paragraphs[g[0][0]][g[0][1]:g[0][2]]
                print(f"  {path.name} missed: p{g[0][0]} {g[1]!r} {text[:70]!r}")
            names_found = set().union(*spellings.values())
            for g in gold_people + gold_orgs:
                if not names_found & _names(g):
                    print(f"  {path.name} missed entity: {g if isinstance(g, str) else g['name']}")
            gold_names = set().union(*(_names(g) for g in gold_people + gold_orgs)) \
                if gold_people + gold_orgs else set()
            for e in result.people + result.organisations:
                if not spellings[e.name] & gold_names:
                    print(f"  {path.name} extra entity: {e.name}")
        tallies["quote_spans"].add(span_hits, len(result.quotes), len(gold_quotes))
        tallies["quote_spans_speakers"].add(both_hits, len(result.quotes), len(gold_quotes))
    figures = {key: tally.figures() for key, tally in tallies.items()}
    figures["speaker_errors"] = speaker_errors
    figures["stories"] = len(files)
    figures["gold"] = str(gold_dir)
    figures["span_rule"] = "same paragraph, overlap >= 50% of the longer span"
    return figures


def _speed_stories(count: int, source: str) -> list[list[str]]:
    """Stories to time: the first `count` of the large corpus, or eval_reserve cycled. The
    scored eval folders are never read here, so timing cannot leak them into development."""
    if source == "reserve":
        files = sorted((CORPUS / "eval_reserve").glob("*.txt"))
        if not files:
            raise SystemExit(f"no stories in {CORPUS / 'eval_reserve'}")
        stories = [list(parse(f.read_bytes(), filename=f.name).paragraphs) for f in files]
        return list(itertools.islice(itertools.cycle(stories), count))
    large = CORPUS / "large" / "allsides_news_37k.jsonl.gz"
    if not large.exists():
        raise SystemExit(f"no corpus at {large}")
    with gzip.open(large, "rt", encoding="utf-8") as lines:
        return [json.loads(line)["paragraphs"] for line in itertools.islice(lines, count)]


def speed(count: int, source: str = "large") -> dict:
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    stories = _speed_stories(count, source)
    load_nlp()
    extract(stories[0])  # warm up
    started = time.perf_counter()
    cpu_started = time.process_time()
    words = 0
    for paragraphs in stories:
        extract(paragraphs)
        words += sum(len(p.split()) for p in paragraphs)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "stories": len(stories), "seconds": round(elapsed, 1),
        "stories_per_second": round(len(stories) / elapsed, 2),
        "words_per_second": round(words / elapsed),
        # CPU time is steadier than wall time on a shared machine.
        "cpu_seconds": round(cpu, 1),
        "stories_per_cpu_second": round(len(stories) / cpu, 2),
        "load_average_1min": load,
        "source": SPEED_SOURCES[source], "threads": 1,
    }


def _write(key: str, figures: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    saved[key] = figures
    RESULTS.write_text(json.dumps(saved, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="folder of gold JSON files")
    parser.add_argument("--speed", action="store_true", help="stories per second instead")
    parser.add_argument("--stories", type=int, default=1000, help="how many for --speed")
    parser.add_argument("--source", choices=sorted(SPEED_SOURCES), default="large",
                        help="stories for --speed")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    parser.add_argument("--reading-order", action="store_true",
                        help="extract the paragraphs in their estimated reading order")
    args = parser.parse_args()
    if args.speed:
        figures = speed(args.stories, args.source)
        print(f"{figures['stories_per_second']} stories/s ({figures['words_per_second']} words/s)"
              f" over {figures['stories']} stories in {figures['seconds']} s on one core;"
              f" {figures['stories_per_cpu_second']} stories per CPU second;"
              f" load average {figures['load_average_1min']}")
        _write("speed", figures)
        return
    figures = score(args.gold, verbose=args.verbose, in_reading_order=args.reading_order)
    order_note = " in estimated reading order" if args.reading_order else ""
    print(f"{figures['stories']} gold stories from {args.gold}{order_note}")
    print(f"{'':24}{'precision':>10}{'recall':>10}{'F1':>8}")
    for key in ("people", "organisations", "quote_spans", "quote_spans_speakers"):
        f = figures[key]
        print(f"{key:24}{f['precision']:>10.3f}{f['recall']:>10.3f}{f['f1']:>8.3f}"
              f"   ({f['true_positives']} of {f['predicted']} predicted, {f['gold']} gold)")
    errors = figures["speaker_errors"]
    print(f"speakers on matched spans: {errors['wrong']} wrong, {errors['null']} null")
    # The project gold keeps the "quality" key; another gold folder gets its own.
    key = "quality" if args.gold.resolve() == GOLD.resolve() else f"quality {args.gold}"
    _write(f"{key} in reading order" if args.reading_order else key, figures)


if __name__ == "__main__":
    main()
