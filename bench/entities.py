"""Do people and organisations stay trustworthy as an archive grows? (issue 10)

    .venv/bin/python bench/entities.py                        # 200 eval_seedlike + 2,000 large
    .venv/bin/python bench/entities.py --large 300 --no-seedlike
    .venv/bin/python bench/entities.py --reextract --keep

Imports real corpus stories through the real import service, in several batches as an archive
is filled, into a database of its own (archive_bench_entities on the configured server:
DATABASE_URL, or the embedded one), created and migrated first and dropped at the end unless
--keep. The stories: the files of ../shared/corpus/eval_seedlike/ and the first --large dated
stories of ../shared/corpus/large/allsides_news_37k.jsonl.gz, converted to the seed format
and stripped as the seeds are (apostrophes and curly quotation marks removed, paragraphs
shuffled with the story's id as the seed), read at run time and never copied here.

Then it lists the top 150 people and top 150 organisations by story count, each with its
aliases (and the other spellings extraction saw, where the archive keeps them apart from the
editor-confirmed aliases) and indicators for the human who judges them:
  wrong merge  stories that never name it: for a person the surname (the last word of the
               name), for an organisation any of its name, aliases and spellings; case-insensitive,
               whole words, apostrophes stripped, a trailing possessive "s" allowed
  split        two entries of one list that may be one: people sharing a surname, one name
               inside the other, or spellings alike (trigrams, edit distance); organisations
               with one name inside the other or one an acronym of the other
  junk         a common word or a first name alone, page furniture, an all-caps common word,
               digits, '#', '@', words run together, more than 5 words, a place name
Prints the totals and the import's speed, and writes bench/results/entities.json and
bench/results/entities.txt. --reextract then runs extraction again over the whole archive
and reports again.
"""

import argparse
import gzip
import itertools
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
# It does a worker's work (imports, archive-wide resolution): no web request's time limit.
os.environ.setdefault("DATABASE_STATEMENT_TIMEOUT", "0")

SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_LARGE = SHARED_CORPUS / "large" / "allsides_news_37k.jsonl.gz"
DEFAULT_SEEDLIKE = SHARED_CORPUS / "eval_seedlike"
RESULTS = ROOT / "bench" / "results"
TOP = 150

# What the seeds lost (../shared/corpus/PROVENANCE.md, 1c): apostrophes and curly double quotes.
STRIPPED_MARKS = str.maketrans("", "", "'’‘“”")
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# Words joined to a capital inside a real name: McConnell, MacArthur, DeSantis, LaHood, DiCaprio.
NAME_PREFIXES = ("Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "O")
# Contractions that lost their apostrophe ("Ill" is "I'll"), a general list of English.
CONTRACTIONS = set(
    "ill im ive id youre youve youll youd hes shes weve theyre theyve theyll dont doesnt didnt "
    "cant wont isnt arent wasnt werent hasnt havent hadnt couldnt shouldnt wouldnt thats whats "
    "theres lets".split()
)
# Words of a news page around the story: captions, players, section labels.
FURNITURE = set(
    "watch watched video videos replay photo photos caption captions hide enlarge toggle image "
    "images getty analysis opinion related read click subscribe advertisement newsletter "
    "highlights story updates live breaking exclusive editor note share".split()
)
# Lowercase words that belong inside a person's name: Osama bin Laden, Ludwig van Beethoven.
PERSON_PARTICLES = {
    "bin",
    "ibn",
    "al",
    "de",
    "da",
    "del",
    "der",
    "di",
    "du",
    "van",
    "von",
    "la",
    "le",
}
ORGANISATION_SMALL_WORDS = {"of", "the", "and", "for", "in", "on", "&", "to", "a"}
SIMILAR_TRIGRAMS = 0.5  # pg_trgm's own default threshold for similarity()


# --- The stories -------------------------------------------------------------------------------


def seed_text(title: str, date: str, url: str, paragraphs: list[str], seed: str) -> str:
    """A story in the seed format, stripped and shuffled the way eval_seedlike/ was."""
    paragraphs = [p.translate(STRIPPED_MARKS) for p in paragraphs if p.strip()]
    random.Random(seed).shuffle(paragraphs)
    return "\n".join([title.translate(STRIPPED_MARKS), date, url, *paragraphs]) + "\n"


def large_stories(path: Path, limit: int) -> tuple[list[tuple[str, bytes]], int]:
    """The first `limit` stories of a large/*.jsonl.gz file that have a date and paragraphs
    (the seed format requires both), and how many were passed over."""
    stories, skipped = [], 0
    if limit <= 0:
        return stories, skipped
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if not record.get("date") or not record.get("paragraphs"):
                skipped += 1
                continue
            text = seed_text(
                record["title"], record["date"], record["url"], record["paragraphs"], record["id"]
            )
            name = re.sub(r"[^A-Za-z0-9-]+", "-", str(record["id"])) + ".txt"
            stories.append((name, text.encode("utf-8")))
            if len(stories) >= limit:
                break
    return stories, skipped


def folder_stories(folder: Path) -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted(folder.glob("*.txt"))]


