"""Thin views: validate the request, call a selector, render."""

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_safe

from articles import search, selectors
from articles.filters import (
    ArticleMarksForm,
    ArticleSearchFilter,
    EntityListFilter,
    FacetValuesFilter,
    QuoteFilter,
)
from articles.models import Article, Quote

# Search and list URLs combine freely: crawlers may follow their links but not index them.
NOINDEX = "noindex,follow"


@require_safe
def home(request):
    return render(
        request,
        "articles/home.html",
        {"articles": selectors.article_list_newest(10), "form": ArticleSearchFilter().form},
    )


@require_safe
def search_page(request):
    filterset = ArticleSearchFilter(request.GET, queryset=Article.objects.all())
    context = {"filterset": filterset, "form": filterset.form, "robots": NOINDEX}
    if not filterset.is_valid():
        return render(request, "articles/search.html", context, status=400)
    queryset = filterset.qs
    results = search.article_search(
        queryset,
        filterset.parsed_query,
        filterset.form.cleaned_data.get("sort"),
        filterset.form.cleaned_data.get("page"),
        widen=filterset.with_query,
    )
    context.update(
        results=results,
        active=_active_filters(filterset),
        feed_url=reverse("articles:search_feed") + _query_string(request),
        csv_url=reverse("articles:search_csv") + _query_string(request, keep_sort=True),
        json_url=reverse("articles:search_json") + _query_string(request, keep_sort=True),
    )
    return render(request, "articles/search.html", context)


@require_safe
def search_facet(request, facet):
    """Every value of one facet of a search (its people, organisations or sources), with
    counts, filterable by name; each links back to the search with that filter added."""
    facet = search.FACETS.get(facet)
    if facet is None:
        raise Http404("The search has no such list.")
    filterset = FacetValuesFilter(request.GET, queryset=Article.objects.all())
    search_params = request.GET.copy()
    search_params.pop("within", None)
    search_params.pop("page", None)
    search_params._mutable = False  # lets the link tags prepare it once
    context = {
        "filterset": filterset,
        "form": filterset.form,
        "facet": facet,
        "robots": NOINDEX,
        "search_params": search_params,
        "search_url": reverse("articles:search") + _query_string(request, keep_sort=True),
    }
    if not filterset.is_valid():
        return render(request, "articles/facet_values.html", context, status=400)
    cleaned = filterset.form.cleaned_data
    context.update(
        values=search.facet_values(
            facet,
            filterset.qs,
            filterset.parsed_query,
            cleaned.get("sort"),
            (cleaned.get("within") or "").strip(),
            cleaned.get("page"),
        ),
        parsed=filterset.parsed_query,
        active=_active_filters(filterset),
    )
    return render(request, "articles/facet_values.html", context)


def _query_string(request, keep_sort=False):
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("within", None)
    if not keep_sort:
        params.pop("sort", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else ""


def _active_filters(filterset):
    """The chips above the results: (label, parameter, value) for every filter in force."""
    cleaned = filterset.form.cleaned_data
    chips = []
    for person in cleaned.get("person") or []:
        chips.append(("Person", person.name, "person", person.slug))
    for organisation in cleaned.get("organisation") or []:
        chips.append(("Organisation", organisation.name, "organisation", organisation.slug))
    if cleaned.get("source"):
        chips.append(("Source", cleaned["source"].name, "source", cleaned["source"].slug))
    if cleaned.get("year"):
        year = str(int(cleaned["year"]))
        chips.append(("Year", year, "year", filterset.data.get("year")))
    for name, label in (("from", "From"), ("to", "To")):
        if cleaned.get(name):
            chips.append((label, cleaned[name].isoformat(), name, filterset.data.get(name)))
    return chips


@require_safe
def article_detail(request, slug):
    # ?order=file shows the paragraphs as the file had them; any other value, the default.
    file_order = request.GET.get("order") == "file"
    try:
        page = selectors.article_detail(slug, file_order=file_order)
    except Article.DoesNotExist:
        raise Http404("No story at this address.") from None
    context = {"page": page, "article": page.article, "file_order": file_order}
    marks_form = ArticleMarksForm(request.GET)
    if marks_form.is_valid() and marks_form.cleaned_data["q"]:
        context["marks"] = selectors.article_marks(page, marks_form.cleaned_data["q"])
        context["robots"] = NOINDEX
    return render(request, "articles/article_detail.html", context)


def _entity_detail(request, kind, slug):
    entity, merged_into = selectors.entity_by_slug(kind, slug)
    if entity is None:
        if merged_into is None:
            raise Http404(f"No {kind.noun} at this address.")
        return redirect(merged_into, permanent=True)
    filterset = EntityListFilter(request.GET, queryset=kind.model.objects.none())
    page_number = filterset.form.cleaned_data.get("page") if filterset.is_valid() else 1
    page = selectors.entity_detail(kind, entity, page_number)
    context = {"page": page, "entity": entity, "kind": kind}
    if request.GET:
        context["robots"] = NOINDEX
    return render(request, "articles/entity_detail.html", context)


@require_safe
def person_detail(request, slug):
    return _entity_detail(request, selectors.PERSON, slug)


@require_safe
def organisation_detail(request, slug):
    return _entity_detail(request, selectors.ORGANISATION, slug)


def _entity_list(request, kind):
    filterset = EntityListFilter(request.GET, queryset=kind.model.objects.all())
    context = {"filterset": filterset, "form": filterset.form, "kind": kind}
    if request.GET:
        context["robots"] = NOINDEX
    if not filterset.is_valid():
        return render(request, "articles/entity_list.html", context, status=400)
    context["page"] = selectors.entity_list(
        kind, filterset.qs, filterset.form.cleaned_data.get("page")
    )
    return render(request, "articles/entity_list.html", context)


@require_safe
def person_list(request):
    return _entity_list(request, selectors.PERSON)


@require_safe
def organisation_list(request):
    return _entity_list(request, selectors.ORGANISATION)


@require_safe
def quote_list(request):
    filterset = QuoteFilter(request.GET, queryset=Quote.objects.all())
    context = {"filterset": filterset, "form": filterset.form}
    if request.GET:
        context["robots"] = NOINDEX
    if not filterset.is_valid():
        return render(request, "articles/quote_list.html", context, status=400)
    queryset = filterset.qs
    context["page"] = selectors.quote_list(
        queryset, filterset.parsed_query, filterset.form.cleaned_data.get("page")
    )
    context["parsed"] = filterset.parsed_query
    return render(request, "articles/quote_list.html", context)


@require_safe
def about(request):
    return render(
        request,
        "articles/about.html",
        {"summary": selectors.archive_summary(), "quality": selectors.archive_quality()},
    )


ROBOTS = """User-agent: *
Disallow: /search/
Disallow: /quotes/?
Disallow: /people/?
Disallow: /organisations/?
Disallow: /admin/
Disallow: /api/
Disallow: /*?*person=
Disallow: /*?*organisation=
"""


@require_safe
def robots_txt(request):
    return HttpResponse(ROBOTS, content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's): the site's."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))
