"""Lockout of the Wagtail admin login after repeated failures (django-axes).

The shop's own login forms and the API are throttled per client by the "auth" scope
(`nexus.throttling`); the admin login, which guards editors' and vendors' accounts, is also
locked for a user name from one address after `AXES_FAILURE_LIMIT` failures, for
`AXES_COOLOFF_TIME`. Axes sees every `authenticate()` call, so the backend and the whitelist
below confine it to the admin login.
"""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

ADMIN_LOGIN_PATHS = ("/admin/login/", "/django-admin/login/")


def is_admin_login(request: HttpRequest | None) -> bool:
    return request is not None and request.path in ADMIN_LOGIN_PATHS


def not_admin_login(request: HttpRequest, credentials: dict | None = None) -> bool:
    """AXES_WHITELIST_CALLABLE: every login but the admin's is left to the throttles."""
    return not is_admin_login(request)


def login_name(request: HttpRequest, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the e-mail tried, as the log-in compares it (case-insensitive),
    so "Editor@…" and "editor@…" count against one lock."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()


class AdminLoginLockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, on the admin login only. Other callers of `authenticate()`
    (the site's login, the API's token view, scripts without a request) are not its business."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not is_admin_login(request):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the site's 429 page saying when to try again."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    minutes = max(seconds // 60, 1)
    message = (
        "Too many failed log-in attempts for this account from your connection. "
        f"Log-in is locked for {minutes} minutes; please try again later."
    )
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response