def batches_split(stories: list, count: int) -> list[list]:
    """Consecutive batches of nearly equal size, in corpus order."""
    count = max(1, min(count, len(stories)))
    size, extra = divmod(len(stories), count)
    batches, start = [], 0
    for number in range(count):
        end = start + size + (1 if number < extra else 0)
        batches.append(stories[start:end])
        start = end
    return batches


# --- Indicators (pure: names and story texts in, flags out) ---------------------------------


def fold(text: str) -> str:
    return text.translate(STRIPPED_MARKS).lower()


def surname(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[-1].lower() in NAME_SUFFIXES:
        words = words[:-1]
    return words[-1] if words else name


def name_forms(kind: str, name: str, aliases: list[str]) -> list[str]:
    """The forms a story must contain for the entry to belong in it."""
    if kind == "person":
        return [surname(name)]
    return [name, *aliases]


def forms_pattern(forms: list[str]) -> re.Pattern:
    """Any form as whole words, case-insensitive, apostrophes stripped, possessive s allowed."""
    alternatives = sorted({re.escape(fold(form)) for form in forms if fold(form)}, key=len)
    return re.compile(r"(?<!\w)(?:" + "|".join(reversed(alternatives)) + r")s?(?!\w)")


def stories_without_name(forms: list[str], folded_texts: list[str]) -> int:
    """How many of these stories (already folded) contain none of the forms."""
    pattern = forms_pattern(forms)
    return sum(1 for text in folded_texts if not pattern.search(text))


@dataclass
class WordCounts:
    """How the archive writes each word: all lowercase, Capitalised, and how often a
    Capitalised occurrence runs straight into another capitalised word (a first name does)."""

    lower: Counter = field(default_factory=Counter)
    capitalised: Counter = field(default_factory=Counter)
    before_capital: Counter = field(default_factory=Counter)
    exact: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, texts) -> "WordCounts":
        counts = cls()
        for text in texts:
            tokens = re.findall(r"[A-Za-z]+|[^A-Za-z\s]", text.translate(STRIPPED_MARKS))
            for position, token in enumerate(tokens):
                counts.exact[token] += 1
                if token.islower():
                    counts.lower[token] += 1
                elif token[0].isupper():
                    key = token.lower()
                    counts.capitalised[key] += 1
                    following = tokens[position + 1] if position + 1 < len(tokens) else ""
                    if following[:1].isupper():
                        counts.before_capital[key] += 1
        return counts

    def common(self, word: str, dictionary: frozenset = frozenset()) -> bool:
        """A word the archive mostly writes in lowercase, or an English stop word."""
        from spacy.lang.en.stop_words import STOP_WORDS

        key = word.lower()
        lower, capitalised = self.lower[key], self.capitalised[key]
        return (
            key in STOP_WORDS
            or (lower >= 2 and lower * 2 >= capitalised)
            or (key in dictionary and lower >= 1 and lower * 5 >= capitalised)
        )

    def first_name(self, word: str) -> bool:
        """Nearly always followed by another capitalised word: "Chris Wallace", "David X"."""
        key = word.lower()
        return (
            self.capitalised[key] >= 3 and self.before_capital[key] >= 0.7 * self.capitalised[key]
        )


