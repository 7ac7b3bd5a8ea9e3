"""The JSON API under /api/: thin read-only views.

Each list validates its parameters with the FilterSet of the page it mirrors
(`ArticleSearchFilter` for /search/, `EntityListFilter`, `QuoteFilter`), reads a page through
`articles.search` and `pagination`, and serialises it. Every statement runs under the search
time limit. Invalid parameters answer 400 with the error object of `errors.py`.
"""

from contextlib import contextmanager

from django.db.models import Max, Prefetch, Q
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from articles import search, selectors
from articles.api import pagination, serializers
from articles.api.errors import SearchTimeout, error_response, form_errors
from articles.api.limits import allow_cross_origin, read_only_cors
from articles.api.pagination import Ordering, date_key, integer_key, text_key
from articles.filters import (
    MAX_ENTITY_FILTERS,
    MAX_QUERY_LENGTH,
    ArticleSearchFilter,
    EntityListFilter,
    QuoteFilter,
)
from articles.models import (
    Article,
    OrganisationMention,
    PersonMention,
    Quote,
    Source,
)

ARTICLE_ORDERINGS = {
    "relevance": pagination.RELEVANCE,
    "newest": Ordering("newest", (date_key("published", True), integer_key("pk", True))),
    "oldest": Ordering("oldest", (date_key("published"), integer_key("pk"))),
}
BY_NAME = Ordering("name", (text_key("name"), integer_key("pk")))
# As /quotes/ lists them: newest story first, then in reading order.
QUOTES_NEWEST = Ordering(
    "newest",
    (
        date_key("article__published", True),
        integer_key("article_id", True),
        integer_key("paragraph"),
        integer_key("start"),
        integer_key("pk"),
    ),
)


# --- Parameters, as the schema documents them ---------------------------------------------

SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
        description=(
            "Words to find, as on the search page: stemmed and accent-blind; "
            '`"a phrase"`, `water or drought`, `ministry -health`.'
        ),
    ),
    OpenApiParameter(
        "person",
        {"type": "array", "items": {"type": "string"}, "maxItems": MAX_ENTITY_FILTERS},
        explode=True,
        description="A person's slug (see /api/people/); repeat it for several: every one "
        "must be named in the story.",
    ),
    OpenApiParameter(
        "organisation",
        {"type": "array", "items": {"type": "string"}, "maxItems": MAX_ENTITY_FILTERS},
        explode=True,
        description="An organisation's slug (see /api/organisations/); repeatable, like `person`.",
    ),
    OpenApiParameter("source", str, description="A source's slug (see /api/sources/)."),
    OpenApiParameter("from", OpenApiTypes.DATE, description="Published on or after."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Published on or before."),
    OpenApiParameter(
        "year", {"type": "integer", "minimum": 1000, "maximum": 9999}, description="A year."
    ),
    OpenApiParameter(
        "sort",
        str,
        enum=["relevance", "newest", "oldest"],
        description="`relevance` (the default with `q`; it ranks the newest "
        f"{search.CANDIDATE_LIMIT:,} matches, as the search page does), `newest` (the "
        "default without `q`) or `oldest`: these two page through every match.",
    ),
]
PAGE_PARAMETERS = [
    OpenApiParameter(
        pagination.CURSOR_PARAM,
        str,
        description="Where a page starts: take it from the `next` or `previous` link.",
    ),
    OpenApiParameter(
        pagination.PAGE_SIZE_PARAM,
        {"type": "integer", "minimum": 1, "maximum": pagination.MAX_PAGE_SIZE},
        description=f"Items a page (default {pagination.PAGE_SIZE}).",
    ),
]
ERRORS = {
    400: OpenApiResponse(serializers.ErrorSerializer, "Invalid parameters."),
    429: OpenApiResponse(
        serializers.ErrorSerializer, "Too many requests: wait for the seconds in Retry-After."
    ),
}
SEARCH_ERRORS = {
    **ERRORS,
    503: OpenApiResponse(
        serializers.ErrorSerializer, "Too broad to finish in time: narrow the search."
    ),
}
SLUG_PARAMETER = OpenApiParameter(
    "slug", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, OpenApiParameter.PATH
)
NOT_FOUND = {
    404: OpenApiResponse(serializers.ErrorSerializer, "Nothing is filed at this address."),
    429: ERRORS[429],
}


