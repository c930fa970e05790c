"""The keys and version tokens of what the page cache holds for the catalog.

Everything cached for a path (whole pages for any host, shared fragments) lives under that
path's version token (`path_version`) and the site's (`SITE_VERSION_KEY`); cached API answers
and what lists products from the whole catalog live under the catalog's (`API_VERSION_KEY`).
Replacing a token retires everything stored under it in one write (`catalog.cache.invalidation`).
"""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from wagtail.models import Site

API_VERSION_KEY = "pagecache:api-version"
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


def api_cache_key(*, version: str, full_path: str) -> str:
    return f"pagecache:api:{version}:{digest(full_path)}"


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