def run_together(word: str, counts: WordCounts) -> bool:
    """ "BoltonTrump": a lowercase letter then a capital inside a word, where both halves are
    words the archive writes apart more often than joined (not McConnell, YouTube)."""
    for match in re.finditer(r"(?<=[a-z])(?=[A-Z])", word):
        left, right = word[: match.start()], word[match.start() :]
        if left.endswith(NAME_PREFIXES) and re.fullmatch(r"[A-Z][a-z]?[a-z]?[a-z]?", left):
            continue
        joined = max(counts.exact[word], 1)
        left_word = re.search(r"[A-Z][a-z]+$|[a-z]+$", left)[0]
        right_word = re.match(r"[A-Z][a-z]*", right)[0]
        if counts.exact[left_word] >= 2 * joined and counts.exact[right_word] >= 2 * joined:
            return True
        if not counts.exact:  # no archive to ask: the pattern alone
            return True
    return False


def junk_reasons(
    name: str,
    counts: WordCounts,
    dictionary: frozenset = frozenset(),
    *,
    kind: str = "person",
    aliases: tuple[str, ...] = (),
) -> list[str]:
    """Why an entry may not be a person or an organisation at all (empty: no reason)."""
    from articles.ingest.lexicon import FEMALE_NAMES, MALE_NAMES, NATIONALITIES
    from articles.ingest.places import is_place

    reasons = []
    words = name.split()
    plain = [re.sub(r"[^\w]", "", word) for word in words]
    if len(words) == 1:
        key = plain[0].lower()
        if key in CONTRACTIONS:
            reasons.append("contraction without its apostrophe")
        elif counts.common(plain[0], dictionary):
            reasons.append("common word")
        # Organisations run into capitals too ("Harvard Law School"): the list alone for them.
        if (
            key in FEMALE_NAMES
            or key in MALE_NAMES
            or (kind == "person" and counts.first_name(plain[0]))
        ):
            reasons.append("first name alone")
    lowered = [word.lower() for word in plain if word]
    if lowered and any(w in FURNITURE for w in lowered):
        from spacy.lang.en.stop_words import STOP_WORDS

        if all(w in FURNITURE or w in STOP_WORDS for w in lowered):
            reasons.append("page furniture")
    shouted = [
        word
        for word in plain
        if len(word) >= 4 and word.isupper() and (word.lower() in FURNITURE or counts.common(word))
    ]
    if shouted:
        reasons.append("all-caps word: " + " ".join(shouted))
    if re.search(r"\d", name):
        reasons.append("digits")
    if "#" in name or "@" in name:
        reasons.append("hashtag or handle")
    if any(run_together(word, counts) for word in plain):
        reasons.append("words run together")
    # "Bureau of Alcohol, Tobacco, Firearms and Explosives" is five words that count.
    if len([w for w in lowered if w not in ORGANISATION_SMALL_WORDS]) > 5:
        reasons.append("more than 5 words")
    if kind == "person":
        if any(w in NATIONALITIES for w in lowered):
            reasons.append("a nationality or group in the name")
        if any(w.islower() and w not in PERSON_PARTICLES for w in words[1:]):
            reasons.append("a lowercase word in the name")  # "Charles Krauthammer on Fox"
        if len(plain) > 1 and all(
            counts.common(word, dictionary) or counts.lower[word.lower()] >= 2 for word in plain
        ):
            reasons.append("ordinary words only")  # "White House", "Exit Polls"
    # A person's aliases too ("Massachusett" holding "Massachusetts"); an organisation's
    # aliases may well be a group word ("GOP"), which is_place counts as a place.
    forms = (name, *aliases) if kind == "person" else (name,)
    places = [form for form in forms if is_place(form.translate(STRIPPED_MARKS))]
    if places:
        reasons.append("a place: " + "; ".join(places))
    return reasons


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: lowercase words, each padded with two spaces before, one after."""
    grams = set()
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def trigram_similarity(a: str, b: str) -> float:
    first, second = trigrams(a), trigrams(b)
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


def _words(name: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9&]+", fold(name).replace(".", ""))]


def _contains(longer: list[str], shorter: list[str]) -> bool:
    size = len(shorter)
    return 0 < size < len(longer) and any(
        longer[i : i + size] == shorter for i in range(len(longer) - size + 1)
    )


def acronym(name: str) -> str:
    return "".join(w[0] for w in _words(name) if w not in ORGANISATION_SMALL_WORDS)


def split_reasons(kind: str, a: str, b: str) -> list[str]:
    """Why two entries of one list may be one person or organisation (empty: no reason)."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return []
    reasons = []
    if _contains(words_a, words_b) or _contains(words_b, words_a):
        reasons.append("one name inside the other")
    if kind == "person":
        if fold(surname(a)) == fold(surname(b)):
            reasons.append("same surname")
        similarity = trigram_similarity(a, b)
        distance = edit_distance(fold(a), fold(b))
        if similarity >= SIMILAR_TRIGRAMS:
            reasons.append(f"trigram similarity {similarity:.2f}")
        elif distance <= 2 and min(len(a), len(b)) >= 6:
            reasons.append(f"edit distance {distance}")
    else:
        joined_a, joined_b = "".join(words_a), "".join(words_b)
        if len(words_a) >= 2 and len(joined_b) >= 2 and acronym(a) == joined_b:
            reasons.append(f"{b} is an acronym of {a}")
        elif len(words_b) >= 2 and len(joined_a) >= 2 and acronym(b) == joined_a:
            reasons.append(f"{a} is an acronym of {b}")
    return reasons


