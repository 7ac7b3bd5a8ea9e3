"""Marking a search's words in stored text, exactly as the search matched them.

PostgreSQL reads both sides, so stemming, accents and stop words are the search's own: the
reader's words become `websearch_to_tsquery` (read here into a small tree), and each text's
words get their lexemes and positions from `to_tsvector` and their place in the text from
`ts_parse`, the parser `to_tsvector` uses. The matching is done here rather than by
ts_headline, which marks every word of a phrase wherever it stands ("House" in "House
Oversight" for "white house") and marks the words a reader excluded (`-trump`): a phrase is
marked only where its words stand as the query places them, and an excluded word never.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, compress

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.models import SEARCH_CONFIG

# Token types whose text is repeated by the parts that follow them ("well-known", then
# "well", "-", "known"): they take a position of their own but no room in the text.
COMPOUND_TOKENS = ("asciihword", "hword", "numhword", "url")
# A snippet shows about this many words of its paragraph, starting a few before the match.
SNIPPET_WORDS = 40
SNIPPET_LEAD_WORDS = 8


# --- The query ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Lexeme:
    text: str


@dataclass(frozen=True)
class Phrase:
    left: object
    right: object
    distance: int  # `<->` is 1, `<3>` is 3


@dataclass(frozen=True)
class Not:
    operand: object


@dataclass(frozen=True)
class Both:  # `&` (a phrase or a word each side)
    operands: tuple


@dataclass(frozen=True)
class Either:  # `|`
    operands: tuple


_TSQUERY_TOKEN = re.compile(r"\s*(?:'((?:[^']|'')*)'(?::[*A-Da-d]+)?|(<->|<\d+>|[&|!()]))")


def tsquery_tree(text: str):
    """The text form of a tsquery (`'white' <-> 'hous' & !'trump'`) as a tree; None when
    empty or unreadable. Precedence as PostgreSQL's: `!`, then `<->`, then `&`, then `|`."""
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TSQUERY_TOKEN.match(text, position)
        if match is None:
            return None
        lexeme, operator = match.groups()
        tokens.append(("lexeme", lexeme.replace("''", "'")) if lexeme is not None else operator)
        position = match.end()
    if not tokens:
        return None
    parser = _TreeParser(tokens)
    try:
        tree = parser.either()
    except (IndexError, ValueError):
        return None
    return tree if parser.at_end() else None


class _TreeParser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.index = 0

    def at_end(self):
        return self.index == len(self.tokens)

    def peek(self):
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self):
        token = self.tokens[self.index]
        self.index += 1
        return token

    def either(self):
        operands = [self.both()]
        while self.peek() == "|":
            self.take()
            operands.append(self.both())
        return operands[0] if len(operands) == 1 else Either(tuple(operands))

    def both(self):
        operands = [self.phrase()]
        while self.peek() == "&":
            self.take()
            operands.append(self.phrase())
        return operands[0] if len(operands) == 1 else Both(tuple(operands))

    def phrase(self):
        node = self.unary()
        while isinstance(self.peek(), str) and self.peek().startswith("<"):
            operator = self.take()
            distance = 1 if operator == "<->" else int(operator[1:-1])
            node = Phrase(node, self.unary(), distance)
        return node

    def unary(self):
        token = self.take()
        if token == "!":
            return Not(self.unary())
        if token == "(":
            node = self.either()
            if self.take() != ")":
                raise ValueError("unbalanced parentheses")
            return node
        if isinstance(token, tuple):
            return Lexeme(token[1])
        raise ValueError(f"unexpected {token!r}")


_OPERAND = re.compile(r"'((?:[^']|'')*)'(?::([*A-Da-d]+))?")


def weighted(tsquery: str, weights: str) -> str:
    """The tsquery's text with every word restricted to `weights` ("C": the story's text in
    the stored search vector, where the title is A and the names it mentions B)."""

    def restrict(match):
        star = "*" if match.group(2) and "*" in match.group(2) else ""
        return f"'{match.group(1)}':{star}{weights}"

    return _OPERAND.sub(restrict, tsquery)


def wanted_lexemes(tree) -> list[str]:
    """The lexemes a match can mark: every one not under a `!`."""
    if isinstance(tree, Lexeme):
        return [tree.text]
    if isinstance(tree, Phrase):
        return wanted_lexemes(tree.left) + wanted_lexemes(tree.right)
    if isinstance(tree, Both | Either):
        return [lexeme for operand in tree.operands for lexeme in wanted_lexemes(operand)]
    return []


