"""Throttling of the site's login and registration forms.

The site shares the API's "auth" scope (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth"]) and
its cache counters, so a client gets one budget of attempts per minute across both.
"""

from django.http import HttpRequest

from accounts.api.throttles import SettingsScopedRateThrottle


class _AuthScope:
    throttle_scope = "auth"


def auth_attempt_allowed(request: HttpRequest) -> tuple[bool, int | None]:
    """Count one login or registration attempt. Returns (allowed, seconds to wait)."""
    throttle = SettingsScopedRateThrottle()
    if throttle.allow_request(request, _AuthScope()):
        return True, None
    wait = throttle.wait()
    return False, int(wait) + 1 if wait is not None else None
