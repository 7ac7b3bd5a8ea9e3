"""Template helpers for the archive: search URLs that add or remove one filter, numbers, and
the server-rendered timeline chart."""

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


def _with(params: QueryDict, drop_page: bool = True) -> QueryDict:
    # QueryDict.copy() deep-copies; a page builds dozens of these links.
    copied = QueryDict(mutable=True)
    for key, values in params.lists():
        copied.setlist(key, list(values))
    params = copied
    if drop_page:
        params.pop("page", None)
    return params


def _encode(params: QueryDict) -> str:
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def url_add(params, name, value):
    """This search with one more value for a repeatable filter, back on page 1."""
    params = _with(params)
    values = params.getlist(name)
    if str(value) not in values:
        params.setlist(name, [*values, str(value)])
    return _encode(params)


@register.simple_tag
def url_remove(params, name, value=None):
    """This search without one value of a filter (or without the filter at all)."""
    params = _with(params)
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != str(value)])
    return _encode(params)


@register.simple_tag
def url_set(params, name, value, *more):
    """This search with `name` set to `value` (pairs may follow), back on page 1."""
    params = _with(params)
    pairs = [name, value, *more]
    for key, val in zip(pairs[::2], pairs[1::2], strict=True):
        if val in (None, ""):
            params.pop(key, None)
        else:
            params[key] = str(val)
    return _encode(params)


@register.simple_tag
def url_page(params, number):
    params = _with(params, drop_page=False)
    if int(number) <= 1:
        params.pop("page", None)
    else:
        params["page"] = str(number)
    return _encode(params)


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