def _occurrences(node, positions: dict[str, list[int]]) -> set[tuple[int, int]]:
    """Where `node` (a word or a phrase) occurs: (first, last) word positions."""
    if isinstance(node, Lexeme):
        return {(at, at) for at in positions.get(node.text, ())}
    if isinstance(node, Phrase):
        rights = {}
        for first, last in _occurrences(node.right, positions):
            rights.setdefault(first, []).append(last)
        return {
            (first, right_last)
            for first, last in _occurrences(node.left, positions)
            for right_last in rights.get(last + node.distance, ())
        }
    if isinstance(node, Either):
        return set().union(*(_occurrences(operand, positions) for operand in node.operands))
    # A `!` or a `&` inside a phrase: websearch_to_tsquery never writes one; mark nothing.
    return set()


def _marked(tree, positions) -> set[tuple[int, int]]:
    """Every occurrence of every word and phrase of the query outside a `!`."""
    if isinstance(tree, Not) or tree is None:
        return set()
    if isinstance(tree, Both | Either):
        return set().union(*(_marked(operand, positions) for operand in tree.operands))
    return _occurrences(tree, positions)


def word_patterns(lexemes: list[str]) -> list[str]:
    """ILIKE patterns that any word stemming to one of `lexemes` matches (its text unaccented).
    An English stem is the word's beginning but for its last letter ("tri" for "trying",
    "hope" for "hoping"): of 51,936 distinct words of the bench's stories only "dying",
    "lying" and "tying" (stems "die", "lie", "tie") escape it."""
    patterns = []
    for lexeme in lexemes:
        beginning = lexeme[:-1] if len(lexeme) > 2 else lexeme
        escaped = beginning.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        patterns.append(f"%{escaped}%")
    return patterns


# --- The texts ----------------------------------------------------------------------------

# The configuration's parser, the token types it maps (given a position) and the compound
# types: fixed by the migrations, read once per process.
_TOKEN_TYPES_SQL = """
    SELECT config.cfgparser,
           ARRAY(SELECT DISTINCT maptokentype FROM pg_ts_config_map WHERE mapcfg = config.oid),
           ARRAY(SELECT tokid FROM ts_token_type(config.cfgparser) WHERE alias = ANY(%s))
    FROM pg_ts_config AS config WHERE config.oid = %s::regconfig
"""
_token_types: dict = {}


def _parser_and_types() -> tuple[int, frozenset, frozenset]:
    key = (connection.settings_dict["NAME"], SEARCH_CONFIG)
    if key not in _token_types:
        with connection.cursor() as cursor:
            cursor.execute(_TOKEN_TYPES_SQL, [list(COMPOUND_TOKENS), SEARCH_CONFIG])
            parser, counted, compound = cursor.fetchone()
        _token_types[key] = (parser, frozenset(counted), frozenset(compound))
    return _token_types[key]


class Reader:
    """How PostgreSQL reads texts for one query: `sql` is an expression giving a text's
    tokens and where the query's lexemes stand in it (one json value, so that a page's query
    can read its texts in the same statement), and `mark` turns that into a Marked text."""

    def __init__(self, tsquery: str):
        self.tree = tsquery_tree(tsquery) if tsquery else None
        self.wanted = sorted(set(wanted_lexemes(self.tree))) if self.tree is not None else []
        self.parser, self.counted, self.compound = _parser_and_types()

    def sql(self, text: str, only_matching: bool = False) -> tuple[str, list]:
        """The expression reading the SQL expression `text` (named twice: keep it a column),
        and its parameters. `only_matching` reads nothing (NULL) of a text that holds no
        query word's beginning (see `word_patterns`), which nothing can mark."""
        sql = f"""(
            SELECT json_build_object(
                'types', parsed.types, 'tokens', parsed.tokens, 'positions', found.positions)
            FROM (
                SELECT array_agg(tokid ORDER BY i) AS types, array_agg(token ORDER BY i) AS tokens
                FROM ts_parse(%s::oid, {text}) WITH ORDINALITY AS token (tokid, token, i)
            ) AS parsed, (
                SELECT json_object_agg(words.lexeme, words.positions) AS positions
                FROM unnest(to_tsvector(%s::regconfig, {text})) AS words
                WHERE words.lexeme = ANY(%s::text[])
            ) AS found
        )"""
        parameters = [self.parser, SEARCH_CONFIG, self.wanted]
        if only_matching:
            sql = f"CASE WHEN unaccent({text}) ILIKE ANY(%s::text[]) THEN {sql} END"
            parameters = [word_patterns(self.wanted), *parameters]
        return sql, parameters

    def mark(self, text: str, reading) -> "Marked":
        if isinstance(reading, str):  # a driver that leaves json undecoded
            reading = json.loads(reading)
        reading = reading or {}
        return _marked_text(
            text,
            reading.get("types") or [],
            reading.get("tokens") or [],
            (self.counted, self.compound),
            self.tree,
            reading.get("positions") or {},
        )


