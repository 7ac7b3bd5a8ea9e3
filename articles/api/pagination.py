"""Cursor pagination that stays put while stories arrive.

A cursor names the last item of a page by the values of the whole sort key (keyset
pagination), never by an offset: a story stored meanwhile lands before or after that point,
so following `next` neither repeats nor skips anything. (DRF's CursorPagination keys on one
field and counts an offset among equal values, and every story of a day shares its date: an
arrival on that day would shift the offset.)

Relevance is the exception to walking the database in key order: like /search/, the API ranks
the newest `search.CANDIDATE_LIMIT` matches. Its cursor also pins the highest story id there
was when the first page was asked for (`snapshot`), so the later pages rank the same stories
whatever arrives meanwhile.
"""

import base64
import binascii
import json
import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import reduce

from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import replace_query_param

from articles import search

PAGE_SIZE = search.PAGE_SIZE
MAX_PAGE_SIZE = 100
CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"


def _integer(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("not an integer")
    return value


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a number")
    return float(value)


def _text(value):
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def _date(value):
    return date.fromisoformat(_text(value))


@dataclass(frozen=True)
class KeyField:
    lookup: str  # as for order_by and values_list: "published", "article__published", "pk"
    descending: bool
    decode: Callable  # from the cursor's JSON value; raises ValueError (or TypeError)

    def encode(self, value):
        return value.isoformat() if isinstance(value, date) else value


def integer_key(lookup, descending=False):
    return KeyField(lookup, descending, _integer)


def text_key(lookup, descending=False):
    return KeyField(lookup, descending, _text)


def date_key(lookup, descending=False):
    return KeyField(lookup, descending, _date)


def number_key(lookup, descending=False):
    return KeyField(lookup, descending, _number)


@dataclass(frozen=True)
class Ordering:
    """A total order (it ends with the primary key) that a cursor can point into."""

    name: str
    fields: tuple[KeyField, ...]

    def order_by(self, backwards=False) -> list[str]:
        return [
            ("-" if field.descending != backwards else "") + field.lookup for field in self.fields
        ]

    def after(self, position, backwards=False) -> Q:
        """Rows strictly after `position` in this order (before it, going backwards)."""
        conditions = []
        for index, field in enumerate(self.fields):
            equal = {other.lookup: position[i] for i, other in enumerate(self.fields[:index])}
            beyond = "lt" if field.descending != backwards else "gt"
            conditions.append(Q(**equal, **{f"{field.lookup}__{beyond}": position[index]}))
        return reduce(operator.or_, conditions)

    def lookups(self) -> list[str]:
        return [field.lookup for field in self.fields]


RELEVANCE = Ordering(
    "relevance",
    (number_key("rank", True), date_key("published", True), integer_key("pk")),
)


@dataclass(frozen=True)
class Cursor:
    ordering: str
    position: tuple
    backwards: bool = False
    snapshot: int | None = None

    def encode(self, ordering: Ordering) -> str:
        payload = {
            "o": self.ordering,
            "p": [
                field.encode(value)
                for field, value in zip(ordering.fields, self.position, strict=True)
            ],
        }
        if self.backwards:
            payload["b"] = 1
        if self.snapshot is not None:
            payload["s"] = self.snapshot
        text = json.dumps(payload, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _invalid(message):
    return ValidationError({CURSOR_PARAM: [message]})


def decode_cursor(text: str, ordering: Ordering) -> Cursor:
    """The cursor a page's link carried; a 400 error object for anything else."""
    try:
        padded = text + "=" * (-len(text) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise _invalid("This is not a cursor from this API: follow the `next` link.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), list):
        raise _invalid("This is not a cursor from this API: follow the `next` link.")
    if payload.get("o") != ordering.name:
        raise _invalid(
            "This cursor belongs to another order: ask for the first page again without it."
        )
    values = payload["p"]
    if len(values) != len(ordering.fields):
        raise _invalid("This is not a cursor from this API: follow the `next` link.")
    try:
        position = tuple(
            field.decode(value) for field, value in zip(ordering.fields, values, strict=True)
        )
        snapshot = payload.get("s")
        snapshot = None if snapshot is None else _integer(snapshot)
    except (ValueError, TypeError):
        raise _invalid("This is not a cursor from this API: follow the `next` link.") from None
    return Cursor(ordering.name, position, bool(payload.get("b")), snapshot)


@dataclass
class PageRequest:
    size: int
    cursor_text: str | None

    def cursor(self, ordering: Ordering) -> Cursor | None:
        return decode_cursor(self.cursor_text, ordering) if self.cursor_text else None


def page_request(request) -> PageRequest:
    """`page_size` (1 to MAX_PAGE_SIZE, PAGE_SIZE by default) and `cursor`, validated."""
    raw = request.query_params.get(PAGE_SIZE_PARAM)
    size = PAGE_SIZE
    if raw not in (None, ""):
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ValidationError(
                {PAGE_SIZE_PARAM: [f"Choose a page size from 1 to {MAX_PAGE_SIZE}."]}
            )
    if "page" in request.query_params:
        raise ValidationError(
            {"page": ["The API pages with cursors: follow the `next` link of each page."]}
        )
    return PageRequest(size, request.query_params.get(CURSOR_PARAM) or None)


@dataclass
class Page:
    ids: list[int]
    next: Cursor | None
    previous: Cursor | None


def _links(ordering, rows, cursor, has_more, snapshot=None):
    """(next, previous) cursors for a page of rows (each row its key values) in display
    order."""

    def at(position, backwards=False):
        return Cursor(ordering.name, tuple(position), backwards, snapshot)

    if cursor is None or not cursor.backwards:
        following = at(rows[-1]) if has_more else None
        if cursor is None:
            preceding = None
        else:
            preceding = at(rows[0] if rows else cursor.position, backwards=True)
    else:
        preceding = at(rows[0], backwards=True) if has_more else None
        # Going back, the page we came from follows.
        following = at(rows[-1] if rows else cursor.position)
    return following, preceding


def keyset_page(queryset, ordering: Ordering, cursor: Cursor | None, size: int) -> Page:
    """A page of ids from the database in `ordering`, after (or before) the cursor."""
    backwards = bool(cursor and cursor.backwards)
    if cursor is not None:
        queryset = queryset.filter(ordering.after(cursor.position, backwards))
    rows = list(
        queryset.order_by(*ordering.order_by(backwards)).values_list(*ordering.lookups())[
            : size + 1
        ]
    )
    has_more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    following, preceding = _links(ordering, rows, cursor, has_more)
    return Page([row[-1] for row in rows], following, preceding)


def _relevance_key(rank, published, pk):
    return (-rank, -published.toordinal(), pk)


def ranked_page(candidates: search.Candidates, cursor: Cursor | None, size: int, snapshot: int):
    """A page of the ranked candidates (already in relevance order), after the cursor."""
    rows = [(row.rank, row.published, row.pk) for row in candidates.rows]
    keys = [_relevance_key(*row) for row in rows]
    if cursor is None:
        start, end = 0, size
    elif cursor.backwards:
        end = bisect_left(keys, _relevance_key(*cursor.position))
        start = max(0, end - size)
    else:
        start = bisect_right(keys, _relevance_key(*cursor.position))
        end = start + size
    page = rows[start:end]
    has_more = start > 0 if cursor and cursor.backwards else end < len(rows)
    following, preceding = _links(RELEVANCE, page, cursor, has_more, snapshot)
    return Page([row[-1] for row in page], following, preceding)


def link(request, ordering: Ordering, cursor: Cursor | None) -> str | None:
    if cursor is None:
        return None
    url = request.build_absolute_uri()
    return replace_query_param(url, CURSOR_PARAM, cursor.encode(ordering))
