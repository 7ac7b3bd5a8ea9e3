"""Slugs for stories, sources and entries: readable, unique, and never an old address."""

import re
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.text import slugify

from articles.ingest.namekeys import fold

SLUG_BASE_MAX_CHARS = 200  # leaves room for "-123" under every slug column's limit


def base_slug(text: str, fallback: str) -> str:
    """slugify(text), bounded; the fallback when nothing of the text is left. Letters that
    Unicode does not split into a letter and an accent are spelt out first: slugify would
    drop them ("Łukasz" is "lukasz", not "ukasz"; "Strauß" is "strauss")."""
    return slugify(fold(text))[:SLUG_BASE_MAX_CHARS].strip("-") or fallback


def unique_slug(model, text: str, fallback: str) -> str:
    """slugify(text), with -2, -3... when taken, also by an entity's former slugs."""
    return unique_slugs(model, [text], fallback)[0]


def unique_slugs(model, texts: list[str], fallback: str) -> list[str]:
    """One free slug for each text, distinct from each other too, in two queries for any
    number of texts (a third when a candidate was an entry's former slug): an import creates
    several entries a story and each round trip costs more than the lookup."""
    bases = [base_slug(text, fallback) for text in texts]
    stored = _slugs_taken(model, set(bases))
    former: set[str] = set()
    while True:
        taken = stored | former
        chosen = [_first_free(base, taken) for base in bases]  # each joins `taken`
        # A merged entry's old slug still redirects: never reuse it (GIN index on the array).
        found = _former_slugs_among(model, set(chosen)) - former
        if not found:
            return chosen
        former |= found


def _first_free(base: str, taken: set[str]) -> str:
    number = 1
    while (candidate := base if number == 1 else f"{base}-{number}") in taken:
        number += 1
    taken.add(candidate)
    return candidate


def _slugs_taken(model, bases: set[str]) -> set[str]:
    """The stored slugs of the form base or base-N for any of these bases."""
    # The prefix lets PostgreSQL use the slug's index; the pattern keeps "ana-pereira" out of
    # the slugs taken for "ana".
    matches = [
        Q(slug__startswith=base, slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$") for base in bases
    ]
    return set(model.objects.filter(reduce(or_, matches)).values_list("slug", flat=True))


def _former_slugs_among(model, candidates: set[str]) -> set[str]:
    if not hasattr(model, "former_slugs") or not candidates:
        return set()
    rows = model.objects.filter(former_slugs__overlap=list(candidates))
    return {slug for slugs in rows.values_list("former_slugs", flat=True) for slug in slugs}
