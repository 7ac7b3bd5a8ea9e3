"""Template helpers for the archive: search URLs that add or remove one filter, numbers, and
the server-rendered timeline chart."""

from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

# The timeline's drawing area, in SVG user units.
CHART_WIDTH = 720
CHART_HEIGHT = 140
AXIS_HEIGHT = 22
LEFT_MARGIN = 36


class _Links:
    """One search's parameters, each encoded once, so that the dozens of links a page builds
    (facets, chips, sorts, pages, timeline rows) only join prepared pieces. The output is
    exactly QueryDict.urlencode() of the changed copy: keys keep their place, a key set anew
    goes last."""

    def __init__(self, params):
        self.encoding = getattr(params, "encoding", None) or "utf-8"
        self.keys = []
        self.values = {}
        self.encoded = {}
        for key, values in params.lists():
            self.keys.append(key)
            self.values[key] = [str(value) for value in values]
            self.encoded[key] = self._encode_values(key, self.values[key])

    def _encode_values(self, key, values):
        key_bytes = key.encode(self.encoding)
        return [urlencode({key_bytes: value.encode(self.encoding)}) for value in values]

    def build(self, changes, drop_page=True):
        """`changes`: {key: [values] or None to drop}, applied in order."""
        parts = []
        for key in self.keys:
            if drop_page and key == "page":
                continue
            if key in changes:
                values = changes[key]
                if values:
                    parts.extend(self._encode_values(key, values))
            else:
                parts.extend(self.encoded[key])
        for key, values in changes.items():
            if key not in self.values and values:
                parts.extend(self._encode_values(key, values))
        return "?" + "&".join(parts)


def _links(params) -> _Links:
    # request.GET is immutable: its prepared links can be kept on it for the whole render.
    if isinstance(params, QueryDict) and not params._mutable:
        links = getattr(params, "_archive_links", None)
        if links is None:
            links = params._archive_links = _Links(params)
        return links
    return _Links(params)


@register.simple_tag
def url_add(params, name, value):
    """This search with one more value for a repeatable filter, back on page 1."""
    links = _links(params)
    values = links.values.get(name, [])
    if str(value) in values:
        return links.build({})
    return links.build({name: [*values, str(value)]})


@register.simple_tag
def url_remove(params, name, value=None):
    """This search without one value of a filter (or without the filter at all)."""
    links = _links(params)
    if value is None:
        return links.build({name: None})
    return links.build({name: [v for v in links.values.get(name, []) if v != str(value)]})


@register.simple_tag
def url_set(params, name, value, *more):
    """This search with `name` set to `value` (pairs may follow), back on page 1."""
    pairs = [name, value, *more]
    changes = {}
    for key, val in zip(pairs[::2], pairs[1::2], strict=True):
        changes.pop(key, None)
        changes[key] = None if val in (None, "") else [str(val)]
    return _links(params).build(changes)


@register.simple_tag
def url_page(params, number):
    return _links(params).build(
        {"page": None if int(number) <= 1 else [str(number)]}, drop_page=False
    )


@register.filter
def thousands(number):
    try:
        return f"{int(number):,}"
    except (TypeError, ValueError):
        return number


@register.filter
def contains(values, value):
    return value in (values or [])


@register.simple_tag
def page_window(page_number, num_pages, around=2):
    """Page numbers to offer: the first, the last and a few around the current one; None
    stands for a gap."""
    wanted = {1, num_pages, *range(page_number - around, page_number + around + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= num_pages)
    window, previous = [], 0
    for n in numbers:
        if n - previous > 1:
            window.append(None)
        window.append(n)
        previous = n
    return window


@register.inclusion_tag("articles/includes/timeline.html")
def timeline_chart(buckets, unit, caption, link_params=None, link_path=""):
    """Bars for stories per month (or year), sized on the server; no script involved."""
    peak = max((bucket.count for bucket in buckets), default=0)
    total = sum(bucket.count for bucket in buckets)
    slot = (CHART_WIDTH - LEFT_MARGIN) / max(len(buckets), 1)
    gap = 1 if slot > 3 else 0
    bars = []
    for index, bucket in enumerate(buckets):
        height = 0 if not peak else max(1, round(bucket.count / peak * CHART_HEIGHT))
        bars.append(
            {
                "bucket": bucket,
                "x": round(LEFT_MARGIN + index * slot, 2),
                "y": CHART_HEIGHT - height,
                "width": round(max(slot - gap, 0.5), 2),
                "height": height if bucket.count else 0,
            }
        )
    # A handful of axis labels, evenly spread, so they never collide.
    label_every = max(1, -(-len(buckets) // 6))
    labels = [
        {"x": bar["x"] + bar["width"] / 2, "text": bar["bucket"].label}
        for index, bar in enumerate(bars)
        if index % label_every == 0
    ]
    busiest = max(buckets, key=lambda bucket: bucket.count) if buckets else None
    # Built here rather than in the template: a long timeline has hundreds of localised numbers,
    # dates and links, which the template language renders slowly. Every value is a number or
    # a label made from a date, escaped all the same.
    bars_svg = mark_safe(  # noqa: S308 - numbers and escaped labels only
        "".join(
            f'<rect x="{bar["x"]:.2f}" y="{bar["y"]}" width="{bar["width"]:.2f}" '
            f'height="{bar["height"]}" class="bar"><title>{escape(bar["bucket"].label)}: '
            f"{thousands(bar['bucket'].count)}</title></rect>"
            for bar in bars
        )
    )
    table_rows = [
        {
            "label": bucket.label,
            "count": thousands(bucket.count),
            "url": None
            if link_params is None
            else link_path
            + url_set(
                link_params,
                "from",
                bucket.start.isoformat(),
                "to",
                bucket.end.isoformat(),
                "year",
                "",
            ),
        }
        for bucket in buckets
        if bucket.count
    ]
    return {
        "bars": bars,
        "bars_svg": bars_svg,
        "table_rows": table_rows,
        "labels": [{"x": f"{label['x']:.2f}", "text": label["text"]} for label in labels],
        "unit": unit,
        "caption": caption,
        "peak": peak,
        "total": total,
        "busiest": busiest,
        "first": buckets[0] if buckets else None,
        "last": buckets[-1] if buckets else None,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT + AXIS_HEIGHT,
        "plot_height": CHART_HEIGHT,
        "left": LEFT_MARGIN,
        "label_right": LEFT_MARGIN - 4,
        "label_baseline": CHART_HEIGHT + AXIS_HEIGHT - 4,
        "link_params": link_params,
        "link_path": link_path,
        "chart_id": f"timeline-{abs(hash((caption, total, len(buckets)))) % 10**8}",
    }


@register.filter
def getlist(params, name):
    """All values of a repeatable parameter (a QueryDict, or an empty dict when unbound)."""
    if hasattr(params, "getlist"):
        return params.getlist(name)
    value = (params or {}).get(name)
    return [value] if value else []