def empty_means_absent(result, generator, request, public):
    """Schema hook (SPECTACULAR_SETTINGS): an optional query parameter sent empty (`year=`)
    counts as not sent, as a field left empty in the search form does."""
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


# --- Shared ------------------------------------------------------------------------------


class ArchiveView(APIView):
    """Read-only and anonymous; rate-limited per client (settings); any origin may read."""

    http_method_names = ["get", "head", "options"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        allow_cross_origin(response, preflight=request.method == "OPTIONS")
        response["X-Robots-Tag"] = "noindex"
        return response

    def context(self):
        return {"request": self.request}

    def page_response(self, page, ordering, serializer_class, items, **extra):
        return Response(
            {
                **extra,
                "next": pagination.link(self.request, ordering, page.next),
                "previous": pagination.link(self.request, ordering, page.previous),
                "results": serializer_class(items, many=True, context=self.context()).data,
            }
        )


def validated(filterset_class, request, queryset):
    filterset = filterset_class(request.query_params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(form_errors(filterset))
    return filterset


@contextmanager
def search_time():
    """The search time limit of /search/ for the statements inside; 503 past it."""
    try:
        with search.time_limit(search.search_timeout_ms()):
            yield
    except search.SearchTooSlow:
        raise SearchTimeout from None


def in_order(objects: dict, ids: list[int]) -> list:
    return [objects[pk] for pk in ids if pk in objects]


# --- Articles ----------------------------------------------------------------------------


def articles_with_actors(queryset):
    """Stories with the people and organisations they name (most named first, leaving out
    what editors marked "not an entity") and their quotes in reading order (rejected ones
    left out), in four queries whatever the number of stories."""
    return queryset.select_related("source").prefetch_related(
        Prefetch(
            "person_mentions",
            queryset=PersonMention.objects.filter(person__not_an_entity=False)
            .select_related("person")
            .only("article_id", "count", "person__name", "person__slug")
            .order_by("-count", "person__name"),
            to_attr="named_people",
        ),
        Prefetch(
            "organisation_mentions",
            queryset=OrganisationMention.objects.filter(organisation__not_an_entity=False)
            .select_related("organisation")
            .only("article_id", "count", "organisation__name", "organisation__slug")
            .order_by("-count", "organisation__name"),
            to_attr="named_organisations",
        ),
        Prefetch(
            "quotes",
            queryset=Quote.objects.exclude(status=Quote.Status.REJECTED)
            .select_related("person", "organisation")
            .order_by("paragraph", "start", "pk"),
            to_attr="shown_quotes",
        ),
    )


def latest_article_id() -> int:
    return Article.objects.aggregate(latest=Max("pk"))["latest"] or 0


class ArticleList(ArchiveView):
    @extend_schema(
        operation_id="articles_search",
        summary="Search stories",
        description=(
            "The stories /search/ finds for the same parameters, in the same order, with "
            "the people and organisations they name and their quotes. Page through them by "
            "following `next`: pages stay put while stories arrive."
        ),
        parameters=[*SEARCH_PARAMETERS, *PAGE_PARAMETERS],
        responses={200: serializers.ArticlePageSerializer, **SEARCH_ERRORS},
    )
    def get(self, request):
        filterset = validated(ArticleSearchFilter, request, Article.objects.all())
        paging = pagination.page_request(request)
        queryset = filterset.qs  # parses the query
        query = filterset.parsed_query.query
        sort = search.resolve_sort(filterset.form.cleaned_data.get("sort"), query)
        ordering = ARTICLE_ORDERINGS[sort]
        cursor = paging.cursor(ordering)
        with search_time():
            if sort == "relevance":
                snapshot = cursor.snapshot if cursor and cursor.snapshot else latest_article_id()
                candidates = search.candidates_for(queryset.filter(pk__lte=snapshot), query, sort)
                page = pagination.ranked_page(candidates, cursor, paging.size, snapshot)
            else:
                page = pagination.keyset_page(queryset, ordering, cursor, paging.size)
            stories = articles_with_actors(Article.objects.filter(pk__in=page.ids)).defer(
                "body", "entity_names", "search_vector"
            )
            stories = in_order(stories.in_bulk(), page.ids)
        notes = []
        if filterset.parsed_query.only_stop_words:
            notes.append(
                f"“{filterset.parsed_query.text}” has only very common words or punctuation, "
                "which the search ignores: these are all the stories the other parameters match."
            )
        return self.page_response(
            page, ordering, serializers.ArticleSerializer, stories, sort=sort, notes=notes
        )


class ArticleDetail(ArchiveView):
    @extend_schema(
        operation_id="articles_retrieve",
        parameters=[SLUG_PARAMETER],
        summary="A story",
        description="A story with its text, its people and organisations, and its quotes.",
        responses={200: serializers.ArticleDetailSerializer, **NOT_FOUND},
    )
    def get(self, request, slug):
        story = (
            articles_with_actors(Article.objects.filter(slug=slug))
            .defer("entity_names", "search_vector")
            .first()
        )
        if story is None:
            raise NotFound("No story at this address.")
        return Response(serializers.ArticleDetailSerializer(story, context=self.context()).data)


# --- People and organisations ------------------------------------------------------------


class EntityList(ArchiveView):
    kind: selectors.EntityKind
    serializer_class: type

    def get(self, request):
        visible = self.kind.model.objects.filter(not_an_entity=False, article_count__gt=0)
        filterset = validated(EntityListFilter, request, visible)
        paging = pagination.page_request(request)
        cursor = paging.cursor(BY_NAME)
        with search_time():
            page = pagination.keyset_page(filterset.qs, BY_NAME, cursor, paging.size)
            entities = in_order(self.kind.model.objects.in_bulk(page.ids), page.ids)
        return self.page_response(page, BY_NAME, self.serializer_class, entities)


class EntityDetail(ArchiveView):
    kind: selectors.EntityKind
    serializer_class: type
    url_name: str

    def get(self, request, slug):
        entity, merged_into = selectors.entity_by_slug(self.kind, slug)
        if entity is None:
            if merged_into is None:
                raise NotFound(f"No {self.kind.noun} at this address.")
            return HttpResponsePermanentRedirect(reverse(self.url_name, args=[merged_into.slug]))
        return Response(self.serializer_class(entity, context=self.context()).data)


ENTITY_NAME_PARAMETER = OpenApiParameter(
    "q", str, description="Part of a name, an alias or a spelling seen in a story."
)


def _entity_schema(noun, plural, page_serializer, serializer):
    listing = extend_schema(
        operation_id=f"{plural}_list",
        summary=f"{plural.capitalize()}, by name",
        description=(
            f"Every {noun} named in a story, by name (a stable order for paging), with how "
            f"many stories name them; `q` finds names as /{plural}/ does."
        ),
        parameters=[ENTITY_NAME_PARAMETER, *PAGE_PARAMETERS],
        responses={200: page_serializer, **SEARCH_ERRORS},
    )
    detail = extend_schema(
        operation_id=f"{plural}_retrieve",
        parameters=[SLUG_PARAMETER],
        summary=f"A {noun}",
        description=(
            f"A {noun} by slug. The slug of an entry merged into another redirects (301) to "
            "the one it joined."
        ),
        responses={200: serializer, 301: None, **NOT_FOUND},
    )
    return listing, detail


_person_list_schema, _person_schema = _entity_schema(
    "person", "people", serializers.PersonPageSerializer, serializers.PersonSerializer
)
_organisation_list_schema, _organisation_schema = _entity_schema(
    "organisation",
    "organisations",
    serializers.OrganisationPageSerializer,
    serializers.OrganisationSerializer,
)


class PersonList(EntityList):
    kind = selectors.PERSON
    serializer_class = serializers.PersonSerializer

    @_person_list_schema
    def get(self, request):
        return super().get(request)


class PersonDetail(EntityDetail):
    kind = selectors.PERSON
    serializer_class = serializers.PersonSerializer
    url_name = "api:person-detail"

    @_person_schema
    def get(self, request, slug):
        return super().get(request, slug)


class OrganisationList(EntityList):
    kind = selectors.ORGANISATION
    serializer_class = serializers.OrganisationSerializer

    @_organisation_list_schema
    def get(self, request):
        return super().get(request)


class OrganisationDetail(EntityDetail):
    kind = selectors.ORGANISATION
    serializer_class = serializers.OrganisationSerializer
    url_name = "api:organisation-detail"

    @_organisation_schema
    def get(self, request, slug):
        return super().get(request, slug)


# --- Quotes ------------------------------------------------------------------------------


def shown_quotes():
    """Quotes as /quotes/ lists them: not rejected, and not said by something an editor
    marked "not an entity"."""
    return Quote.objects.exclude(status=Quote.Status.REJECTED).exclude(
        Q(person__not_an_entity=True) | Q(organisation__not_an_entity=True)
    )


def quotes_with_stories(queryset):
    return queryset.select_related("person", "organisation", "article__source").defer(
        "search_vector",
        "article__body",
        "article__entity_names",
        "article__search_vector",
    )


class QuoteList(ArchiveView):
    @extend_schema(
        operation_id="quotes_list",
        summary="Quotes",
        description="Who said what, as /quotes/ lists it: newest story first, then in "
        "reading order.",
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                description="Words in the quote (as `q` of the search).",
            ),
            OpenApiParameter("person", str, description="Said by this person (a slug)."),
            OpenApiParameter(
                "organisation", str, description="Said by this organisation (a slug)."
            ),
            OpenApiParameter(
                "speaker",
                str,
                description="Part of the speaker's name or of the words the story uses for them.",
            ),
            *PAGE_PARAMETERS,
        ],
        responses={200: serializers.QuotePageSerializer, **SEARCH_ERRORS},
    )
    def get(self, request):
        filterset = validated(QuoteFilter, request, shown_quotes())
        paging = pagination.page_request(request)
        cursor = paging.cursor(QUOTES_NEWEST)
        with search_time():
            page = pagination.keyset_page(filterset.qs, QUOTES_NEWEST, cursor, paging.size)
            quotes = in_order(
                quotes_with_stories(Quote.objects.filter(pk__in=page.ids)).in_bulk(), page.ids
            )
        return self.page_response(page, QUOTES_NEWEST, serializers.QuoteSerializer, quotes)


