"""Exports of a search: the same parameters as /search/, as CSV or JSON."""

import csv

from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from articles import search
from articles.filters import ArticleSearchFilter
from articles.models import Article


def _rows(request):
    filterset = ArticleSearchFilter(request.GET, queryset=Article.objects.all())
    if not filterset.is_valid():
        return filterset, None
    rows = search.export_rows(
        filterset.qs, filterset.parsed_query, filterset.form.cleaned_data.get("sort")
    )
    return filterset, rows


def _errors(filterset):
    return {name: [str(error) for error in errors] for name, errors in filterset.errors.items()}


@require_safe
def search_json(request):
    filterset, rows = _rows(request)
    if rows is None:
        return JsonResponse({"errors": _errors(filterset)}, status=400)
    response = JsonResponse(
        {"count": len(rows), "limit": search.CANDIDATE_LIMIT, "results": rows},
        json_dumps_params={"ensure_ascii": False},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def search_csv(request):
    filterset, rows = _rows(request)
    if rows is None:
        return JsonResponse({"errors": _errors(filterset)}, status=400)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="archive-search.csv"'
    response["X-Robots-Tag"] = "noindex"
    writer = csv.writer(response)
    writer.writerow(search.EXPORT_FIELDS)
    for row in rows:
        writer.writerow(
            [
                "; ".join(row[field]) if isinstance(row[field], list) else _safe_cell(row[field])
                for field in search.EXPORT_FIELDS
            ]
        )
    return response


def _safe_cell(value: str) -> str:
    """Defuse spreadsheet formulas (CSV injection): a cell may not start with = + - @."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value
