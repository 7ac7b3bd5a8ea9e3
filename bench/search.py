"""Search at scale: build a large, realistic archive, then time the search page by query class.

    .venv/bin/python bench/search.py                        # 1,000,000 stories, then timings
    .venv/bin/python bench/search.py --stories 200000       # rerun: continues where it stopped
    .venv/bin/python bench/search.py --stories 200000 --build-only
    .venv/bin/python bench/search.py --stories 200000 --rebuild --rounds 40

The archive lives in a database of its own, archive_bench_search (--database) on the server the
project is configured for (DATABASE_URL, or the embedded one), created and migrated here; it is
never the configured database itself. It is kept afterwards (--drop removes it), and building
is resumable: stories are stored in batches, each committed with a row of bench_search_batch,
so a rerun stores only the batches missing and a larger --stories extends the archive.

The stories recombine real text, so word frequencies stay real and no two stories are copies:
each takes a title, a date (moved by whole weeks, keeping the weekday), an outlet and part of
its paragraphs from one record of ../shared/corpus/large/*.jsonl.gz (read at run time, never
copied here), the tail of its title and further paragraphs from records near it in time; a
story's people, organisations and quotes are those its paragraphs hold. Names are found by a
cheap heuristic: a capitalised run led by a known first name is a person, one ending in a word
for a kind of body ("Committee", "Department") or a well-known name is an organisation, and
"X said" attributes the sentence's quotation (or the reported clause) to X, resolved through
the story's full names or surnames. The busiest names are the corpus' own (a few very busy, a
long tail). Without the corpus an invented corpus of the same shape stands in, and the report
says so. Rows go in by COPY; PostgreSQL computes the search vectors from the generated columns
of articles/models.py as it does for every import; the GIN indexes of those columns are
dropped while loading and recreated from the models' own definitions, the entities' story
counts are recounted and every table is vacuumed and analysed before the archive is used.

Then it times the product's pages through Django's test client (FilterSet, candidates, count,
facets, timeline, snippets and rendering): per query class, a rare word, a common word, a
phrase, a phrase of common words in an unusual order, many words and a name, each alone and
with a person and a year filter, each with --variants different queries chosen from the stored
stories; and the busiest person's and organisation's pages. It prints p50/p95/p99 per class
and the throughput of one client, with the build time, the table and index sizes and the load
average, and writes bench/results/search.json.
"""

import argparse
import bisect
import gzip
import hashlib
import itertools
import json
import math
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")

from articles.ingest.lexicon import (  # noqa: E402  (pure Python: no Django needed)
    FIRST_NAMES,
    NATIONALITIES,
    NOT_NAMES,
    PLACES,
    SURNAME_FIRST_NAMES,
    TITLES,
    WELL_KNOWN_ORGANISATIONS,
)
from articles.ingest.namekeys import acronym, name_key, organisation_key, surname  # noqa: E402
from articles.ingest.parse import content_hash, normalise_url, source_domain  # noqa: E402
from bench.ingest import database_drop, database_restore  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "large"
RESULTS = ROOT / "bench" / "results"
DATABASE = "archive_bench_search"
STORIES = 1_000_000
BATCH_STORIES = 2000
SEED = 13
SYNTHETIC_RECORDS = 3000

# How a story is recombined from its base record and the records near it in time.
BASE_SHARE = (0.5, 0.85)  # the part of the base record's paragraphs a story keeps
NEIGHBOURS = 300  # donor records come from this many places either side, in date order
DONORS = (1, 3)
WEEKS_MOVED = 8  # a story's date moves by up to this many whole weeks from its record's
MAX_PARAGRAPHS = 80
UNIQUE_ATTEMPTS = 20
TITLE_MAX_CHARS = 500
QUOTE_MIN_CHARS = 20
CONFIDENCE_DIRECT = 0.8
CONFIDENCE_REPORTED = 0.6
# An acronym is taken for an organisation once this many corpus records use it.
ACRONYM_MIN_RECORDS = 5
# Query selection: the stories read for words, and what counts as rare.
SAMPLE_STORIES = 400
RARE_SHARE = 0.0002
MANY_WORDS = 6
MATCH_COUNT_TIMEOUT_MS = 120_000
BUILD_MAINTENANCE_WORK_MEM = "1GB"

# The GIN indexes that make COPY slow; recreated from the model definitions afterwards.
BULK_DROPPED_INDEXES = (
    ("Article", "article_search_vector_gin"),
    ("Quote", "quote_search_vector_gin"),
)
PRODUCT_TABLES = (
    "articles_article",
    "articles_personmention",
    "articles_organisationmention",
    "articles_quote",
    "articles_person",
    "articles_organisation",
    "articles_source",
)

# --- The corpus: paragraphs with the names and quotes they hold ----------------------------------


@dataclass(frozen=True, slots=True)
class Mention:
    """A name in one paragraph: how often it occurs, and where first."""

    name: str
    count: int
    first: int


@dataclass(frozen=True, slots=True)
class Attribution:
    """A quote in one paragraph: the words for its speaker, the verb, the span and its kind."""

    speaker: str
    verb: str
    start: int
    end: int
    kind: str  # "direct" or "reported"


@dataclass(slots=True)
class Paragraph:
    text: str
    people: tuple[Mention, ...]
    organisations: tuple[Mention, ...]
    attributions: tuple[Attribution, ...]


@dataclass(slots=True)
class Record:
    """One corpus story; its paragraphs are corpus.paragraphs[first : first + count]."""

    title: str
    published: date  # an undated record borrows a date (see corpus_read)
    host: str
    first: int
    count: int


@dataclass
class Corpus:
    records: list[Record]  # grouped by file, each file in date order: neighbours are near in time
    paragraphs: list[Paragraph]
    # For every record, the range of records of its own file (donors never cross files).
    file_ranges: list[tuple[int, int]]
    description: dict
    firsts: list[int] = field(default_factory=list)  # each record's first paragraph

    def __post_init__(self):
        self.firsts = [record.first for record in self.records]


# --- Names in text: a cheap heuristic, enough to make facets, filters, pages and quotes real -----

