"""Reads: every query a page needs, in one place (see ../shared/STYLE.md)."""

from django.db.models import Prefetch

from articles.models import Article, Organisation, Person, Quote


def article_list_newest(limit: int = 20):
    return list(
        Article.objects.newest_first()
        .select_related("source")
        .defer("body", "search_vector", "entity_names")[:limit]
    )


def article_detail(slug: str) -> Article:
    return (
        Article.objects.select_related("source")
        .prefetch_related(
            Prefetch("people", queryset=Person.objects.filter(not_an_entity=False)),
            Prefetch("organisations", queryset=Organisation.objects.filter(not_an_entity=False)),
            Prefetch(
                "quotes",
                queryset=Quote.objects.exclude(status=Quote.Status.REJECTED).select_related(
                    "person", "organisation"
                ),
            ),
        )
        .get(slug=slug)
    )