class QuoteDetail(ArchiveView):
    @extend_schema(
        operation_id="quotes_retrieve",
        parameters=[
            OpenApiParameter(
                "quote_id",
                {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                OpenApiParameter.PATH,
            )
        ],
        summary="A quote",
        responses={200: serializers.QuoteSerializer, **NOT_FOUND},
    )
    def get(self, request, quote_id):
        found = quotes_with_stories(shown_quotes().filter(pk=quote_id)).first()
        if found is None:
            raise NotFound("No quote at this address.")
        return Response(serializers.QuoteSerializer(found, context=self.context()).data)


# --- Sources -----------------------------------------------------------------------------


class SourceList(ArchiveView):
    @extend_schema(
        operation_id="sources_list",
        summary="Sources, by name",
        parameters=PAGE_PARAMETERS,
        responses={200: serializers.SourcePageSerializer, **ERRORS},
    )
    def get(self, request):
        paging = pagination.page_request(request)
        cursor = paging.cursor(BY_NAME)
        page = pagination.keyset_page(Source.objects.all(), BY_NAME, cursor, paging.size)
        sources = in_order(Source.objects.in_bulk(page.ids), page.ids)
        return self.page_response(page, BY_NAME, serializers.SourceSerializer, sources)


class SourceDetail(ArchiveView):
    @extend_schema(
        operation_id="sources_retrieve",
        parameters=[SLUG_PARAMETER],
        summary="A source",
        responses={200: serializers.SourceSerializer, **NOT_FOUND},
    )
    def get(self, request, slug):
        source = Source.objects.filter(slug=slug).first()
        if source is None:
            raise NotFound("No source at this address.")
        return Response(serializers.SourceSerializer(source, context=self.context()).data)


# --- The index and the schema ------------------------------------------------------------


class ApiRoot(ArchiveView):
    @extend_schema(exclude=True)
    def get(self, request):
        def absolute(name):
            return request.build_absolute_uri(reverse(name))

        return Response(
            {
                "articles": absolute("api:article-list"),
                "people": absolute("api:person-list"),
                "organisations": absolute("api:organisation-list"),
                "quotes": absolute("api:quote-list"),
                "sources": absolute("api:source-list"),
                "schema": absolute("api:schema"),
                "documentation": absolute("api:docs"),
            }
        )


@read_only_cors
def not_found(request):
    return error_response(404, "not_found", "No endpoint at this address: see /api/docs/.")


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (YAML; JSON with `?format=json`), readable from any origin; its
    errors are the JSON error object like everyone else's, not YAML."""

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        return allow_cross_origin(response, preflight=request.method == "OPTIONS")
