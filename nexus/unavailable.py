"""A database that is down or restarting is a 503 answered at once, never a 500.

Django raises `OperationalError` / `InterfaceError` when PostgreSQL refuses connections, is
shutting down or drops a connection mid-request. The request cannot be served, but nothing is
wrong with it: the client is told to retry (`Retry-After`), as JSON under /api/ and as the
site's page elsewhere. Transactions roll back with the failed connection, so no order is ever
half written. The next request opens a fresh connection (CONN_HEALTH_CHECKS), so service comes
back by itself as soon as the database does.

Errors raised in a view reach `ServiceUnavailableMiddleware.process_exception`; errors raised
in middleware (loading the session, the user) reach `server_error`, the project's handler500.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = (OperationalError, InterfaceError)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "error": {
                    "code": "service_unavailable",
                    "message": "The shop's database is not answering. Please retry in a few "
                    "seconds; nothing was changed.",
                }
            },
            status=503,
        )
    else:
        # No context processors: they would ask the database that is down.
        body = loader.get_template("503.html").render({"request": request})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, UNAVAILABLE):
            logger.warning("Database unavailable (%s): 503 for %s", exception, request.path)
            return unavailable_response(request)
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database outage met outside any view is a 503 too."""
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        logger.warning("Database unavailable (%s): 503 for %s", error, request.path)
        return unavailable_response(request)
    from nexus.views import server_error as site_server_error

    return site_server_error(request)
