"""/api/docs/: the API's documentation for people, made from the published OpenAPI schema (so
the two cannot drift apart), with how paging, errors, limits, feeds and exports work. A plain
server-rendered page: no script, nothing fetched from elsewhere."""

import re
from dataclasses import dataclass
from functools import cache

from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator
from rest_framework.settings import api_settings

from articles import feeds, search
from articles.api import exports, pagination


@dataclass
class DocumentedParameter:
    name: str
    location: str
    kind: str
    description: SafeString


@dataclass
class DocumentedOperation:
    method: str
    path: str
    summary: str
    description: SafeString
    parameters: list[DocumentedParameter]
    responses: list[tuple[str, str]]


def _code_spans(text: str) -> SafeString:
    """The schema's descriptions with `code` marked up; everything else escaped."""
    return mark_safe(  # noqa: S308 - escaped first; only our own <code> tags are added
        re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text or ""))
    )


def _kind(schema: dict) -> str:
    if schema.get("type") == "array":
        return f"list of {_kind(schema.get('items', {}))}"
    kind = schema.get("format") or schema.get("type", "string")
    if "enum" in schema:
        kind += ": " + ", ".join(str(value) for value in schema["enum"])
    if "minimum" in schema and "maximum" in schema and schema["maximum"] < 10**6:
        kind += f", {schema['minimum']} to {schema['maximum']}"
    return kind


@cache
def documented_operations() -> list[DocumentedOperation]:
    """Every operation of the published schema, for the documentation page: the page cannot
    drift from the schema because it is made from it."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        DocumentedOperation(
            method=method.upper(),
            path=path,
            summary=operation.get("summary", ""),
            description=_code_spans(operation.get("description", "")),
            parameters=[
                DocumentedParameter(
                    parameter["name"],
                    parameter["in"],
                    _kind(parameter.get("schema", {})),
                    _code_spans(parameter.get("description", "")),
                )
                for parameter in operation.get("parameters", [])
            ],
            responses=[
                (status, response.get("description") or "OK")
                for status, response in operation.get("responses", {}).items()
            ],
        )
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


@require_safe
def docs_page(request):
    """The API's documentation for people: the endpoints and their parameters (from the
    schema), and how paging, errors, limits, feeds and exports work."""
    return render(
        request,
        "api/docs.html",
        {
            "operations": documented_operations(),
            "page_size": pagination.PAGE_SIZE,
            "max_page_size": pagination.MAX_PAGE_SIZE,
            "candidate_limit": search.CANDIDATE_LIMIT,
            "rates": _rates(),
            "feed_size": feeds.FEED_SIZE,
            "story_fields": exports.STORY_FIELDS,
            "quote_fields": exports.QUOTE_FIELDS,
        },
    )


def _rates() -> list[tuple[str, str]]:
    rates = api_settings.DEFAULT_THROTTLE_RATES
    return [(scope, rates.get(scope) or "no limit") for scope in ("api", "feeds", "exports")]
