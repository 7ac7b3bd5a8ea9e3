"""The seed-format parser: text in, a ParsedArticle or a ParseError naming the line.

The format (../shared/DESIGN.md, "The input"): line 1 the title, line 2 the date as YYYYMMDD,
line 3 the source URL, then one paragraph a line. Pure Python: no Django here.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import SplitResult, urlsplit, urlunsplit

from ftfy import TextFixerConfig, fix_text

TITLE_MAX_CHARS = 500  # Article.title
URL_MAX_CHARS = 2000  # Article.url

# Query parameters that identify a campaign or a click, not the story.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "mkt_tok",
        "ref_src",
        "smid",
    }
)
TRACKING_PREFIXES = ("utm_",)
DEFAULT_PORTS = {"http": 80, "https": 443}
# PostgreSQL text cannot hold NUL, and other C0 controls mean the file is not prose.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
WHITESPACE = re.compile(r"\s")
HOST_PATTERN = re.compile(r"^(?:[\w-]+\.)*[\w-]+\.?$|^\[[0-9a-f:.]+\]$")
# Mojibake only: UTF-8 text that was decoded as Windows-1252 or Latin-1 somewhere upstream
# ("DonÃ¢â‚¬â„¢t") is decoded back ("Don’t"). Curly quotes, full-width letters, ligatures,
# HTML entities and Unicode normal forms are left as the file wrote them.
# That mojibake always shows a UTF-8 lead byte (Â to ô) read as a character, followed by a
# continuation byte (0x80 to 0xBF) read as one: lines without such a pair are left unread by
# ftfy, which took 2.5 s of the 2.8 s that parsing 5,000 corpus stories cost.
MOJIBAKE_SIGN = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
    "\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030"
    "\u2039\u203a\u20ac\u2122]"
)
MOJIBAKE_ONLY = TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


class ParseError(ValueError):
    """A file that breaks the seed format, with the file name, the line and the reason."""

    def __init__(self, reason: str, *, filename: str = "<input>", line: int | None = None):
        self.filename = filename
        self.line = line
        self.reason = reason
        super().__init__(str(self))

    def __str__(self):
        where = self.filename if self.line is None else f"{self.filename}, line {self.line}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ParsedArticle:
    title: str
    published: date
    url: str  # normalised: the article's identity
    source_domain: str
    paragraphs: tuple[str, ...]
    content_hash: str
    # Lines of the file (1 is the title) whose mojibake was repaired.
    repaired_lines: tuple[int, ...] = ()

    @property
    def body(self) -> str:
        return "\n".join(self.paragraphs)


def _shown(value: str, limit: int = 80) -> str:
    """A value quoted for an error message, cut short when long."""
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return f"'{value}'"


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, drop the fragment, tracking parameters and default port.

    Raises ValueError when `url` is not an absolute http(s) URL.
    """
    parts = _split_url(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError("expected an http(s) URL")
    netloc = _netloc(parts, scheme)
    return urlunsplit((scheme, netloc, parts.path or "/", _without_tracking(parts.query), ""))


def _split_url(url: str) -> SplitResult:
    """The URL's parts; ValueError for spaces or a malformed host, which urlsplit lets through
    or reports in its own words."""
    if WHITESPACE.search(url):
        raise ValueError("a URL cannot contain spaces")
    try:
        return urlsplit(url)
    except ValueError:  # a malformed IPv6 host such as "http://[::1"
        raise ValueError("the URL's host name is malformed") from None


def _netloc(parts: SplitResult, scheme: str) -> str:
    """The lower-cased host, with the port unless it is the scheme's default. Any
    user:password@ is dropped: it is not part of the story's identity."""
    host = (parts.hostname or "").lower()
    if not host or not HOST_PATTERN.match(host):
        raise ValueError("expected an http(s) URL with a host name")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the URL's port is not a number from 0 to 65535") from None
    return host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"


def _without_tracking(query: str) -> str:
    """The query without tracking parameters. The raw query is filtered, not parsed and
    re-encoded, so the kept parameters keep their exact encoding."""
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])]
    return "&".join(kept)


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMETERS or key.startswith(TRACKING_PREFIXES)


def source_domain(normalised_url: str) -> str:
    host = urlsplit(normalised_url).hostname or ""
    return host.removeprefix("www.").rstrip(".")


def content_hash(title: str, published: date, url: str, paragraphs: tuple[str, ...]) -> str:
    # No field can contain "\n", so joining with it is unambiguous.
    text = "\n".join([title, published.isoformat(), url, *paragraphs])
    return hashlib.sha256(text.encode()).hexdigest()


def _decode(raw: bytes, filename: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ParseError(
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} at position "
            f"{error.start}); save it as UTF-8",
            filename=filename,
            line=line,
        ) from None


