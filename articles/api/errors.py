"""One error object for the API, the feeds and the exports, so a client handles them alike:

    {"status": 400, "code": "invalid", "detail": "...", "errors": {"year": ["..."]}}

`errors` (parameter name to messages) is present for invalid parameters only.
"""

from django.http import Http404, JsonResponse
from rest_framework import exceptions

INVALID_DETAIL = "Some parameters could not be understood; see `errors`."
TOO_SLOW_DETAIL = (
    "This search is too broad to finish in time over the whole archive. Add another word, "
    "a person or a date range and try again."
)


def error_body(status: int, code: str, detail: str, errors: dict | None = None) -> dict:
    body = {"status": status, "code": code, "detail": detail}
    if errors is not None:
        body["errors"] = errors
    return body


def error_response(status, code, detail, errors=None, headers=None) -> JsonResponse:
    """The error object as a plain Django response (feeds and exports are not DRF views)."""
    response = JsonResponse(
        error_body(status, code, detail, errors),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def form_errors(form_or_filterset) -> dict[str, list[str]]:
    """A form's (or FilterSet's) errors as {parameter: [messages]}; "__all__" becomes
    "parameters" (an error about several parameters together, such as from after to)."""
    return {
        ("parameters" if name == "__all__" else name): [str(error) for error in errors]
        for name, errors in form_or_filterset.errors.items()
    }


def invalid_parameters(*forms) -> JsonResponse:
    errors = {}
    for form in forms:
        errors.update(form_errors(form))
    return error_response(400, "invalid", INVALID_DETAIL, errors)


def search_too_slow() -> JsonResponse:
    return error_response(503, "search_timeout", TOO_SLOW_DETAIL)


class SearchTimeout(exceptions.APIException):
    status_code = 503
    default_detail = TOO_SLOW_DETAIL
    default_code = "search_timeout"


def exception_handler(exc, context):
    """DRF's handler, answering with the archive's error object (REST_FRAMEWORK setting)."""
    # Imported here: rest_framework.views reads the settings, whose throttle imports this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"parameters": exc.detail}
        errors = {
            ("parameters" if name == "non_field_errors" else name): [
                str(message) for message in (messages if isinstance(messages, list) else [messages])
            ]
            for name, messages in detail.items()
        }
        response.data = error_body(response.status_code, "invalid", INVALID_DETAIL, errors)
    elif isinstance(exc, Http404):
        response.data = error_body(404, "not_found", "Nothing is filed at this address.")
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        response.data = error_body(
            response.status_code,
            codes if isinstance(codes, str) else "error",
            str(getattr(exc, "detail", exc)),
        )
    return response