def split_likely(kind: str, a: str, b: str, reasons: list[str]) -> bool:
    """The stronger pairs among the possible ones: a surname alone beside its full name, one
    spelling of one name, a first name and its initial; an acronym, or one word more.
    Two people who only share a surname (Bill and Hillary Clinton) are possible, not likely."""
    shorter, longer = sorted((_words(a), _words(b)), key=len)
    if kind != "person":
        return any("acronym" in reason for reason in reasons) or (
            "one name inside the other" in reasons and len(longer) == len(shorter) + 1
        )
    if "one name inside the other" in reasons and longer[-len(shorter) :] == shorter:
        return True
    if "same surname" in reasons:
        first, other = shorter[0], longer[0]
        return (
            first == other
            or first[:3] == other[:3]
            or (min(len(first), len(other)) == 1 and first[0] == other[0])
        )
    similar = any(r.startswith(("trigram", "edit")) for r in reasons)
    return similar and len(shorter) == len(longer)


def split_pairs(kind: str, entries: list[dict]) -> list[dict]:
    pairs = []
    for i, first in enumerate(entries):
        for second in entries[i + 1 :]:
            reasons = split_reasons(kind, first["name"], second["name"])
            if reasons:
                likely = split_likely(kind, first["name"], second["name"], reasons)
                pairs.append(
                    {"a": first["name"], "b": second["name"], "reasons": reasons, "likely": likely}
                )
    return pairs


def entries_judge(
    kind: str,
    entries: list[dict],
    story_texts: dict[int, str],
    counts: WordCounts,
    dictionary: frozenset = frozenset(),
) -> dict:
    """Flag each entry ({name, aliases, story_ids, ...}) and sum up the list.

    Adds wrong_merge_stories, wrong_merge, junk (reasons), split_with (every possible partner)
    and split_likely (the likely ones) to each entry."""
    folded = {pk: fold(text) for pk, text in story_texts.items()}
    for entry in entries:
        forms = name_forms(kind, entry["name"], [*entry["aliases"], *entry.get("spellings", [])])
        texts = [folded[pk] for pk in entry["story_ids"] if pk in folded]
        entry["wrong_merge_stories"] = stories_without_name(forms, texts)
        entry["wrong_merge"] = entry["wrong_merge_stories"] > 0
        entry["junk"] = junk_reasons(
            entry["name"],
            counts,
            dictionary,
            kind=kind,
            aliases=(*entry["aliases"], *entry.get("spellings", [])),
        )
    pairs = split_pairs(kind, entries)
    partners, likely_partners = defaultdict(list), defaultdict(list)
    for pair in pairs:
        for mine, theirs in ((pair["a"], pair["b"]), (pair["b"], pair["a"])):
            partners[mine].append(theirs)
            if pair["likely"]:
                likely_partners[mine].append(theirs)
    for entry in entries:
        entry["split_with"] = partners.get(entry["name"], [])
        entry["split_likely"] = likely_partners.get(entry["name"], [])
    return {
        "entries": entries,
        "split_pairs": pairs,
        "totals": {
            "entries": len(entries),
            "wrong_merges": sum(entry["wrong_merge"] for entry in entries),
            "wrong_merge_stories": sum(entry["wrong_merge_stories"] for entry in entries),
            "split_pairs": len(pairs),
            "likely_split_pairs": sum(pair["likely"] for pair in pairs),
            "entries_in_split_pairs": len(partners),
            "junk": sum(bool(entry["junk"]) for entry in entries),
        },
    }