# A run of capitalised words, which may hold "of", "for", "and" or "on" between two of them.
# A full stop before a capitalised word ends the word: "Holtz-Eakin.Another" lost a space.
NAME_WORD = r"[A-Z](?:[\w'’&-]|\.(?![A-Z][a-z]))*"
CAPITALISED_RUN = re.compile(rf"{NAME_WORD}(?:[ \t]+(?:(?:of|for|and|on)[ \t]+)?{NAME_WORD})*")
JOINERS = frozenset({"of", "for", "and", "on"})
ACRONYM_WORD = re.compile(r"\b[A-Z]{3,6}\b")
ROMAN_NUMERAL = re.compile(r"^[IVXLCDM]+$")
LOWERCASE_WORD = re.compile(r"\b[a-z]+\b")
INITIAL = re.compile(r"^[A-Z]\.$")
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# Words that end the name of an institution: "House Intelligence Committee", "Fox News"; or
# begin one before "of": "Department of Justice", "Bank of America".
ORGANISATION_HEADS = frozenset(
    """
    Party Department Ministry Council Bank Court Committee Agency Association Union Congress
    Senate House Company Corporation Corp. Inc. University Institute Foundation Service
    Commission Board Bureau Office Administration Authority Organization Organisation Group
    Fund Network News Times Post Journal Church Army Navy Force Police Parliament Assembly
    Center Centre Campaign Coalition Caucus Club Society Federation League Alliance Reserve
    Guard Industries Airlines Motors Exchange Tribunal Cabinet Academy School College
    """.split()
)
SINGLE_WORD_ORGANISATIONS = frozenset({"Congress", "Senate", "Pentagon", "Kremlin"})
# Capitalised because they begin a sentence or a clause, not because they begin a name.
LEADING_WORDS = frozenset(
    """
    The A An But And Or So In On At For If As When While After Before Then Now Also Still Yet
    Both That This These Those Last Next Since Under With Without From By To Of Many Some
    Several Every Each Other Former Acting Top Senior Meanwhile However According
    He She They It We I You Who His Her Their Its Our
    """.split()
)
NAME_SUFFIX_WORDS = frozenset({"Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"})
NOT_SURNAMES = PLACES | NATIONALITIES | NOT_NAMES
NOT_ACRONYMS = frozenset(word.upper() for word in NOT_SURNAMES) | frozenset(
    "CEO CFO COO GDP COVID AIDS HIV DNA LGBT LGBTQ USA ET EST EDT PST PDT THE AND".split()
)
SPEECH = (
    "said|says|told|added|warned|argued|explained|wrote|stated|noted|insisted|claimed|asked|"
    "announced|tweeted|continued|replied|responded|acknowledged|admitted|declared|stressed|"
    "recalled|predicted|cautioned|conceded|contended|complained|suggested|countered"
)
SPEAKER = r"(?P<speaker>(?:[A-Z][\w'’.-]*[ \t]+){0,3}[A-Z][\w'’-]*)"
SPEAKER_THEN_VERB = re.compile(rf"{SPEAKER}[ \t]+(?P<verb>{SPEECH})\b")
VERB_THEN_SPEAKER = re.compile(rf"[,\"”][ \t]*(?P<verb>{SPEECH})[ \t]+{SPEAKER}")
QUOTED = re.compile(rf"[\"“](?P<text>[^\"“”]{{{QUOTE_MIN_CHARS},}})[\"”]")
# Where a sentence may end; sentences() skips the stops of "Sen.", "U.S." and "J.".
SENTENCE_END = re.compile(r"[.!?]+[\"”]?[ \t]+(?=[A-Z\"“])")
ABBREVIATION = re.compile(r"(?:\b[A-Z][a-z]{0,2}|[A-Z]\.[A-Z])\.$")
QUOTE_TRIM = ' \t,;:-"“”'
WELL_KNOWN = re.compile(
    r"\b(?:"
    + "|".join(re.escape(name) for name in sorted(WELL_KNOWN_ORGANISATIONS, key=len, reverse=True))
    + r")\b"
)


def _name_word(word: str) -> bool:
    """A word that can continue a person's name: capitalised (not all capitals), an initial
    or a suffix, and no word for a kind of body ("Hillary Clinton Foundation")."""
    if word in ORGANISATION_HEADS:
        return False
    return (
        (word[:1].isupper() and not word.isupper())
        or bool(INITIAL.match(word))
        or (word in NAME_SUFFIX_WORDS)
    )


def _surname_like(word: str) -> bool:
    folded = word.lower().rstrip(".")
    if folded in NOT_SURNAMES or INITIAL.match(word) or word in NAME_SUFFIX_WORDS:
        return False
    return folded not in FIRST_NAMES or folded in SURNAME_FIRST_NAMES


def people_in(words: list[str]) -> list[tuple[int, int]]:
    """(start, end) word spans of people in capitalised words with no joiner between them: a
    known first name, then one to three more name words (initials and a "Jr." allowed), the
    last a surname that is no place, group, common word or first name. "State Antony Blinken"
    gives "Antony Blinken"; "Jordan Valley" slips through, which a benchmark can afford."""
    spans, index = [], 0
    while index < len(words):
        word = words[index]
        if word.lower() in FIRST_NAMES and word[1:].islower():
            end = index + 1
            while end < len(words) and end - index < 4 and _name_word(words[end]):
                end += 1
            while end - index > 1 and INITIAL.match(words[end - 1]):
                end -= 1
            family = words[end - 1]
            if family in NAME_SUFFIX_WORDS and end - index > 2:
                family = words[end - 2]
            if end - index > 1 and _surname_like(family):
                spans.append((index, end))
                index = end
                continue
        index += 1
    return spans


def organisation_of(words: list[str]) -> str | None:
    """The organisation capitalised words name, sentence words before it dropped: the words
    up to the last word for a kind of body ("Supreme Court" in "Supreme Court Justice Ruth
    Bader Ginsburg"), or a head word followed by "of" ("Department of Homeland Security");
    never two names joined by "and"."""
    start = 0
    while start < len(words) and words[start] in LEADING_WORDS:
        start += 1
    words = words[start:]
    if not words:
        return None
    if len(words) > 2 and words[0] in ORGANISATION_HEADS and words[1] == "of":
        end = 2
        while end < min(len(words), 6) and words[end] not in JOINERS:
            end += 1
        return " ".join(words[:end])
    if "and" in words:  # "Senate Majority Leader Mitch McConnell and House Speaker ..."
        words = words[: words.index("and")]
    if not words:
        return None
    heads = [index for index, word in enumerate(words[:7]) if word in ORGANISATION_HEADS]
    if heads and heads[-1] > 0:
        named = words[: heads[-1] + 1]
        return " ".join(named) if named[0] not in JOINERS else None
    return words[0] if words[0] in SINGLE_WORD_ORGANISATIONS else None


def _clean(word: str) -> str:
    """A word of a name without its possessive or the punctuation after it ("U.S." keeps
    its dots, "Trump." loses its full stop)."""
    word = POSSESSIVE.sub("", word).rstrip(",")
    if INITIAL.match(word) or word in NAME_SUFFIX_WORDS or "." in word[:-1]:
        return word
    return word.rstrip(".")


def _sentence_parts(raw_words: list[str]) -> list[list[str]]:
    """A run of capitalised words cut where a sentence ends inside it ("... Trump. The ..."):
    after a word ending in a full stop that is no initial, title, suffix or "U.S."."""
    parts, part = [], []
    for raw in raw_words:
        part.append(_clean(raw))
        if (
            raw.endswith(".")
            and not INITIAL.match(raw)
            and raw not in NAME_SUFFIX_WORDS
            and raw.lower() not in TITLES
            and "." not in raw[:-1]
        ):
            parts.append(part)
            part = []
    if part:
        parts.append(part)
    return parts


def mentions_in(text: str) -> tuple[list[Mention], list[Mention]]:
    """People and organisations a paragraph names, each once, with its count and the offset
    of its first occurrence."""
    people: dict[str, list[int]] = {}
    organisations: dict[str, list[int]] = {}

    def add(found: dict, name: str, offset: int) -> None:
        if 1 < len(name) <= 200:
            found.setdefault(name, [0, max(offset, 0)])[0] += 1

    for match in CAPITALISED_RUN.finditer(text):
        for part in _sentence_parts(match.group().split()):
            segment: list[str] = []
            for word in [*part, "of"]:  # people never span a joiner
                if word not in JOINERS:
                    segment.append(word)
                    continue
                for start, end in people_in(segment):
                    name = " ".join(segment[start:end])
                    add(people, name, text.find(name, match.start()))
                segment = []
            organisation = organisation_of(part)
            if organisation and organisation not in WELL_KNOWN_ORGANISATIONS:
                add(organisations, organisation, text.find(organisation, match.start()))
    for match in WELL_KNOWN.finditer(text):
        add(organisations, WELL_KNOWN_ORGANISATIONS[match.group()], match.start())
    for match in ACRONYM_WORD.finditer(text):
        word = match.group()
        if (
            word not in WELL_KNOWN_ORGANISATIONS
            and word not in NOT_ACRONYMS
            and not ROMAN_NUMERAL.match(word)
        ):
            add(organisations, word, match.start())
    return (
        [Mention(name, count, first) for name, (count, first) in people.items()],
        [Mention(name, count, first) for name, (count, first) in organisations.items()],
    )


