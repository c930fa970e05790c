"""Throttling of the site's login and registration forms (the "auth" scope).

See `nexus.throttling`: the site shares the API's scopes and their cache counters, so a client
gets one budget of attempts per minute across both.
"""

from django.http import HttpRequest

from nexus.throttling import attempt_allowed


def auth_attempt_allowed(request: HttpRequest) -> tuple[bool, int | None]:
    """Count one login or registration attempt. Returns (allowed, seconds to wait)."""
    return attempt_allowed(request, "auth")
