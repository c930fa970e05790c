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

from urllib.parse import urlsplit

from csp.constants import NONCE, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

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


def area_sources(path: str) -> dict[str, list[str]]:
    for prefix, sources in AREA_SOURCES.items():
        if path.startswith(prefix):
            return sources
    return {}


class ShopCSPMiddleware(CSPMiddleware):
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