def speaker_words(raw: str) -> str:
    """The name in the words before or after a speech verb, titles and sentence words
    dropped ("Sen. Bob Corker", "But Blinken"); empty for "He" or "The spokesman"."""
    words = [_clean(word) for word in raw.split()]
    while words and (words[0] in LEADING_WORDS or words[0].lower() in TITLES):
        words = words[1:]
    return " ".join(words)


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs, cut after a full stop, "!" or "?" before a capital, unless
    the stop ends a short capitalised abbreviation ("Sen.", "Mr.", "U.S.", "J.")."""
    found, start = [], 0
    for end in SENTENCE_END.finditer(text):
        if ABBREVIATION.search(text, max(end.start() - 4, 0), end.start() + 1):
            continue
        found.append((start, text[start : end.end()]))
        start = end.end()
    if start < len(text):
        found.append((start, text[start:]))
    return found


def attributions_in(text: str) -> list[Attribution]:
    """Quotes in a paragraph, one a sentence at most: a sentence with "X said" (or "..., said
    X") gives its quotation when it has one, else the clause reported."""
    found = []
    for offset, words in sentences(text):
        match = SPEAKER_THEN_VERB.search(words) or VERB_THEN_SPEAKER.search(words)
        if match is None:
            continue
        speaker = speaker_words(match.group("speaker"))
        if not speaker:
            continue
        quoted = QUOTED.search(words)
        if quoted:
            start, end, kind = quoted.start("text"), quoted.end("text"), "direct"
        elif match.start() >= QUOTE_MIN_CHARS:
            start, end, kind = 0, match.start(), "reported"
        else:
            start, end, kind = match.end(), len(words), "reported"
            if words[start:].lstrip().startswith("that "):
                start = words.index("that ", start) + len("that ")
        while start < end and words[start] in QUOTE_TRIM:
            start += 1
        while end > start and words[end - 1] in QUOTE_TRIM + ".":
            end -= 1
        if end - start >= QUOTE_MIN_CHARS:
            found.append(
                Attribution(speaker, match.group("verb"), offset + start, offset + end, kind)
            )
    return found


# --- Reading the corpus --------------------------------------------------------------------------


def jsonl_records(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def synthetic_records(count: int, seed: int = SEED) -> list[dict]:
    """Invented records in the corpus' shape, for a machine without ../shared/corpus: words of
    a Zipf-distributed invented vocabulary, people and organisations of Zipf-distributed
    fame, "X said" sentences and quotations, dates over twenty years and forty outlets."""
    rng = random.Random(seed)
    syllables = "ka lo mi ren tas vel dor an is qu bra ne sol tur pen gal ro ve mar den".split()
    vocabulary = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(8000)})
    rng.shuffle(vocabulary)
    word_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocabulary))))
    given = sorted(name.title() for name in FIRST_NAMES if len(name) > 3 and name.isalpha())
    people = [
        f"{rng.choice(given)} {''.join(rng.choices(syllables, k=3)).title()}" for _ in range(900)
    ]
    organisations = [
        f"{''.join(rng.choices(syllables, k=3)).title()} {head}"
        for head in ("Council", "Committee", "Department", "Party", "Union", "Agency")
        for _ in range(40)
    ]
    fame = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(people))))
    size = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(organisations))))

    def words(low: int, high: int) -> str:
        return " ".join(rng.choices(vocabulary, cum_weights=word_weights, k=rng.randint(low, high)))

    records = []
    for number in range(count):
        paragraphs = []
        for _ in range(rng.randint(3, 20)):
            person = rng.choices(people, cum_weights=fame)[0]
            organisation = rng.choices(organisations, cum_weights=size)[0]
            paragraphs.append(
                rng.choice(
                    [
                        f"{words(8, 30).capitalize()}, {person} said.",
                        f'"{words(6, 20).capitalize()}," {person} told reporters.',
                        f"The {organisation} said {words(10, 25)}.",
                        f"{words(10, 40).capitalize()}.",
                        f"{person} of the {organisation} said that {words(6, 20)}.",
                    ]
                )
            )
        published = date(2000, 1, 1) + timedelta(days=rng.randrange(7300))
        records.append(
            {
                "title": words(4, 9).title(),
                "date": published.strftime("%Y%m%d"),
                "url": f"https://news{number % 40}.example/story/{number}/",
                "source": f"News {number % 40}",
                "paragraphs": paragraphs,
            }
        )
    return records


def _record_date(value) -> date | None:
    try:
        return datetime.strptime(value or "", "%Y%m%d").date()
    except ValueError:
        return None


def _record_host(url: str, source: str) -> str:
    """The record's host name; an invented one under .example when its URL has none
    (reuters21578 identifies stories as "reuters21578:NEWID")."""
    host = (urlsplit(url or "").hostname or "").lower()
    if host and "." in host:
        return host
    name = re.sub(r"[^a-z0-9]+", "-", (source or "unknown").lower()).strip("-")
    return f"{name or 'unknown'}.example"


def corpus_read(folder: Path, seed: int = SEED) -> Corpus:
    """Every usable record of folder/*.jsonl.gz (a title and paragraphs), or invented ones
    when there are none, with the names and quotes of every paragraph found once.

    Records of one file are kept together and in date order, so that a story's donors are
    near it in time; an undated record takes the date of a random dated record of its file.
    """
    started = time.perf_counter()
    files = sorted(folder.glob("*.jsonl.gz")) if folder.is_dir() else []
    sources = [(path.name, jsonl_records(path)) for path in files]
    if not sources:
        sources = [("synthetic", synthetic_records(SYNTHETIC_RECORDS, seed))]
    rng = random.Random(seed)
    records, paragraphs, file_ranges, vocabulary = [], [], [], set()
    acronym_records = Counter()
    for _name, raw_records in sources:
        usable = []
        for raw in raw_records:
            texts = [
                " ".join(text.replace("\x00", "").split()) for text in raw.get("paragraphs") or []
            ]
            texts = [text for text in texts if text]
            title = " ".join((raw.get("title") or "").split())
            if title and texts:
                host = _record_host(raw.get("url"), raw.get("source"))
                usable.append((_record_date(raw.get("date")), title, host, texts))
        dated = [published for published, *_rest in usable if published]
        usable = [
            (published or (rng.choice(dated) if dated else date(2000, 1, 1)), *rest)
            for published, *rest in usable
        ]
        usable.sort(key=lambda record: record[0])
        low = len(records)
        for published, title, host, texts in usable:
            records.append(Record(title, published, host, len(paragraphs), len(texts)))
            acronyms = set()
            for text in texts:
                people, organisations = mentions_in(text)
                acronyms.update(m.name for m in organisations if ACRONYM_WORD.fullmatch(m.name))
                vocabulary.update(LOWERCASE_WORD.findall(text))
                paragraphs.append(
                    Paragraph(
                        text, tuple(people), tuple(organisations), tuple(attributions_in(text))
                    )
                )
            acronym_records.update(acronyms)
        file_ranges.extend([(low, len(records))] * (len(records) - low))
    # An acronym stands for an organisation when records use it and it is no word in capitals
    # ("WATCH", "UPDATE"): a word the corpus also writes in lower case.
    rejected = {
        word
        for word, count in acronym_records.items()
        if count < ACRONYM_MIN_RECORDS or word.lower() in vocabulary
    }
    for paragraph in paragraphs:
        if any(mention.name in rejected for mention in paragraph.organisations):
            paragraph.organisations = tuple(
                mention for mention in paragraph.organisations if mention.name not in rejected
            )
    description = {
        "files": [name for name, _records in sources],
        "synthetic": not files,
        "records": len(records),
        "paragraphs": len(paragraphs),
        "read_seconds": round(time.perf_counter() - started, 1),
    }
    return Corpus(records, paragraphs, file_ranges, description)


# --- Stories recombined from the corpus ----------------------------------------------------------


@dataclass
class Story:
    pk: int
    title: str
    published: date
    host: str
    paragraphs: list[Paragraph]


