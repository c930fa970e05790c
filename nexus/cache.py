"""The anonymous page cache: whole responses in Django's cache (Redis when REDIS_URL is set).

Cached: GET requests without a session, messages or auth cookie and without an Authorization
header (so nobody's cart count, name or messages can end up in the shared copy) for
- catalog, storefront and home pages (`catalog.cache.CACHED_PAGE_TYPES`), by host and path,
  only without a query string (filters and pagination are rendered each time);
- the Wagtail API v2 page endpoints, by host and full URL, under the catalog's version token
  that any catalog change replaces or, for an answer that shows the stock of the products it
  lists only (`response.product_stock_versions`), under the token of the catalog but its stock
  and those products' own (`catalog.cache.api_answer_version`): a checkout retires the answers
  listing what it sold, not every answer.
A visitor with a session (a cart, a login) always gets a freshly rendered page.

Pages never hold a visitor's CSRF token when they are rendered here: requests for paths Wagtail
serves are marked (`request.csrf_placeholder`), so `{% csrf_token %}` renders a placeholder
(`catalog.cache.csrf_placeholder`, a context processor) in the response, in the cached copy and
in any cached fragment alike. On the way out this middleware puts the requesting visitor's own
token in its place (`get_token`, which also has the CSRF middleware set the cookie).

Entries are stored with the version token their path had before rendering; a hit is served only
while the token is unchanged (`catalog.cache.path_version`), so invalidating a path is one write
whatever the hosts that cached it.

Invalidation lives with the data it depends on, in `catalog.cache`. This middleware sits before
the session, CSRF, auth and messages middleware, so a hit skips all of them (it needs none:
the request has no session and no user); the headers those add to a page (X-Frame-Options…)
are stored with the copy. Responses carry `X-Page-Cache: hit` or `miss` when eligible.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve

from catalog.cache import (
    API_ANSWER_VERSION_KEYS,
    API_PREFIX,
    CACHED_PAGE_TYPES,
    CSRF_PLACEHOLDER,
    api_answer_is_current,
    api_answer_products,
    api_answer_version,
    api_cache_key,
    page_cache_key,
    page_cache_seconds,
    path_version,
    path_version_found,
    path_version_keys,
    product_stock_version_key,
)
from nexus.versioned_cache import current

_PLACEHOLDER = CSRF_PLACEHOLDER.encode()
# Headers that belong to one response, never to the shared copy.
_PER_RESPONSE_HEADERS = {"set-cookie", "vary", "content-length"}


def _is_anonymous_without_state(request) -> bool:
    cookies = request.COOKIES
    return not (
        settings.SESSION_COOKIE_NAME in cookies
        or "messages" in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _cache_key(request) -> tuple[str, str | None] | None:
    """(cache key, the path whose version it is stored under, or None for the API) of an
    eligible request, else None."""
    if request.method != "GET" or not _is_anonymous_without_state(request):
        return None
    path = request.path
    if path.startswith(API_PREFIX):
        return api_cache_key(full_path=request.get_host() + request.get_full_path()), None
    if request.META.get("QUERY_STRING") or not _is_served_by_wagtail(
        settings.ROOT_URLCONF, request.path_info
    ):
        return None
    return page_cache_key(host=request.get_host(), path=path), path


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


# {API answer key: the products whose stock it showed}, per process, as last seen: only which
# tokens to read with the answer, never whether it is current (its own version says that).
_ANSWER_PRODUCTS: dict[str, tuple[int, ...]] = {}
_ANSWER_PRODUCTS_SIZE = 4096


def _remember_answer_products(key: str, version) -> None:
    products = api_answer_products(version)
    if _ANSWER_PRODUCTS.get(key) != products:
        if len(_ANSWER_PRODUCTS) >= _ANSWER_PRODUCTS_SIZE:
            _ANSWER_PRODUCTS.clear()
        _ANSWER_PRODUCTS[key] = products


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # A hit never reaches the CSRF middleware further in: this instance does its two
        # steps (read the visitor's secret, set the cookie) for the token a hit hands out.
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if request.method in ("GET", "HEAD") and _is_served_by_wagtail(
            settings.ROOT_URLCONF, request.path_info
        ):
            request.csrf_placeholder = True
        seconds = page_cache_seconds()
        keys = _cache_key(request) if seconds > 0 else None
        if keys is None:
            return self._with_token(request, self.get_response(request))
        key, path = keys
        if path is None:
            return self._api_answer(request, key, seconds)
        found = cache.get_many([key, *path_version_keys(path)])
        entry, version = found.get(key), path_version_found(found, path)
        if entry is not None and entry[0] == version:
            return self._from_entry(request, entry)
        # Read before rendering: an invalidation while rendering retires this copy.
        version = path_version(request.path)
        response = self.get_response(request)
        self._store(request, response, key, version, seconds)
        return self._with_token(request, response)

    def _api_answer(self, request, key: str, seconds: int):
        # The stock tokens of the products this answer showed when this process last saw it,
        # read with it: a current answer is then served after one round trip, not two.
        guessed = [product_stock_version_key(p) for p in _ANSWER_PRODUCTS.get(key, ())]
        found = cache.get_many([key, *API_ANSWER_VERSION_KEYS, *guessed])
        entry = found.get(key)
        if entry is not None and api_answer_is_current(entry[0], found):
            _remember_answer_products(key, entry[0])
            return self._from_entry(request, entry)
        # Read before rendering, as the view reads the products' stock tokens before their rows.
        tokens = {name: found.get(name) or current(name) for name in API_ANSWER_VERSION_KEYS}
        response = self.get_response(request)
        version = api_answer_version(tokens, getattr(response, "product_stock_versions", None))
        if version is not None:
            self._store(request, response, key, version, seconds)
            _remember_answer_products(key, version)
        return self._with_token(request, response)

    def _store(self, request, response, key: str, version, seconds: int) -> None:
        if _is_cacheable_response(request, response):
            headers = {
                name: value
                for name, value in response.items()
                if name.lower() not in _PER_RESPONSE_HEADERS
            }
            content = response.content
            cache.set(key, (version, headers, content, _PLACEHOLDER in content), seconds)
            response["X-Page-Cache"] = "miss"

    def _with_token(self, request, response, *, from_cache: bool = False):
        """The response with the visitor's own CSRF token in place of the placeholder."""
        if not getattr(request, "csrf_placeholder", False) or response.streaming:
            return response
        if _PLACEHOLDER not in response.content:
            return response
        if from_cache:
            self.csrf.process_request(request)
        response.content = response.content.replace(_PLACEHOLDER, get_token(request).encode())
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return self.csrf.process_response(request, response)

    def _from_entry(self, request, entry) -> HttpResponse:
        _version, headers, content, _has_placeholder = entry
        response = HttpResponse(content, headers=headers)
        response["Content-Length"] = str(len(content))
        response["X-Page-Cache"] = "hit"
        return self._with_token(request, response, from_cache=True)
