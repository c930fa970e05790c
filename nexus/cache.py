"""The anonymous page cache: whole responses in Django's cache (Redis when REDIS_URL is set).

Cached: GET requests without a session, messages or auth cookie and without an Authorization
header (so nobody's cart count, name or messages can end up in the shared copy) for
- catalog, storefront and home pages (`catalog.cache.CACHED_PAGE_TYPES`), by host and path,
  only without a query string (filters and pagination are rendered each time);
- the Wagtail API v2 page endpoints, by host and full URL, under a version token that any
  catalog change replaces.
A visitor with a session (a cart, a login) always gets a freshly rendered page.

Product pages carry a CSRF token in the add-to-cart form. A shared copy must not carry one
visitor's token, so tokens are replaced by a placeholder when stored and by the requesting
visitor's own token when served (`get_token` also makes CsrfViewMiddleware set the cookie).

Invalidation lives with the data it depends on, in `catalog.cache`. This middleware sits before
the session, CSRF, auth and messages middleware, so a hit skips all of them (it needs none:
the request has no session and no user); the headers those add to a page (X-Frame-Options…)
are stored with the copy. Responses carry `X-Page-Cache: hit` or `miss` when eligible.
"""

import functools
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import (
    CSRF_SECRET_LENGTH,
    CsrfViewMiddleware,
    _unmask_cipher_token,
    get_token,
)
from django.urls import Resolver404, resolve

from catalog.cache import (
    API_PREFIX,
    CACHED_PAGE_TYPES,
    api_cache_key,
    api_cache_version,
    page_cache_host_remember,
    page_cache_key,
    page_cache_seconds,
)

CSRF_PLACEHOLDER = b"__nexus_csrf_token__"
_TOKEN_CANDIDATE = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Headers that belong to one response, never to the shared copy.
_PER_RESPONSE_HEADERS = {"set-cookie", "vary", "content-length"}


def _is_anonymous_without_state(request) -> bool:
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or "messages" in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _cache_key(request) -> str | None:
    if request.method != "GET" or not _is_anonymous_without_state(request):
        return None
    path = request.path
    if path.startswith(API_PREFIX):
        return api_cache_key(
            version=api_cache_version(), full_path=request.get_host() + request.get_full_path()
        )
    if request.META.get("QUERY_STRING") or not _is_served_by_wagtail(
        settings.ROOT_URLCONF, request.path_info
    ):
        return None
    return page_cache_key(host=request.get_host(), path=path)


# The URLconf does not change while the process runs, so neither does the answer for a path;
# remembering it spares a hit the walk through every URL pattern before Wagtail's catch-all.
@functools.lru_cache(maxsize=4096)
def _is_served_by_wagtail(urlconf: str, path_info: str) -> bool:
    """Only Wagtail's page-serving view can produce a cached page: other views (cart,
    account, search, health) skip the cache lookup altogether."""
    try:
        return resolve(path_info, urlconf).url_name == "wagtail_serve"
    except Resolver404:
        return False


def _is_cacheable_response(request, response) -> bool:
    if response.status_code != 200 or response.streaming:
        return False
    if any(name != settings.CSRF_COOKIE_NAME for name in response.cookies):
        return False
    if "private" in response.get("Cache-Control", "") or "no-cache" in response.get(
        "Cache-Control", ""
    ):
        return False
    if request.path.startswith(API_PREFIX):
        return True
    page = (getattr(response, "context_data", None) or {}).get("page")
    if page is None or page._meta.label_lower not in CACHED_PAGE_TYPES:
        return False
    # A page under a view restriction is never shared, whatever the response looked like.
    return not page.get_view_restrictions().exists()


def _punch_csrf_holes(request, content: bytes) -> tuple[bytes, bool]:
    """Replace every token in `content` that belongs to this request's CSRF secret."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret or len(secret) != CSRF_SECRET_LENGTH:
        return content, False
    found = False

    def replace(match):
        nonlocal found
        if _unmask_cipher_token(match.group().decode()) == secret:
            found = True
            return CSRF_PLACEHOLDER
        return match.group()

    return _TOKEN_CANDIDATE.sub(replace, content), found


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # A hit never reaches the CSRF middleware further in: this instance does its two
        # steps (read the visitor's secret, set the cookie) for the token a hit hands out.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        seconds = page_cache_seconds()
        key = _cache_key(request) if seconds > 0 else None
        if key is None:
            return self.get_response(request)
        entry = cache.get(key)
        if entry is not None:
            return self._from_entry(request, entry)
        response = self.get_response(request)
        if _is_cacheable_response(request, response):
            content, has_csrf = _punch_csrf_holes(request, response.content)
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in _PER_RESPONSE_HEADERS
            }
            cache.set(key, (headers, content, has_csrf), seconds)
            if not request.path.startswith(API_PREFIX):
                page_cache_host_remember(request.get_host())
            response["X-Page-Cache"] = "miss"
        return response

    def _from_entry(self, request, entry) -> HttpResponse:
        headers, content, has_csrf = entry
        if has_csrf:
            self.csrf.process_request(request)
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, headers=headers)
        response["Content-Length"] = str(len(content))
        response["X-Page-Cache"] = "hit"
        if has_csrf:
            response = self.csrf.process_response(request, response)
        return response