# --- The archive -------------------------------------------------------------------------------


def top_entries(kind: str, top: int) -> list[dict]:
    """The `top` entries by stories that mention them (counted from the mentions)."""
    from django.db.models import Count

    from articles.models import Organisation, OrganisationMention, Person, PersonMention

    model, mention_model, key = (
        (Person, PersonMention, "person_id")
        if kind == "person"
        else (Organisation, OrganisationMention, "organisation_id")
    )
    # Editor-confirmed aliases, and, where the archive keeps them apart, the spellings seen.
    field_names = {model_field.name for model_field in model._meta.get_fields()}
    spelling_fields = [name for name in ("aliases", "spellings") if name in field_names]
    rows = list(
        model.objects.filter(not_an_entity=False)
        .annotate(stories=Count("mentions__article", distinct=True))
        .filter(stories__gt=0)
        .order_by("-stories", "name")
        .values("pk", "name", *spelling_fields, "stories", "article_count")[:top]
    )
    story_ids = defaultdict(list)
    mentions = mention_model.objects.filter(**{f"{key}__in": [row["pk"] for row in rows]})
    for entity_id, article_id in mentions.values_list(key, "article_id"):
        story_ids[entity_id].append(article_id)
    return [
        {
            "rank": rank,
            "name": row["name"],
            "aliases": sorted(row["aliases"]),
            **({"spellings": sorted(row["spellings"])} if "spellings" in row else {}),
            "stories": row["stories"],
            "article_count": row["article_count"],
            "story_ids": sorted(story_ids[row["pk"]]),
        }
        for rank, row in enumerate(rows, 1)
    ]


def archive_report(top: int) -> dict:
    from articles.ingest.pipeline import dictionary_words
    from articles.models import Article, Organisation, Person

    rows = Article.objects.values_list("pk", "title", "body")
    story_texts = {pk: f"{title}\n{body}" for pk, title, body in rows}
    counts = WordCounts.of(story_texts.values())
    nouns, adjectives = dictionary_words()
    dictionary = nouns | adjectives
    report = {
        "stories": len(story_texts),
        "people_stored": Person.objects.count(),
        "organisations_stored": Organisation.objects.count(),
    }
    for kind, label in (("person", "people"), ("organisation", "organisations")):
        entries = top_entries(kind, top)
        judged = entries_judge(kind, entries, story_texts, counts, dictionary)
        for entry in judged["entries"]:
            del entry["story_ids"]  # ids mean nothing once the database is gone
        report[label] = judged
    return report


