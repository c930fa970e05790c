"""Content-Security-Policy: django-csp's middleware, with the sources some areas need on top
of the shop's strict policy (CONTENT_SECURITY_POLICY in settings).

- Everywhere: Stripe.js (script, frames, API) — from Stripe, or from STRIPE_API_BASE / STRIPE_JS_URL
  when the shop talks to a Stripe stand-in; read per request, since tests point it elsewhere.
- The Wagtail admin: inline scripts and styles. Wagtail's widgets (date pickers, inline panels)
  render `<script>init…("id", {config})</script>` without the request, so neither a nonce nor a
  fixed hash can cover them; the admin is for signed-in staff only.
- Swagger UI and GraphiQL: their pages' own `<style>` and `<script>` carry the request's nonce
  (their templates ask for it). Redoc: inline styles (its styled components) and blob: workers.

The shop's pages themselves load only their own files: no inline script or style, which is also
what lets the anonymous page cache share a page between visitors (a nonce would be per response).
"""

from dataclasses import asdict
from urllib.parse import urlsplit

from csp.constants import HEADER, NONCE, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed

STRIPE_SCRIPTS = ("https://js.stripe.com",)
STRIPE_FRAMES = ("https://js.stripe.com", "https://hooks.stripe.com")
STRIPE_API = ("https://api.stripe.com",)

# The first matching prefix wins.
AREA_SOURCES = {
    "/admin/": {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]},
    # Redoc's styled components insert <style> elements at run time, without a nonce (and a
    # nonce in the list would make browsers ignore 'unsafe-inline'); its search runs in a worker.
    # Its sidebar shows its maker's logo from their CDN (it just fails to load when offline).
    "/api/v1/docs/redoc/": {
        "style-src": [UNSAFE_INLINE],
        "worker-src": ["blob:"],
        "img-src": ["https://cdn.redoc.ly"],
    },
    "/api/v1/docs/": {"script-src": [NONCE], "style-src": [NONCE]},
    "/graphql/": {"script-src": [NONCE], "style-src": [NONCE]},
}


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def stripe_sources() -> dict[str, list[str]]:
    """Where browsers load Stripe.js from, frame it and send its API calls."""
    stand_ins = [
        origin
        for origin in (_origin(settings.STRIPE_API_BASE), _origin(settings.STRIPE_JS_URL))
        if origin
    ]
    return {
        "script-src": [*STRIPE_SCRIPTS, *stand_ins],
        "frame-src": [*STRIPE_FRAMES, *stand_ins],
        "connect-src": [*STRIPE_API, *stand_ins],
    }


def _area(path: str) -> str | None:
    """The prefix of AREA_SOURCES that `path` is under (the first that matches), or None."""
    for prefix in AREA_SOURCES:
        if path.startswith(prefix):
            return prefix
    return None


def area_sources(path: str) -> dict[str, list[str]]:
    area = _area(path)
    return AREA_SOURCES[area] if area is not None else {}


# The header of each area and Stripe address, built once: without a nonce or a view's own
# changes, it is the same for every response (django-csp builds it anew for each).
_POLICIES: dict[tuple, str] = {}


def _forget_policies(*, setting, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _POLICIES.clear()


setting_changed.connect(_forget_policies, dispatch_uid="nexus_csp_policies")


class ShopCSPMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        key = self._fixed_policy_key(request, response)
        if key is None:
            return super().process_response(request, response)
        policy = _POLICIES.get(key)
        if policy is None:
            policy = build_policy(**asdict(self.get_policy_parts(request, response)))
            _POLICIES[key] = policy
        if policy and HEADER not in response:
            response[HEADER] = policy
        # As django-csp does: the nonce may not be asked for once the header is written.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _fixed_policy_key(self, request, response) -> tuple | None:
        """What the header depends on when it is one of `_POLICIES`; None when it is built
        per response (a nonce was used, the view changed or exempted the policy, a report-only
        policy or excluded prefixes are configured, or DEBUG keeps error pages bare)."""
        if settings.DEBUG or getattr(request, "_csp_nonce", None) is not None:
            return None
        if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None):
            return None
        if (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES"):
            return None
        if any(name.startswith("_csp") for name in vars(response)):
            return None
        return (_area(request.path_info), settings.STRIPE_API_BASE, settings.STRIPE_JS_URL)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update: dict[str, list] = {}
        for sources in (stripe_sources(), area_sources(request.path_info), parts.update or {}):
            for directive, values in sources.items():
                update.setdefault(directive, [])
                update[directive] += [value for value in values if value not in update[directive]]
        parts.update = update
        return parts