def story_make(pk: int, corpus: Corpus, seed: int = SEED, attempt: int = 0) -> Story:
    """Story number `pk`, the same on every run: the title head, date (moved by whole weeks),
    outlet and most of the paragraphs of one record; the title tail and a run of paragraphs
    from each of one to three records near it in time. It is as long as its record, plus one
    paragraph at least, so that no story repeats a record. `attempt` draws another story of
    the same number (see story_unique)."""
    rng = random.Random((seed * 1_000_003 + pk) * 101 + attempt)
    records = corpus.records
    # A file in proportion to its paragraphs, so that each file's share of the text is the
    # corpus' (by records, the short wire stories would fill a third of the archive), then
    # any record of it, so that story lengths are the file's.
    paragraph_record = bisect.bisect_right(corpus.firsts, rng.randrange(len(corpus.paragraphs)))
    base_index = rng.randrange(*corpus.file_ranges[paragraph_record - 1])
    base = records[base_index]
    low, high = corpus.file_ranges[base_index]
    own = corpus.paragraphs[base.first : base.first + base.count]
    keep = max(1, round(len(own) * rng.uniform(*BASE_SHARE)))
    body = [own[index] for index in sorted(rng.sample(range(len(own)), keep))]
    donors = []
    for _ in range(rng.randint(*DONORS)):
        offset = rng.randint(1, NEIGHBOURS) * rng.choice((-1, 1))
        donors.append(records[min(max(base_index + offset, low), high - 1)])
    wanted = max(len(own) - keep, 1)
    for donor in donors:
        share = -(-wanted // len(donors))
        start = rng.randrange(donor.count)
        run = corpus.paragraphs[donor.first + start : donor.first + min(donor.count, start + share)]
        at = rng.randint(0, len(body))
        body[at:at] = run
    title_words, tail_words = base.title.split(), donors[0].title.split()
    head = title_words[: rng.randint(1, max(1, len(title_words) - 1))]
    tail = tail_words[rng.randint(1, max(1, len(tail_words) - 1)) :]
    published = base.published + timedelta(weeks=rng.randint(-WEEKS_MOVED, WEEKS_MOVED))
    return Story(pk, " ".join(head + tail), published, base.host, body[:MAX_PARAGRAPHS])


def body_key(story: Story) -> bytes:
    return hashlib.md5("\n".join(p.text for p in story.paragraphs).encode()).digest()


def story_unique(pk: int, corpus: Corpus, seed: int, bodies: set[bytes]) -> Story:
    """Story number `pk`, drawn again while its body is one the archive holds already (the
    same short wire story with the same neighbour's paragraph, one story in a million), and
    its body added to `bodies`. A corpus too small for so many stories gives up after
    UNIQUE_ATTEMPTS draws; the build then counts the repeats."""
    for attempt in range(UNIQUE_ATTEMPTS):
        story = story_make(pk, corpus, seed, attempt)
        key = body_key(story)
        if key not in bodies:
            break
    bodies.add(key)
    return story


# --- Rows: a story as the import service would store it ------------------------------------------


def slug_claim(text: str, fallback: str, taken: set[str]) -> str:
    """The slug articles/services/slugs.py would give: its base slug, then -2, -3... when
    taken."""
    from articles.services.slugs import base_slug

    base = base_slug(text, fallback)
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    taken.add(candidate)
    return candidate


@dataclass
class Registry:
    """The people, organisations, sources, slugs and bodies the archive holds, and the rows
    of those met for the first time in the batch being built (stored with it)."""

    people: dict[str, tuple[int, str]]  # upper-cased name -> (id, name), as the unique index
    organisations: dict[str, tuple[int, str]]
    sources: dict[str, int]  # domain -> id
    slugs: dict[str, set[str]]
    next_ids: dict[str, int]
    new_rows: dict[str, list[dict]]
    now: datetime
    bodies: set[bytes] = field(default_factory=set)  # md5 of every stored body

    @classmethod
    def load(cls) -> "Registry":
        from django.db.models import Max
        from django.db.models.functions import MD5

        from articles.models import Article, Organisation, Person, Source

        def names(model):
            return {
                name.upper(): (pk, name) for pk, name in model.objects.values_list("pk", "name")
            }

        models = {
            "article": Article,
            "person": Person,
            "organisation": Organisation,
            "source": Source,
        }
        return cls(
            people=names(Person),
            organisations=names(Organisation),
            sources=dict(Source.objects.values_list("domain", "pk")),
            slugs={
                label: set(model.objects.values_list("slug", flat=True))
                for label, model in models.items()
            },
            next_ids={
                label: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
                for label, model in models.items()
            },
            new_rows={label: [] for label in ("person", "organisation", "source")},
            now=datetime.now(UTC),
            bodies={
                bytes.fromhex(digest)
                for digest in Article.objects.annotate(digest=MD5("body")).values_list(
                    "digest", flat=True
                )
            },
        )

    def _claim_id(self, label: str) -> int:
        pk = self.next_ids[label]
        self.next_ids[label] += 1
        return pk

    def person(self, name: str) -> tuple[int, str]:
        key = name.upper()
        if key not in self.people:
            pk = self._claim_id("person")
            self.people[key] = (pk, name)
            self.new_rows["person"].append(
                {
                    "id": pk,
                    "name": name,
                    "slug": slug_claim(name, "person", self.slugs["person"]),
                    "surname": surname(name)[:200],
                    "name_key": name_key(name)[:200],
                    "created": self.now,
                    "updated": self.now,
                }
            )
        return self.people[key]

    def organisation(self, name: str) -> tuple[int, str]:
        key = name.upper()
        if key not in self.organisations:
            pk = self._claim_id("organisation")
            self.organisations[key] = (pk, name)
            self.new_rows["organisation"].append(
                {
                    "id": pk,
                    "name": name,
                    "slug": slug_claim(name, "organisation", self.slugs["organisation"]),
                    "name_key": organisation_key(name)[:200],
                    "acronym": acronym(name)[:20],
                    "created": self.now,
                    "updated": self.now,
                }
            )
        return self.organisations[key]

    def source(self, domain: str) -> int:
        if domain not in self.sources:
            pk = self._claim_id("source")
            self.sources[domain] = pk
            slug = slug_claim(domain, "source", self.slugs["source"])
            self.new_rows["source"].append(
                {"id": pk, "domain": domain, "name": domain, "slug": slug}
            )
        return self.sources[domain]


@dataclass
class StoryRows:
    article: dict
    person_mentions: list[dict]
    organisation_mentions: list[dict]
    quotes: list[dict]


def _mentions_add(found: dict, mentions, offset: int) -> None:
    for mention in mentions:
        entry = found.setdefault(mention.name.upper(), [mention.name, 0, offset + mention.first])
        entry[1] += mention.count


def story_rows(story: Story, registry: Registry) -> StoryRows:
    """The rows article_ingest would write for the story, with the names and quotes its
    paragraphs hold: mentions with counts and first offsets in the body, entity_names (the
    names, one a line) and the quotes whose speaker is one of the story's names."""
    texts = [paragraph.text for paragraph in story.paragraphs]
    people, organisations, offset = {}, {}, 0
    for paragraph in story.paragraphs:
        _mentions_add(people, paragraph.people, offset)
        _mentions_add(organisations, paragraph.organisations, offset)
        offset += len(paragraph.text) + 1
    url = normalise_url(f"https://{story.host}/archive/{story.pk}/")
    now = registry.now
    person_mentions, organisation_mentions, names = [], [], []
    by_name, by_surname, organisations_by_name = {}, {}, {}
    for key, (name, count, first) in people.items():
        pk, stored_name = registry.person(name)
        by_name[key] = pk
        by_surname.setdefault(surname(stored_name), set()).add(pk)
        names.append(stored_name)
        person_mentions.append(
            {"article_id": story.pk, "person_id": pk, "count": count, "first_offset": first}
        )
    for key, (name, count, first) in organisations.items():
        pk, stored_name = registry.organisation(name)
        organisations_by_name[key] = pk
        names.append(stored_name)
        organisation_mentions.append(
            {"article_id": story.pk, "organisation_id": pk, "count": count, "first_offset": first}
        )
    quotes = []
    for index, paragraph in enumerate(story.paragraphs):
        for found in paragraph.attributions:
            person_id, organisation_id = _speaker(
                found.speaker, by_name, by_surname, organisations_by_name
            )
            if person_id is None and organisation_id is None:
                continue
            quotes.append(
                {
                    "article_id": story.pk,
                    "person_id": person_id,
                    "organisation_id": organisation_id,
                    "speaker_text": found.speaker[:300],
                    "text": paragraph.text[found.start : found.end],
                    "kind": found.kind,
                    "verb": found.verb,
                    "paragraph": index,
                    "start": found.start,
                    "end": found.end,
                    "method": "bench",
                    "confidence": CONFIDENCE_DIRECT
                    if found.kind == "direct"
                    else CONFIDENCE_REPORTED,
                    "status": "unreviewed",
                    "created": now,
                    "updated": now,
                }
            )
    title = story.title[:TITLE_MAX_CHARS]
    article = {
        "id": story.pk,
        "title": title,
        "slug": slug_claim(title, "story", registry.slugs["article"]),
        "published": story.published,
        "url": url,
        "source_id": registry.source(source_domain(url)),
        "body": "\n".join(texts),
        "content_hash": content_hash(title, story.published, url, tuple(texts)),
        "entity_names": "\n".join(dict.fromkeys(names)),
        "created": now,
        "updated": now,
    }
    return StoryRows(article, person_mentions, organisation_mentions, quotes)


def _speaker(words: str, by_name: dict, by_surname: dict, organisations_by_name: dict):
    """(person id, organisation id) of the words before or after a speech verb: the story's
    person whose full name they end with ("House Speaker John Boehner") or whose surname is
    their last word, when only one person of the story has it; else the organisation they
    name; else nobody ("Republicans", "Monday")."""
    split = words.split()
    for start in range(len(split)):
        key = " ".join(split[start:]).upper()
        if key in by_name:
            return by_name[key], None
    candidates = by_surname.get(surname(words), set())
    if len(candidates) == 1:
        return next(iter(candidates)), None
    return None, organisations_by_name.get(words.upper())


# --- The database --------------------------------------------------------------------------------


def database_open(name: str, *, fresh: bool = False) -> None:
    """Point the connection at database `name` on the configured server, creating it (or
    recreating it when fresh) and migrating it."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.settings_dict["NAME"] = name
    settings.DATABASES[connection.alias]["NAME"] = name
    call_command("migrate", interactive=False, verbosity=0)


def _unlimited(cursor) -> None:
    """Building runs statements far longer than a web request may (settings.py limits every
    statement of a non-command process)."""
    cursor.execute("SET statement_timeout = 0")
    cursor.execute(f"SET maintenance_work_mem = '{BUILD_MAINTENANCE_WORK_MEM}'")


def copy_rows(cursor, model, rows, *, with_id: bool = True) -> int:
    """COPY rows (dicts by field attname) into the model's table; fields a row leaves out take
    the model's default. The generated search vectors are PostgreSQL's to compute."""
    from django.db import connection

    fields = [
        column
        for column in model._meta.concrete_fields
        if not column.generated and (with_id or not column.primary_key)
    ]
    defaults = {column.attname: column.get_default() for column in fields}
    names = ", ".join(connection.ops.quote_name(column.column) for column in fields)
    written = 0
    with cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row.get(column.attname, defaults[column.attname]) for column in fields])
            written += 1
    return written


# --- Building the archive, resumably -------------------------------------------------------------

BUILD_TABLES = (
    """CREATE TABLE IF NOT EXISTS bench_search_build (
        session serial PRIMARY KEY, started timestamptz NOT NULL, seed integer NOT NULL,
        corpus jsonb NOT NULL DEFAULT '{}', stories_before integer NOT NULL,
        stories_after integer, load_seconds double precision NOT NULL DEFAULT 0,
        finish_seconds double precision NOT NULL DEFAULT 0,
        finish_steps jsonb NOT NULL DEFAULT '{}', duplicate_bodies integer,
        finished timestamptz)""",
    # One row a batch, committed with the batch's rows: what a rerun need not store again.
    """CREATE TABLE IF NOT EXISTS bench_search_batch (
        first_pk integer PRIMARY KEY, last_pk integer NOT NULL,
        seconds double precision NOT NULL, stored timestamptz NOT NULL DEFAULT now())""",
)


def _scalar(sql: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def archive_build(target: int, corpus_folder: Path, seed: int, batch_stories: int) -> dict:
    """Make the archive hold stories 1..target: store the batches missing (reading the corpus
    only then), then finish (indexes, counts, statistics) unless a finished build of exactly
    these stories is on record."""
    from articles.models import Article

    with _cursor() as cursor:
        for statement in BUILD_TABLES:
            cursor.execute(statement)
    stored = _scalar("SELECT coalesce(max(last_pk), 0) FROM bench_search_batch")
    articles = Article.objects.count()
    if articles != stored:
        raise SystemExit(
            f"the archive holds {articles:,} stories but its build record {stored:,}: "
            "it was changed by hand; start again with --rebuild"
        )
    if stored > target:
        raise SystemExit(
            f"the archive holds {stored:,} stories, more than --stories {target:,}: "
            f"rerun with --stories {stored} or start again with --rebuild"
        )
    first_seed = _scalar("SELECT seed FROM bench_search_build ORDER BY session LIMIT 1")
    if first_seed is not None and first_seed != seed:
        raise SystemExit(f"the archive was built with --seed {first_seed}; use it or --rebuild")
    # Built: the last session finished with exactly these stories (one that stopped early
    # may have dropped the indexes).
    finished = _scalar(
        "SELECT CASE WHEN finished IS NOT NULL THEN stories_after END "
        "FROM bench_search_build ORDER BY session DESC LIMIT 1"
    )
    if stored == target and finished == target:
        print(f"the archive holds {stored:,} stories, built", flush=True)
        return build_summary()
    session = _scalar(
        "INSERT INTO bench_search_build (started, seed, stories_before) VALUES (now(), %s, %s) "
        "RETURNING session",
        [seed, stored],
    )
    if stored < target:
        corpus = corpus_read(corpus_folder, seed)
        _corpus_check(corpus.description, session)
        print(
            f"corpus: {corpus.description['records']:,} records, "
            f"{corpus.description['paragraphs']:,} paragraphs"
            f"{' (invented: no corpus found)' if corpus.description['synthetic'] else ''}, "
            f"read in {corpus.description['read_seconds']} s",
            flush=True,
        )
        load_seconds = stories_load(corpus, stored + 1, target, seed, batch_stories)
        with _cursor() as cursor:
            cursor.execute(
                "UPDATE bench_search_build SET load_seconds = %s, corpus = %s WHERE session = %s",
                [load_seconds, json.dumps(corpus.description), session],
            )
    steps, duplicates = archive_finish()
    with _cursor() as cursor:
        cursor.execute(
            "UPDATE bench_search_build SET stories_after = %s, finish_seconds = %s, "
            "finish_steps = %s, duplicate_bodies = %s, finished = now() WHERE session = %s",
            [target, sum(steps.values()), json.dumps(steps), duplicates, session],
        )
    return build_summary()


def _cursor():
    from django.db import connection

    return connection.cursor()


def _corpus_check(description: dict, session: int) -> None:
    """A rerun must recombine the corpus the archive was begun with, or it is no one archive."""
    first = _scalar(
        "SELECT corpus FROM bench_search_build WHERE corpus <> '{}' AND session <> %s "
        "ORDER BY session LIMIT 1",
        [session],
    )
    if first is None:
        return
    first = json.loads(first) if isinstance(first, str) else first
    if (first["files"], first["records"]) != (description["files"], description["records"]):
        raise SystemExit(
            f"the archive was begun from {first['files']} ({first['records']:,} records), not "
            f"{description['files']} ({description['records']:,}): use that corpus or --rebuild"
        )


def stories_load(corpus: Corpus, first: int, last: int, seed: int, batch_stories: int) -> float:
    """Store stories first..last in batches of `batch_stories`, reporting progress. The GIN
    indexes are dropped first (archive_finish recreates them): building one at the end is
    many times faster than growing it story by story."""
    with _cursor() as cursor:
        _unlimited(cursor)
        for _model, index in BULK_DROPPED_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {index}")
    registry = Registry.load()
    started = last_report = time.perf_counter()
    for batch_first in range(first, last + 1, batch_stories):
        batch_last = min(batch_first + batch_stories - 1, last)
        batch_store(corpus, batch_first, batch_last, seed, registry)
        now = time.perf_counter()
        if now - last_report > 30 or batch_last == last:
            rate = (batch_last - first + 1) / (now - started)
            print(
                f"  {batch_last:,} of {last:,} stories stored, {rate:,.0f} stories/s, "
                f"{(last - batch_last) / rate / 60:,.1f} min to go",
                flush=True,
            )
            last_report = now
    return time.perf_counter() - started


def batch_store(corpus: Corpus, first: int, last: int, seed: int, registry: Registry) -> None:
    """Stories first..last in one transaction: the articles (COPY streams each story as it is
    made, while PostgreSQL computes the search vector of the one before), the people,
    organisations and sources met for the first time, the mentions, the quotes, and the
    batch's row in bench_search_batch, which tells a rerun the batch is done."""
    from django.db import transaction

    from articles.models import (
        Article,
        Organisation,
        OrganisationMention,
        Person,
        PersonMention,
        Quote,
        Source,
    )

    started = time.perf_counter()
    registry.now = datetime.now(UTC)
    person_mentions, organisation_mentions, quotes = [], [], []

    def articles():
        for pk in range(first, last + 1):
            rows = story_rows(story_unique(pk, corpus, seed, registry.bodies), registry)
            person_mentions.extend(rows.person_mentions)
            organisation_mentions.extend(rows.organisation_mentions)
            quotes.extend(rows.quotes)
            yield rows.article

    # Foreign keys are checked at commit, so the articles may go in before their sources.
    with transaction.atomic(), _cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        copy_rows(raw, Article, articles())
        copy_rows(raw, Source, registry.new_rows["source"])
        copy_rows(raw, Person, registry.new_rows["person"])
        copy_rows(raw, Organisation, registry.new_rows["organisation"])
        copy_rows(raw, PersonMention, person_mentions, with_id=False)
        copy_rows(raw, OrganisationMention, organisation_mentions, with_id=False)
        copy_rows(raw, Quote, quotes, with_id=False)
        cursor.execute(
            "INSERT INTO bench_search_batch (first_pk, last_pk, seconds) VALUES (%s, %s, %s)",
            [first, last, time.perf_counter() - started],
        )
    for rows in registry.new_rows.values():
        rows.clear()


def archive_finish() -> tuple[dict, int]:
    """What makes the bulk-loaded archive the product's: story counts of every person and
    organisation recounted from their mentions, the GIN indexes recreated from the models'
    own definitions, the id sequences moved past the stored ids, and every table vacuumed
    and analysed (a real archive is, by autovacuum). Each step can run again."""
    from django.db import connection

    from articles import models

    steps = {}
    with _cursor() as cursor:
        _unlimited(cursor)
        started = time.perf_counter()
        for table, mention_table, column in (
            ("articles_person", "articles_personmention", "person_id"),
            ("articles_organisation", "articles_organisationmention", "organisation_id"),
        ):
            cursor.execute(
                f"UPDATE {table} AS entity SET article_count = counted.stories "
                f"FROM (SELECT {column}, count(*) AS stories FROM {mention_table} "
                f"GROUP BY {column}) AS counted "
                f"WHERE entity.id = counted.{column} AND entity.article_count <> counted.stories"
            )
            cursor.execute(
                f"UPDATE {table} AS entity SET article_count = 0 WHERE article_count <> 0 "
                f"AND NOT EXISTS (SELECT 1 FROM {mention_table} WHERE {column} = entity.id)"
            )
        steps["counts"] = time.perf_counter() - started
        for model_name, index_name in BULK_DROPPED_INDEXES:
            started = time.perf_counter()
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [index_name])
            if cursor.fetchone() is None:
                model = getattr(models, model_name)
                index = next(i for i in model._meta.indexes if i.name == index_name)
                with connection.schema_editor() as editor:
                    editor.add_index(model, index)
            steps[f"index {index_name}"] = time.perf_counter() - started
        for model in (models.Article, models.Person, models.Organisation, models.Source):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        started = time.perf_counter()
        cursor.execute("SELECT count(*) - count(DISTINCT md5(body)) FROM articles_article")
        duplicates = cursor.fetchone()[0]
        steps["duplicate check"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(PRODUCT_TABLES)}")
        steps["vacuum analyze"] = time.perf_counter() - started
    print(
        "finished: " + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in steps.items()),
        flush=True,
    )
    return {step: round(seconds, 1) for step, seconds in steps.items()}, duplicates