def _parse_date(value: str, filename: str) -> date:
    reason = f"expected a date as YYYYMMDD, got {_shown(value)}"
    if not re.fullmatch(r"[0-9]{8}", value):
        raise ParseError(reason, filename=filename, line=2)
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:  # 20211340, 00000000: eight digits but not a real day
        raise ParseError(f"{reason}, which is not a real date", filename=filename, line=2) from None


def parse(
    raw: bytes | str, *, filename: str = "<input>", max_bytes: int = 2 * 1024 * 1024
) -> ParsedArticle:
    """Parse one story in the seed format; raise ParseError for anything else."""
    _check_size(raw, filename, max_bytes)
    lines, repaired_lines = _mojibake_repaired(_lines(_text(raw, filename), filename))
    title = _parse_title(lines[0], filename)
    if len(lines) < 2:
        raise ParseError(
            "expected a date as YYYYMMDD, found the end of the file", filename=filename, line=2
        )
    published = _parse_date(lines[1], filename)
    url = _parse_url(lines, filename)
    paragraphs = _paragraphs(lines, filename)
    return ParsedArticle(
        title=title,
        published=published,
        url=url,
        source_domain=source_domain(url),
        paragraphs=paragraphs,
        content_hash=content_hash(title, published, url, paragraphs),
        repaired_lines=repaired_lines,
    )


def _check_size(raw: bytes | str, filename: str, max_bytes: int) -> None:
    """Refuse a file over `max_bytes` (counted as UTF-8) before reading any of it."""
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ParseError(
            f"the file is {size:,} bytes, over the limit of {max_bytes:,} bytes",
            filename=filename,
        )


def _text(raw: bytes | str, filename: str) -> str:
    """The file as text without a byte-order mark; ParseError when it is not valid Unicode,
    which PostgreSQL could not store."""
    text = _decode(raw, filename) if isinstance(raw, bytes) else raw.removeprefix("\ufeff")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a str carrying lone surrogates
        raise ParseError("the text is not valid Unicode", filename=filename) from None
    return text


def _lines(text: str, filename: str) -> list[str]:
    """The stripped lines of any line ending, trailing blank lines dropped; ParseError for an
    empty file or a control character (the file is not prose)."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    if not lines:
        raise ParseError("the file is empty", filename=filename)
    if not CONTROL_CHARACTERS.search(text):
        return lines
    for number, line in enumerate(lines, start=1):
        control = CONTROL_CHARACTERS.search(line)
        if control:
            raise ParseError(
                f"contains the control character U+{ord(control.group()):04X}; "
                "is this a text file?",
                filename=filename,
                line=number,
            )
    return lines


def _parse_title(title: str, filename: str) -> str:
    """Line 1: a title that is there and fits `Article.title`."""
    if not title:
        raise ParseError("expected the title, found a blank line", filename=filename, line=1)
    if len(title) > TITLE_MAX_CHARS:
        raise ParseError(
            f"the title is {len(title)} characters long, over the limit of {TITLE_MAX_CHARS}",
            filename=filename,
            line=1,
        )
    return title


def _parse_url(lines: list[str], filename: str) -> str:
    """Line 3: the story's URL, normalised (`normalise_url`), which must fit `Article.url`."""
    if len(lines) < 3 or not lines[2]:
        found = "the end of the file" if len(lines) < 3 else "a blank line"
        raise ParseError(f"expected the story's URL, found {found}", filename=filename, line=3)
    if len(lines[2]) > URL_MAX_CHARS:
        raise ParseError(
            f"the URL is over the limit of {URL_MAX_CHARS} characters", filename=filename, line=3
        )
    try:
        return normalise_url(lines[2])
    except ValueError as error:
        raise ParseError(f"{error}, got {_shown(lines[2])}", filename=filename, line=3) from None


def _paragraphs(lines: list[str], filename: str) -> tuple[str, ...]:
    """Line 4 on: the non-blank lines, at least one."""
    paragraphs = tuple(line for line in lines[3:] if line)
    if not paragraphs:
        raise ParseError(
            "expected at least one paragraph after the URL, found none", filename=filename, line=4
        )
    return paragraphs


def _mojibake_repaired(lines: list[str]) -> tuple[list[str], tuple[int, ...]]:
    """The lines with mojibake repaired in the title and paragraphs (MOJIBAKE_ONLY; the date
    and URL lines are checked as written), and the numbers of the lines changed."""
    repaired, changed = [], []
    for number, line in enumerate(lines, start=1):
        prose = number == 1 or number > 3
        garbled = prose and not line.isascii() and MOJIBAKE_SIGN.search(line)
        fixed = fix_text(line, MOJIBAKE_ONLY) if garbled else line
        if fixed != line:
            changed.append(number)
        repaired.append(fixed)
    return repaired, tuple(changed)
