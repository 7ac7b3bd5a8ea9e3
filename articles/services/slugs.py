"""Slugs for stories, sources and entries: readable, unique, and never an old address."""

import re

from django.utils.text import slugify

SLUG_BASE_MAX_CHARS = 200  # leaves room for "-123" under every slug column's limit


def unique_slug(model, text: str, fallback: str) -> str:
    """slugify(text), with -2, -3... when taken, also by an entity's former slugs."""
    base = slugify(text)[:SLUG_BASE_MAX_CHARS].strip("-") or fallback
    pattern = re.compile(rf"^{re.escape(base)}(-[0-9]+)?$")
    # A prefix match can use the slug's index; the exact pattern is checked here.
    taken = {
        slug
        for slug in model.objects.filter(slug__startswith=base).values_list("slug", flat=True)
        if pattern.match(slug)
    }
    number = 1
    while True:
        candidate = base if number == 1 else f"{base}-{number}"
        # A merged entry's old slug still redirects: never reuse it (GIN index on the array).
        if candidate not in taken and not (
            hasattr(model, "former_slugs")
            and model.objects.filter(former_slugs__contains=[candidate]).exists()
        ):
            return candidate
        number += 1