def build_summary() -> dict:
    """The build as recorded: every session, the total time and the load rate."""
    with _cursor() as cursor:
        cursor.execute(
            "SELECT session, started, stories_before, stories_after, corpus, load_seconds, "
            "finish_seconds, finish_steps, duplicate_bodies, finished "
            "FROM bench_search_build ORDER BY session"
        )
        columns = [column.name for column in cursor.description]
        sessions = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    for session in sessions:
        session["started"] = session["started"].isoformat(timespec="seconds")
        session["finished"] = session["finished"] and session["finished"].isoformat(
            timespec="seconds"
        )
        for key in ("corpus", "finish_steps"):
            if isinstance(session[key], str):
                session[key] = json.loads(session[key])
    stories = sessions[-1]["stories_after"] if sessions else 0
    loaded = sum(
        (s["stories_after"] or s["stories_before"]) - s["stories_before"] for s in sessions
    )
    load_seconds = sum(s["load_seconds"] for s in sessions)
    corpus_seconds = sum(s["corpus"].get("read_seconds", 0) for s in sessions)
    finish_seconds = sum(s["finish_seconds"] for s in sessions)
    return {
        "stories": stories,
        "seconds": round(corpus_seconds + load_seconds + finish_seconds, 1),
        "corpus_read_seconds": round(corpus_seconds, 1),
        "load_seconds": round(load_seconds, 1),
        "finish_seconds": round(finish_seconds, 1),
        "load_stories_per_second": round(loaded / load_seconds, 1) if load_seconds else None,
        "duplicate_bodies": sessions[-1]["duplicate_bodies"] if sessions else None,
        "corpus": next((s["corpus"] for s in sessions if s["corpus"]), {}),
        "sessions": sessions,
    }


