"""What anonymous use may do: requests per client and per minute (or hour), and reading from
other origins.

Rates are per scope (`api`, `feeds`, `exports`) in `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`
and counted in Django's default cache by client address (DRF's `get_ident`, which trusts
`X-Forwarded-For` only as far as `NUM_PROXIES` says). Every data endpoint is public and
read-only and no cookie is read, so any origin may fetch it (`Access-Control-Allow-Origin: *`).
"""

import math
from functools import wraps

from django.http import HttpResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from articles.api.errors import error_response

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    # What a script on another origin may read besides the simple headers.
    "Access-Control-Expose-Headers": "Content-Disposition, Retry-After",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Language, Content-Type",
    "Access-Control-Max-Age": "86400",
}


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per client address in one scope. The rate is read from the settings on every
    request (DRF's own throttles read it once, at import), so a deployment or a test can
    change it."""

    scope = "api"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def retry_after(self) -> int:
        """Whole seconds until the next request is allowed (at least one)."""
        return max(1, math.ceil(self.wait() or 1))


class ApiRateThrottle(ClientRateThrottle):
    scope = "api"


class FeedRateThrottle(ClientRateThrottle):
    scope = "feeds"


class ExportRateThrottle(ClientRateThrottle):
    scope = "exports"


def throttled(throttle_class):
    """The DRF throttle for a plain Django view: 429 with Retry-After past the rate."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            throttle = throttle_class()
            if not throttle.allow_request(request, None):
                seconds = throttle.retry_after()
                return error_response(
                    429,
                    "throttled",
                    f"Too many requests from this address: try again in {seconds} seconds.",
                    headers={"Retry-After": str(seconds)},
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def allow_cross_origin(response, preflight=False):
    for name, value in CORS_HEADERS.items():
        response[name] = value
    if preflight:
        for name, value in PREFLIGHT_HEADERS.items():
            response[name] = value
    return response


def read_only_cors(view):
    """Any origin may GET this view; a preflight OPTIONS request is answered here."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Allow"] = "GET, HEAD, OPTIONS"
            return allow_cross_origin(response, preflight=True)
        return allow_cross_origin(view(request, *args, **kwargs))

    return wrapped