def batches_import(batches: list[list[tuple[str, bytes]]]) -> dict:
    """Import each batch through the import service, then resolve entities over the archive
    as the workers do after every batch (articles/tasks.py)."""
    from articles import services

    per_batch, per_story, outcomes = [], [], Counter()
    started = time.perf_counter()
    for number, batch in enumerate(batches, 1):
        begin = time.perf_counter()
        result = services.articles_import(batch, origin="command")
        resolving = time.perf_counter()
        resolved = services.archive_resolve()
        resolve_seconds = time.perf_counter() - resolving
        seconds = time.perf_counter() - begin
        counted = Counter(str(upload.outcome) for upload in result.files)
        finished = sorted(upload.finished for upload in result.files if upload.finished)
        per_story += [(b - a).total_seconds() for a, b in itertools.pairwise(finished)]
        outcomes.update(counted)
        per_batch.append(
            {
                "stories": len(batch),
                "seconds": round(seconds, 2),
                "resolve_seconds": round(resolve_seconds, 2),
                "merged": len(resolved.merged),
                "proposed": resolved.proposed,
                **counted,
            }
        )
        print(
            f"batch {number}/{len(batches)}: {len(batch)} stories in {seconds:.1f} s "
            f"({len(batch) / seconds:.1f}/s) {dict(counted)}; resolution in "
            f"{resolve_seconds:.1f} s merged {len(resolved.merged)}, proposed {resolved.proposed}",
            flush=True,
        )
    seconds = time.perf_counter() - started
    stories = sum(len(batch) for batch in batches)
    return {
        "stories": stories,
        "seconds": round(seconds, 1),
        "stories_per_second": round(stories / seconds, 2) if seconds else None,
        "batch_seconds_p50": round(_quantile([b["seconds"] for b in per_batch], 0.5), 2),
        "batch_seconds_p95": round(_quantile([b["seconds"] for b in per_batch], 0.95), 2),
        "story_seconds_p50": round(_quantile(per_story, 0.5), 3) if per_story else None,
        "story_seconds_p95": round(_quantile(per_story, 0.95), 3) if per_story else None,
        "outcomes": dict(outcomes),
        "batches": per_batch,
    }


def _quantile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    # Inclusive method: with few batches the figure stays within the values measured.
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


# --- Output ------------------------------------------------------------------------------------


def totals_line(report: dict) -> str:
    people, organisations = report["people"]["totals"], report["organisations"]["totals"]
    return (
        f"people (top {people['entries']}): {people['wrong_merges']} wrong merges "
        f"({people['wrong_merge_stories']} stories), {people['split_pairs']} possible split "
        f"pairs ({people['likely_split_pairs']} likely), {people['junk']} junk | "
        f"organisations (top {organisations['entries']}): "
        f"{organisations['wrong_merges']} wrong merges "
        f"({organisations['wrong_merge_stories']} stories), "
        f"{organisations['split_pairs']} possible split pairs "
        f"({organisations['likely_split_pairs']} likely), {organisations['junk']} junk"
    )


def readable(report: dict, title: str) -> str:
    lines = [
        f"== {title}: {report['stories']} stories, {report['people_stored']} people and "
        f"{report['organisations_stored']} organisations stored",
        totals_line(report),
    ]
    for label in ("people", "organisations"):
        judged = report[label]
        lines.append(f"\n-- top {judged['totals']['entries']} {label} by stories")
        lines.append(
            "  flags: M wrong merge (stories without the name), S likely split (s possible), J junk"
        )
        for entry in judged["entries"]:
            flags = (
                ("M" if entry["wrong_merge"] else "-")
                + ("S" if entry["split_likely"] else "s" if entry["split_with"] else "-")
                + ("J" if entry["junk"] else "-")
            )
            line = f"{entry['rank']:>4} {flags} {entry['stories']:>5}  {entry['name']}"
            if entry["aliases"]:
                line += "  [aliases: " + "; ".join(entry["aliases"]) + "]"
            if entry.get("spellings"):
                line += "  [spellings: " + "; ".join(entry["spellings"]) + "]"
            notes = []
            if entry["wrong_merge"]:
                notes.append(f"{entry['wrong_merge_stories']} stories without the name")
            if entry["junk"]:
                notes.append("junk? " + ", ".join(entry["junk"]))
            if entry["split_with"]:
                notes.append("split? with " + "; ".join(entry["split_with"]))
            if notes:
                line += "\n" + " " * 18 + " | ".join(notes)
            lines.append(line)
        lines.append(f"\n-- possible split pairs among the {label} (likely ones marked)")
        for pair in judged["split_pairs"]:
            mark = "likely" if pair["likely"] else "      "
            lines.append(f"  {mark} {pair['a']}  /  {pair['b']}: {', '.join(pair['reasons'])}")
    return "\n".join(lines) + "\n"


# --- Main --------------------------------------------------------------------------------------


