"""While the database cannot be reached (a restart, a fail-over), pages answer 503 with a
Retry-After header instead of a 500: the outage is temporary and nothing is wrong with the
request. Once the database answers again the next request is served as usual (stale
connections are dropped by CONN_HEALTH_CHECKS, see archive/settings.py)."""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
# A server that is away: it refused or dropped the connection (no SQLSTATE, or class 08), or
# it is shutting down, starting up or ending sessions (57P01-57P03). Other errors (a statement
# timeout, 57014; a deadlock) are a fault of the request's own work and stay 500s.
SERVER_AWAY_SQLSTATES = {"57P01", "57P02", "57P03"}


def database_unreachable(error: BaseException) -> bool:
    if isinstance(error, InterfaceError):
        return True  # the connection was closed under us
    if not isinstance(error, OperationalError):
        return False
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in SERVER_AWAY_SQLSTATES


def unavailable_response() -> HttpResponse:
    # Rendered without the request: its context processors could reach for the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Connects before the request goes further, so a database that is down gives a 503 even
    when a later middleware is first to use it; an error raised by the view or its template
    gets the same answer through process_exception."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            connection.ensure_connection()
        except (OperationalError, InterfaceError) as error:
            logger.warning("database unreachable: %s", error)
            return unavailable_response()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unreachable(exception):
            logger.warning("database unreachable: %s", exception)
            return unavailable_response()
        return None