# --- What is timed: query classes chosen from the stored stories ---------------------------------

CONTENT_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Adjacent words within one clause: punctuation between two words keeps them apart.
CLAUSE = re.compile(r"[^,;:.!?()\"“”—–-]+")
RESULTS_HEADING = re.compile(r'<h2 id="results-heading"[^>]*>(.*?)(?:<span|</h2>)', re.S)
TIMED_OUT_TEXT = "too broad to finish in time"


@dataclass
class Probe:
    """One request of a class: a page and its parameters, and for a search how many stories
    its words match (PostgreSQL's exact count, None if that took too long)."""

    path: str
    params: dict
    matches: int | None = None


def _match_count(query: str, timeout_ms: int = MATCH_COUNT_TIMEOUT_MS) -> int | None:
    from django.db import OperationalError, transaction

    from articles.models import SEARCH_CONFIG

    try:
        with transaction.atomic(), _cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
            cursor.execute(
                "SELECT count(*) FROM articles_article "
                "WHERE search_vector @@ websearch_to_tsquery(%s::regconfig, %s)",
                [SEARCH_CONFIG, query],
            )
            return cursor.fetchone()[0]
    except OperationalError:
        return None


def _newest_match(query: str):
    """(id, published) of the newest story the query matches, or None."""
    from django.db import OperationalError, transaction

    from articles.models import SEARCH_CONFIG

    try:
        with transaction.atomic(), _cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {MATCH_COUNT_TIMEOUT_MS}")
            cursor.execute(
                "SELECT id, published FROM articles_article "
                "WHERE search_vector @@ websearch_to_tsquery(%s::regconfig, %s) "
                "ORDER BY published DESC, id DESC LIMIT 1",
                [SEARCH_CONFIG, query],
            )
            return cursor.fetchone()
    except OperationalError:
        return None