def arguments_parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--large", type=int, default=2000, help="stories from the large corpus")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_LARGE, help="a large/*.jsonl.gz")
    parser.add_argument(
        "--seedlike", type=Path, default=DEFAULT_SEEDLIKE, help="a folder of seed-format files"
    )
    parser.add_argument("--no-seedlike", action="store_true", help="import no seed-format files")
    parser.add_argument("--batches", type=int, default=4, help="import batches")
    parser.add_argument("--top", type=int, default=TOP, help="entries listed of each kind")
    parser.add_argument("--reextract", action="store_true", help="then reextract and report")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="import nothing: judge the archive a run with --keep left in --database",
    )
    parser.add_argument("--database", default="archive_bench_entities")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the figures")
    parser.add_argument("--quiet", action="store_true", help="print the totals only")
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    arguments = arguments_parse(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    if arguments.report_only:
        connection.close()
        connection.settings_dict["NAME"] = arguments.database
        report = {"after_import": archive_report(arguments.top)}
        text = readable(report["after_import"], f"the archive in {arguments.database}")
        print(text if not arguments.quiet else totals_line(report["after_import"]))
        return report

    stories = [] if arguments.no_seedlike else folder_stories(arguments.seedlike)
    seedlike_count = len(stories)
    large, skipped = large_stories(arguments.corpus, arguments.large)
    stories += large
    if not stories:
        raise SystemExit("no stories to import: check --corpus and --seedlike")
    batches = batches_split(stories, arguments.batches)

    test_settings = connection.settings_dict.setdefault("TEST", {})
    test_name_before = test_settings.get("NAME")
    original_name = connection.settings_dict["NAME"]
    test_settings["NAME"] = arguments.database
    # Django's test-database machinery: create, migrate, and point the connection at it.
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    finally:
        test_settings["NAME"] = test_name_before
    try:
        from articles import services

        services.extraction_run(["Warm up the language model."])  # outside the timed batches
        report = {
            "corpus": {
                "seedlike": None if arguments.no_seedlike else str(arguments.seedlike),
                "seedlike_stories": seedlike_count,
                "large": str(arguments.corpus) if arguments.large else None,
                "large_stories": len(large),
                "large_skipped_without_date_or_text": skipped,
                "batches": len(batches),
            },
            "python": platform.python_version(),
            "database": "DATABASE_URL" if os.environ.get("DATABASE_URL") else "embedded",
            "import": batches_import(batches),
        }
        report["after_import"] = archive_report(arguments.top)
        texts = [("after import", report["after_import"])]
        if arguments.reextract:
            started = time.perf_counter()
            result = services.articles_reextract()
            services.archive_resolve()
            seconds = time.perf_counter() - started
            count = len(result.files)
            report["reextract"] = {
                "stories": count,
                "seconds": round(seconds, 1),
                "stories_per_second": round(count / seconds, 2) if seconds else None,
            }
            print(f"reextract: {count} stories in {seconds:.1f} s", flush=True)
            report["after_reextract"] = archive_report(arguments.top)
            texts.append(("after reextract", report["after_reextract"]))
    finally:
        if arguments.keep:
            print(f"kept the database {connection.settings_dict['NAME']}")
            connection.close()
            connection.settings_dict["NAME"] = original_name
            settings.DATABASES[connection.alias]["NAME"] = original_name
        else:
            connection.creation.destroy_test_db(original_name, verbosity=0)

    timing = report["import"]
    summary = (
        f"import: {timing['stories']} stories in {timing['seconds']} s, "
        f"{timing['stories_per_second']} stories/s; seconds per batch p50 "
        f"{timing['batch_seconds_p50']}, p95 {timing['batch_seconds_p95']}; per story p50 "
        f"{timing['story_seconds_p50']}, p95 {timing['story_seconds_p95']}"
    )
    text = summary + "\n\n" + "\n".join(readable(judged, title) for title, judged in texts)
    arguments.results.mkdir(parents=True, exist_ok=True)
    (arguments.results / "entities.json").write_text(json.dumps(report, indent=2) + "\n")
    (arguments.results / "entities.txt").write_text(text)
    if not arguments.quiet:
        print(text)
    print(summary)
    for title, judged in texts:
        print(f"{title}: {totals_line(judged)}")
    print(f"wrote {arguments.results / 'entities.json'} and entities.txt")
    return report


if __name__ == "__main__":
    main()
