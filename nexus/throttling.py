"""Throttles of the site's forms: login, registration, password reset, checkout and payment.

The site shares the API's scopes (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) and their cache
counters, so a client has one budget per scope across the API and the site. A throttled
request is answered before any work is done: 429 with `Retry-After`, as the site's page (or
JSON when the request sent JSON).
"""

from functools import wraps

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.permissions import SAFE_METHODS

from accounts.api.throttles import SettingsScopedRateThrottle


class WriteScopedRateThrottle(SettingsScopedRateThrottle):
    """Counts only writes (POST, PUT, PATCH, DELETE): reading an order or its payment status
    is not what the scope protects."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


def attempt_allowed(request: HttpRequest, scope: str) -> tuple[bool, int | None]:
    """Count one attempt in `scope`. Returns (allowed, whole seconds to wait)."""
    throttle = SettingsScopedRateThrottle()
    view = type("ThrottledSiteView", (), {"throttle_scope": scope})()
    if throttle.allow_request(request, view):
        return True, None
    wait = throttle.wait()
    return False, int(wait) + 1 if wait is not None else 60


def throttled_message(wait: int | None) -> str:
    later = f"in {wait} seconds" if wait else "in a minute"
    return f"Too many attempts from your connection. Please try again {later}."


def throttled_response(request: HttpRequest, wait: int | None) -> HttpResponse:
    """The 429 answer of a throttled site form, with `Retry-After`."""
    message = throttled_message(wait)
    if request.content_type == "application/json":
        response = JsonResponse({"error": {"code": "throttled", "message": message}}, status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(wait or 60)
    return response


def throttle_posts(scope: str):
    """Decorator of a site view: its POSTs count against `scope`; over the rate they get
    `throttled_response` and the view does not run."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                allowed, wait = attempt_allowed(request, scope)
                if not allowed:
                    return throttled_response(request, wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