@dataclass
class Marked:
    """A text with the character spans a query marks, and where its words are."""

    text: str
    spans: list[tuple[int, int]]
    # The parser's tokens: their types, texts and start offsets (compound tokens take none).
    types: list[int] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    kinds: tuple = (frozenset(), frozenset())  # the counted and the compound token types

    @cached_property
    def words(self) -> list[tuple[int, int]]:
        """The character span of each word, in order (for cutting a snippet)."""
        counted, compound = self.kinds
        return [
            (start, start + len(token))
            for kind, token, start in zip(self.types, self.tokens, self.starts, strict=True)
            if kind in counted and kind not in compound
        ]

    @property
    def html(self) -> SafeString:
        return marked_html(self.text, self.spans)

    def snippet(self, words: int = SNIPPET_WORDS, lead: int = SNIPPET_LEAD_WORDS) -> SafeString:
        """About `words` words around the first mark (the opening when nothing is marked),
        with an ellipsis where the text was cut."""
        if len(self.words) <= words + lead:
            return self.html
        first = 0
        if self.spans:
            mark_start = self.spans[0][0]
            first = next(
                (index for index, (_, end) in enumerate(self.words) if end > mark_start), 0
            )
            first = max(0, min(first - lead, len(self.words) - words))
        last = min(len(self.words), first + words) - 1
        start = 0 if first == 0 else self.words[first][0]
        end = len(self.text) if last == len(self.words) - 1 else self.words[last][1]
        html = marked_html(self.text[start:end], _clipped(self.spans, start, end))
        before = "… " if start > 0 else ""
        after = " …" if end < len(self.text) else ""
        return mark_safe(before + html + after)  # noqa: S308 - the text part is escaped


def mark_texts(texts: list[str], tsquery: str) -> list[Marked]:
    """Each text with the spans `tsquery` (the text form of the search's query) marks:
    one statement whatever the number of texts."""
    if not texts:
        return []
    reader = Reader(tsquery)
    reading, parameters = reader.sql("texts.body", only_matching=True)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {reading} FROM unnest(%s::text[]) WITH ORDINALITY AS texts (body, n) "
            "ORDER BY texts.n",
            [*parameters, texts],
        )
        readings = [row[0] for row in cursor.fetchall()]
    return [reader.mark(text, read) for text, read in zip(texts, readings, strict=True)]


def _marked_text(text, types, tokens, kinds, tree, positions) -> Marked:
    """Word positions counted as to_tsvector counts them: one for every token its
    configuration maps (stop words and compounds too), none for spaces and punctuation."""
    counted, compound = kinds
    if len(types) != len(tokens):
        return Marked(text, [])
    lengths = [
        0 if kind in compound else len(token) for kind, token in zip(types, tokens, strict=True)
    ]
    if "".join(compress(tokens, lengths)) != text:
        return Marked(text, [])  # the parser read the text otherwise: mark nothing
    starts = list(accumulate(lengths, initial=0))[:-1]
    marked = Marked(text, [], types, tokens, starts, kinds)
    matches = _marked(tree, positions)
    if matches:
        placed = [index for index, kind in enumerate(types) if kind in counted]
        spans = []
        for first, last in matches:
            if 1 <= first <= last <= len(placed):
                first_token, last_token = placed[first - 1], placed[last - 1]
                spans.append((starts[first_token], starts[last_token] + len(tokens[last_token])))
        marked.spans = _merged(spans)
    return marked


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _clipped(spans, start: int, end: int) -> list[tuple[int, int]]:
    """The spans that fall within text[start:end], counted from `start`."""
    return [
        (max(span_start, start) - start, min(span_end, end) - start)
        for span_start, span_end in spans
        if span_end > start and span_start < end
    ]


def marked_html(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """The text escaped, with each span in a <mark>: stored text is never trusted as HTML."""
    pieces, position = [], 0
    for start, end in spans:
        pieces.append(escape(text[position:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece of text is escaped


def mark_segments(title: str, paragraphs: list[list], tsquery: str) -> tuple[SafeString, int]:
    """Mark a story page: each paragraph is the list of its segments (plain text, quotes,
    links; objects with `text` and `marked`), in whatever order the page shows them. Sets
    `marked` on every segment a match touches; returns the marked title and the number of
    matches (a phrase counts once)."""
    texts = [title] + ["".join(segment.text for segment in segments) for segments in paragraphs]
    marked_title, *marked_paragraphs = mark_texts(texts, tsquery)
    for segments, marked in zip(paragraphs, marked_paragraphs, strict=True):
        start = 0
        for segment in segments:
            end = start + len(segment.text)
            spans = _clipped(marked.spans, start, end)
            if spans:
                segment.marked = marked_html(segment.text, spans)
            start = end
    count = sum(len(marked.spans) for marked in [marked_title, *marked_paragraphs])
    return marked_title.html, count