def _stop_words(words: set[str]) -> set[str]:
    """The words the product's text-search configuration ignores."""
    from articles.models import SEARCH_CONFIG

    with _cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word "
            "WHERE to_tsvector(%s::regconfig, word) = ''::tsvector",
            [sorted(words), SEARCH_CONFIG],
        )
        return {row[0] for row in cursor.fetchall()}


def stories_sample(count: int) -> list[str]:
    """Title and body of `count` stored stories spread evenly over the archive."""
    from articles.models import Article

    top = Article.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    step = max(1, top // count)
    rows = Article.objects.filter(pk__in=range(step, top + 1, step)).order_by("pk")
    return [f"{title}\n{body}" for title, body in rows.values_list("title", "body")[:count]]


def _words_chosen(texts: list[str], variants: int, stories: int) -> dict[str, list[str]]:
    """The words, phrases and sentences of each class, from the sample's own text."""
    clauses = [[CONTENT_WORD.findall(clause) for clause in CLAUSE.findall(text)] for text in texts]
    vocabulary = {word.lower() for story in clauses for clause in story for word in clause}
    stop = _stop_words(vocabulary)

    def content(word: str) -> bool:
        return word.isalpha() and len(word) >= 3 and word.lower() not in stop

    word_stories, pair_stories = Counter(), Counter()
    for story in clauses:
        words, pairs = set(), set()
        for clause in story:
            lowered = [word.lower() if content(word) else None for word in clause]
            words.update(word for word in lowered if word)
            pairs.update(zip(lowered, lowered[1:], strict=False))
        word_stories.update(words)
        pair_stories.update(pair for pair in pairs if None not in pair)
    common = [word for word, _count in word_stories.most_common(variants)]
    # A phrase of words often seen together, whose reverse order is seldom seen.
    phrases = [
        pair
        for pair, count in pair_stories.most_common(200)
        if pair[0] != pair[1] and pair_stories[pair[::-1]] * 20 <= count
    ][:variants]
    # Rare: lower-case words of seven letters or more seen in one sampled story; those whose
    # number of stories is nearest RARE_SHARE of the archive win.
    candidates = []
    for story in clauses:
        for clause in story:
            for word in clause:
                if len(word) >= 7 and word.islower() and word_stories[word] == 1 and content(word):
                    candidates.append(word)
    candidates = list(dict.fromkeys(candidates))[: variants * 10]
    target = max(1.0, stories * RARE_SHARE)
    counted = [(_match_count(word) or 0, order, word) for order, word in enumerate(candidates)]
    counted = [
        (abs(math.log(count / target)), order, word) for count, order, word in counted if count
    ]
    rare = [word for _distance, _order, word in sorted(counted)][:variants]
    # Many words: the first content words of a sentence, as a reader describing a story.
    many = []
    for text in texts[:: max(1, len(texts) // (variants * 3))]:
        for _offset, sentence in sentences(text.split("\n", 1)[-1]):
            words = list(
                dict.fromkeys(w.lower() for w in CONTENT_WORD.findall(sentence) if content(w))
            )
            words = [word for word in words if len(word) >= 4]
            if len(words) >= MANY_WORDS:
                many.append(" ".join(words[:MANY_WORDS]))
                break
        if len(many) == variants:
            break
    return {
        "rare word": rare,
        "common word": common,
        "phrase": [f'"{first} {second}"' for first, second in phrases],
        "phrase, unusual order": [f'"{second} {first}"' for first, second in phrases],
        "many words": many,
    }


def query_mix(variants: int) -> dict[str, list[Probe]]:
    """Every class, each with up to `variants` queries chosen from the stored stories, so
    that the mix follows the archive and reruns on one archive time the same requests:

    rare word      a lower-case word of one sampled story, the rarest in the archive
    common word    the words most sampled stories hold
    phrase         two words often adjacent ("white house"), in quotation marks
    phrase, unusual order   the same two reversed ("house white"): both words are common,
                   the phrase is rare, the case a planner misjudges
    many words     six content words of a sentence, as a reader describing a story
    name           the names of the busiest people after the first
    each + filters the same with a person (the best-known other person of the newest story
                   it matches) and that story's year
    busiest person's and organisation's pages
    """
    from articles.models import Article, Organisation, Person

    chosen = _words_chosen(stories_sample(SAMPLE_STORIES), variants, Article.objects.count())
    people = list(Person.objects.order_by("-article_count", "pk")[: variants + 1])
    chosen["name"] = [person.name for person in people[1:]] or [people[0].name]
    newest_year = Article.objects.order_by("-published").values_list("published", flat=True)[0]
    mix = {}
    for label, queries in chosen.items():
        mix[label] = [Probe("/search/", {"q": query}, _match_count(query)) for query in queries]
    for label in list(mix):
        mix[f"{label} + filters"] = [
            Probe(
                "/search/",
                {**probe.params, **_filters_for(probe.params["q"], people[0], newest_year)},
            )
            for probe in mix[label]
        ]
    busiest_organisation = Organisation.objects.order_by("-article_count", "pk").first()
    mix["busiest person page"] = [Probe(people[0].get_absolute_url(), {}, people[0].article_count)]
    mix["busiest organisation page"] = [
        Probe(busiest_organisation.get_absolute_url(), {}, busiest_organisation.article_count)
    ]
    return mix


def _filters_for(query: str, busiest, newest_published) -> dict:
    """A person and a year a reader might click for this query: the best-known person of the
    newest story it matches, other than one the query names, and that story's year."""
    from articles.models import Person

    newest = _newest_match(query)
    if newest is None:
        return {"person": busiest.slug, "year": str(newest_published.year)}
    story_id, published = newest
    named = query.lower()
    for person in Person.objects.filter(mentions__article_id=story_id).order_by(
        "-article_count", "pk"
    ):
        if person.name.lower() not in named:
            return {"person": person.slug, "year": str(published.year)}
    return {"year": str(published.year)}


def shown_count(page: str) -> str:
    """The count a reader sees above the results ("About 48,000 stories", "12 stories")."""
    heading = RESULTS_HEADING.search(page)
    return " ".join(heading.group(1).split()) if heading else ""


def pages_time(mix: dict[str, list[Probe]], rounds: int) -> dict:
    """Time every class `rounds` times through the test client, one class after another in
    each round (so that a change in the machine's load touches every class alike), each round
    taking the next query of the class; every query is requested once before, unmeasured."""
    from django.test import Client

    # No setup_test_environment(): its template instrumentation would be timed too.
    client = Client()
    for probes in mix.values():
        for probe in probes:
            client.get(probe.path, probe.params)
    timings = {label: [] for label in mix}
    outcomes = {label: {"errors": 0, "timeouts": 0, "shown": {}} for label in mix}
    started = time.perf_counter()
    for round_number in range(rounds):
        for label, probes in mix.items():
            probe = probes[round_number % len(probes)]
            request_started = time.perf_counter()
            response = client.get(probe.path, probe.params)
            timings[label].append((time.perf_counter() - request_started) * 1000)
            page = response.content.decode()
            outcome = outcomes[label]
            if response.status_code != 200:
                outcome["errors"] += 1
            if TIMED_OUT_TEXT in page:
                outcome["timeouts"] += 1
            outcome["shown"][json.dumps(probe.params, sort_keys=True)] = shown_count(page)
    elapsed = time.perf_counter() - started
    every = [milliseconds for values in timings.values() for milliseconds in values]
    classes = {}
    for label, values in timings.items():
        outcome = outcomes[label]
        classes[label] = {
            **_percentiles(values),
            "requests": len(values),
            "errors": outcome["errors"],
            "timeouts": outcome["timeouts"],
            "queries": [
                {
                    "path": probe.path,
                    "params": probe.params,
                    "matches": probe.matches,
                    "shown": outcome["shown"].get(json.dumps(probe.params, sort_keys=True)),
                }
                for probe in mix[label]
            ],
        }
    return {
        "rounds": rounds,
        "classes": classes,
        "overall": {
            **_percentiles(every),
            "requests": len(every),
            "seconds": round(elapsed, 1),
            "requests_per_second_one_client": round(len(every) / elapsed, 2),
        },
    }


def _percentiles(values: list[float]) -> dict:
    if len(values) < 2:
        values = values * 2
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "mean_ms": round(statistics.fmean(values), 1),
        "max_ms": round(max(values), 1),
    }


# --- What was built: sizes and the entities' distribution ----------------------------------------


def archive_sizes() -> dict:
    """Rows, heap, TOAST and index bytes of each table, each index, and the database."""
    with _cursor() as cursor:
        cursor.execute("SET statement_timeout = 0")
        tables = {}
        for table in PRODUCT_TABLES:
            cursor.execute(
                f"SELECT count(*), pg_relation_size('{table}'), pg_indexes_size('{table}'), "
                f"pg_total_relation_size('{table}') FROM {table}"
            )
            rows, heap, indexes, total = cursor.fetchone()
            tables[table] = {
                "rows": rows,
                "heap_mb": _mb(heap),
                "toast_mb": _mb(total - heap - indexes),
                "indexes_mb": _mb(indexes),
                "total_mb": _mb(total),
            }
        cursor.execute(
            "SELECT indexrelname, relname, pg_relation_size(indexrelid) FROM pg_stat_user_indexes "
            "WHERE relname = ANY(%s) ORDER BY 3 DESC",
            [list(PRODUCT_TABLES)],
        )
        indexes = {name: {"table": table, "mb": _mb(size)} for name, table, size in cursor}
        cursor.execute("SELECT pg_database_size(current_database())")
        database = _mb(cursor.fetchone()[0])
    return {"database_mb": database, "tables": tables, "indexes": indexes}


def _mb(size: int) -> float:
    return round(size / 1024 / 1024, 1)


def entities_summary() -> dict:
    """How story counts spread over people and organisations: the busiest and the tail."""
    from articles.models import Organisation, Person

    summary = {}
    for label, model in (("people", Person), ("organisations", Organisation)):
        with _cursor() as cursor:
            cursor.execute(
                "SELECT count(*), percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP "
                f"(ORDER BY article_count) FROM {model._meta.db_table}"
            )
            count, cuts = cursor.fetchone()
        summary[label] = {
            "entries": count,
            "stories_p50_p90_p99": [round(cut, 1) for cut in cuts or []],
            "busiest": [
                [entity.name, entity.article_count]
                for entity in model.objects.order_by("-article_count", "pk")[:5]
            ],
        }
    return summary


# --- Main ----------------------------------------------------------------------------------------


def arguments_parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=STORIES, help="stories in the archive")
    parser.add_argument("--rounds", type=int, default=30, help="requests of each class timed")
    parser.add_argument("--variants", type=int, default=3, help="queries of each class")
    parser.add_argument("--database", default=DATABASE, help="the archive's own database")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="a folder of *.jsonl.gz")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--batch-stories", type=int, default=BATCH_STORIES)
    parser.add_argument("--rebuild", action="store_true", help="drop the archive and start again")
    parser.add_argument("--build-only", action="store_true", help="build, time nothing")
    parser.add_argument(
        "--drop", action="store_true", help="drop the archive's database at the end"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for search.json")
    arguments = parser.parse_args(argv)
    if arguments.stories < 1 or arguments.rounds < 1 or arguments.variants < 1:
        parser.error("--stories, --rounds and --variants must be at least 1")
    return arguments


def main(argv=None) -> dict:
    arguments = arguments_parse(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    original_name = connection.settings_dict["NAME"]
    if arguments.database == original_name:
        raise SystemExit(f"--database {arguments.database} is the configured database: refused")
    if "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]:
        call_command("collectstatic", interactive=False, verbosity=0)  # production pages
    report = {"database": arguments.database, "cpus": os.cpu_count()}
    try:
        database_open(arguments.database, fresh=arguments.rebuild)
        with _cursor() as cursor:
            cursor.execute("SHOW server_version")
            report["postgresql"] = cursor.fetchone()[0]
        report["build"] = archive_build(
            arguments.stories, arguments.corpus, arguments.seed, arguments.batch_stories
        )
        report["sizes"] = archive_sizes()
        report["entities"] = entities_summary()
        if not arguments.build_only:
            # Other work on the machine skews every figure: record how busy it was.
            report["load_average_before"] = [round(load, 2) for load in os.getloadavg()]
            mix = query_mix(arguments.variants)
            report["timing"] = pages_time(mix, arguments.rounds)
            report["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    finally:
        database_restore(original_name)
        if arguments.drop:
            database_drop(arguments.database)
    report_print(report)
    arguments.results.mkdir(parents=True, exist_ok=True)
    output = arguments.results / "search.json"
    output.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"written to {output}")
    return report


def report_print(report: dict) -> None:
    build = report["build"]
    print(
        f"\n{build['stories']:,} stories in {report['database']}: "
        f"built in {build['seconds']:,.0f} s "
        f"(corpus {build['corpus_read_seconds']:,.0f} s, load {build['load_seconds']:,.0f} s "
        f"at {build['load_stories_per_second'] or 0:,.0f} stories/s, finish "
        f"{build['finish_seconds']:,.0f} s), {build['duplicate_bodies']} repeated bodies"
    )
    sizes = report["sizes"]
    print(f"database {sizes['database_mb']:,.0f} MB")
    print(f"{'table':<30}{'rows':>12}{'heap MB':>10}{'toast MB':>10}{'index MB':>10}")
    for table, size in sizes["tables"].items():
        print(
            f"{table:<30}{size['rows']:>12,}{size['heap_mb']:>10,.0f}{size['toast_mb']:>10,.0f}"
            f"{size['indexes_mb']:>10,.0f}"
        )
    for label, summary in report["entities"].items():
        busiest = ", ".join(f"{name} {count:,}" for name, count in summary["busiest"][:3])
        print(
            f"{label}: {summary['entries']:,}, stories p50/p90/p99 "
            f"{summary['stories_p50_p90_p99']}; busiest {busiest}"
        )
    if "timing" not in report:
        return
    timing = report["timing"]
    print(f"\n{'class':<34}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  first query, shown count")
    for label, row in timing["classes"].items():
        first = row["queries"][0]
        query = first["params"].get("q") or first["path"]
        note = f"{row['timeouts']} timed out " if row["timeouts"] else ""
        note += f"{row['errors']} errors " if row["errors"] else ""
        print(
            f"{label:<34}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}  "
            f"{note}{query[:40]!r}: {first['shown'] or '-'}"
        )
    overall = timing["overall"]
    print(
        f"{'all':<34}{overall['p50_ms']:>9}{overall['p95_ms']:>9}{overall['p99_ms']:>9}  "
        f"{overall['requests_per_second_one_client']} requests/s (one client)"
    )
    print(
        f"load average before and after: {report['load_average_before']}, "
        f"{report['load_average_after']}"
    )


if __name__ == "__main__":
    # Production settings (no debug bookkeeping, hashed static files) unless told otherwise.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
    main()
