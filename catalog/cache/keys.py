"""The keys and version tokens of what the page cache holds for the catalog.

Everything cached for a path (whole pages for any host, shared fragments) lives under that
path's version token (`path_version`) and the site's (`SITE_VERSION_KEY`); cached API answers
and what lists products from the whole catalog live under the catalog's (`API_VERSION_KEY`);
what shows some products' stock only, under the catalog's content token and those products'
own (`CATALOG_CONTENT_VERSION_KEY`, `product_stock_version_key`).
Replacing a token retires everything stored under it in one write (`catalog.cache.invalidation`).
"""

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from wagtail.models import Site

from nexus.page_restrictions import VERSION_KEY as VIEW_RESTRICTIONS_VERSION_KEY
from nexus.versioned_cache import remembered_under

T = TypeVar("T")

# The catalog with its stock: replaced by every change to what a product shows.
API_VERSION_KEY = "pagecache:api-version"
# The catalog but its stock: replaced by every change `API_VERSION_KEY` is, but a stock change,
# which replaces the token of each product whose stock it changed instead
# (`product_stock_version_key`). What shows the stock of some products only (each product's
# API item, an API product listing without the in-stock filter) is stored under this token and
# those products' own, so a checkout retires only what shows the products it sold.
CATALOG_CONTENT_VERSION_KEY = "pagecache:catalog-content-version"
# The token under which the paths that show each product are remembered (`product_paths`).
PRODUCT_PATHS_VERSION_KEY = "pagecache:product-paths-version"
PRODUCT_PATHS_SECONDS = 3600
# Part of every path's version: replaced by a change that every page shows (the shop settings:
# its name in each title, its currency in each price), which retires every cached page and
# fragment in one write.
SITE_VERSION_KEY = "pagecache:site-version"
API_PREFIX = "/api/v2/pages/"
# Page types whose anonymous responses are cached (model labels, lower case).
CACHED_PAGE_TYPES = frozenset(label.lower() for label in settings.PAGE_CACHE_PAGE_TYPES)


def page_cache_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


def listing_version_keys(*, in_stock: bool) -> list[str]:
    """The tokens what a product listing shows of the whole catalog (its count, its page of
    ids) is kept under: the catalog's content token, or for an in-stock filter the catalog's
    token with its stock; and the view restrictions' token."""
    return [
        API_VERSION_KEY if in_stock else CATALOG_CONTENT_VERSION_KEY,
        VIEW_RESTRICTIONS_VERSION_KEY,
    ]


def listing_kept(version_keys: list[str], key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept under the tokens `version_keys` for `LISTING_CACHE_SECONDS` (counted
    every time at 0): what a listing reads of the whole catalog that a request would otherwise
    compute again for every page of it (its count, the vendors with products on sale)."""
    seconds = getattr(settings, "LISTING_CACHE_SECONDS", 3600)
    if seconds <= 0:
        return compute()
    return remembered_under(version_keys, key, compute, seconds)


def digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def page_cache_key(*, host: str, path: str) -> str:
    return f"pagecache:page:{host}:{digest(path)}"


def path_version_key(path: str) -> str:
    """The key of the version token of everything cached for a site-relative `path`: whole
    anonymous pages (any host) and the shared fragments of personal pages. Invalidating a
    path replaces its token; entries stored under another token are never served."""
    return f"pagecache:path-version:{digest(path)}"


def _token(key: str) -> str:
    """The token under `key`, made on first use."""
    version = cache.get(key)
    if version is None:
        fresh = uuid.uuid4().hex
        cache.add(key, fresh, None)
        # With the cache down (Redis stopped) nothing reads back: a token of this request
        # alone, so nothing is served from the cache and nothing stale ever is.
        version = cache.get(key) or fresh
    return version


def path_version(path: str) -> str:
    """The current version of what is cached for `path` (made on first use): the site's token
    (`SITE_VERSION_KEY`, replaced by a change every page shows) and the path's own. Read it
    before rendering and store the result under it: an invalidation during the render then
    wins."""
    return f"{_token(SITE_VERSION_KEY)}:{_token(path_version_key(path))}"


def path_version_keys(path: str) -> list[str]:
    """The keys of the tokens `path_version` is made of, to read them in the same round trip
    as a cached entry (`path_version_found`)."""
    return [SITE_VERSION_KEY, path_version_key(path)]


def path_version_found(found: dict, path: str) -> str | None:
    """`path_version(path)` from the values `cache.get_many` found for `path_version_keys`,
    or None when a token is missing (nothing stored under it can be current)."""
    site, own = found.get(SITE_VERSION_KEY), found.get(path_version_key(path))
    return f"{site}:{own}" if site and own else None


def product_stock_version_key(product_id: int) -> str:
    """The key of the token a stock change of the product replaces."""
    return f"pagecache:product-stock-version:{product_id}"


def api_cache_key(*, full_path: str) -> str:
    return f"pagecache:api:{digest(full_path)}"


# The tokens read with a cached API answer (`api_answer_version`, `api_answer_is_current`).
API_ANSWER_VERSION_KEYS = (API_VERSION_KEY, CATALOG_CONTENT_VERSION_KEY)


def api_answer_version(tokens: dict, product_versions: dict | None) -> tuple | None:
    """The version a cached API answer is stored under: the catalog's token (`tokens`, the
    `API_ANSWER_VERSION_KEYS` read before the answer was rendered) or, for an answer that shows
    the stock of the products `product_versions` only ({id: stock token read before their
    rows}), the catalog's content token and those products' tokens. None: not to be stored."""
    if product_versions is None:
        catalog = tokens.get(API_VERSION_KEY)
        return ("catalog", catalog) if catalog else None
    content = tokens.get(CATALOG_CONTENT_VERSION_KEY)
    if not content or not all(product_versions.values()):
        return None
    return ("products", content, tuple(sorted(product_versions.items())))


def api_answer_products(version) -> tuple[int, ...]:
    """The ids of the products whose stock an answer stored under `version` shows."""
    if not version or version[0] == "catalog":
        return ()
    return tuple(product_id for product_id, _token in version[2])


def api_answer_is_current(version, found: dict) -> bool:
    """Whether an answer stored under `version` may be served: `found` holds the current
    `API_ANSWER_VERSION_KEYS` and may hold the products' stock tokens (read in the same round
    trip when the caller guessed the products); the others are read here (one round trip)."""
    if not version:
        return False
    if version[0] == "catalog":
        return found.get(API_VERSION_KEY) == version[1]
    _kind, content, products = version
    if found.get(CATALOG_CONTENT_VERSION_KEY) != content:
        return False
    keys = {product_id: product_stock_version_key(product_id) for product_id, _ in products}
    unread = [key for key in keys.values() if key not in found]
    tokens = {**found, **cache.get_many(unread)} if unread else found
    return all(tokens.get(keys[product_id]) == token for product_id, token in products)


def api_cache_version() -> str:
    """The current version token of cached API responses (made on first use)."""
    version = cache.get(API_VERSION_KEY)
    if version is None:
        cache.add(API_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(API_VERSION_KEY)
    return version


def site_relative_path(url_path: str, *, roots=None) -> str | None:
    """The path a page with Wagtail `url_path` is served at (its site's root stripped).
    `roots`: `Site.get_site_root_paths()` (a cache read) when the caller has them already."""
    for root in roots if roots is not None else Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path) - 1 :]
    return None
