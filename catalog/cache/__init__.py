"""What the page cache holds for the catalog, and how it is invalidated.

The cache itself is `nexus.cache.PageCacheMiddleware`: anonymous GETs of product, category,
storefront and home pages (by path) and of the Wagtail API v2 page endpoints (by full URL,
under one version token) are served from Django's cache (Redis when REDIS_URL is set).
Shoppers with a session or a login get the page shared but for their own parts
(`catalog.shared_pages`, under the same version tokens), and, where a page is rendered for them
(filters, pagination), the part that is the same for everyone from a cached fragment
(`shared_fragment`).

Everything cached for a path (whole pages for any host, fragments) lives under that path's
version token; invalidating the path replaces the token in one write (`paths_invalidate`).
A change every page shows (the shop settings) replaces the site's token, part of every path's
version, and so retires everything at once (`site_pages_invalidate`).

A change to a product invalidates exactly what shows it: its own page, the category pages
that list it (its categories and their ancestors, which list sub-category products too), its
storefront, the home pages that feature it, and the API (one version bump). It happens after
the transaction commits, so nobody can re-cache the old state in between, and the same URLs
are purged from a frontend cache (CDN) when WAGTAILFRONTENDCACHE is configured.

The package is split by concept: the keys and version tokens (`keys`), what templates use
(`rendering`: the CSRF placeholder, cached fragments), what a change retires (`invalidation`)
and the signal receivers that join Wagtail's publishing flow, image and site changes to it
(`receivers.connect`); stock changes call `variants_cache_invalidate` from `catalog.inventory`.
Everything is importable from `catalog.cache` as well.
"""

from catalog.cache.invalidation import (
    PAGES_SHOWING_CATEGORIES_HOOK,
    PAGES_SHOWING_PRODUCTS_HOOK,
    page_paths,
    paths_invalidate,
    product_paths,
    products_cache_invalidate,
    site_pages_invalidate,
    variants_cache_invalidate,
)
from catalog.cache.keys import (
    API_ANSWER_VERSION_KEYS,
    API_PREFIX,
    API_VERSION_KEY,
    CACHED_PAGE_TYPES,
    CATALOG_CONTENT_VERSION_KEY,
    PRODUCT_PATHS_SECONDS,
    PRODUCT_PATHS_VERSION_KEY,
    SITE_VERSION_KEY,
    api_answer_is_current,
    api_answer_products,
    api_answer_version,
    api_cache_key,
    api_cache_version,
    listing_kept,
    listing_version_keys,
    page_cache_key,
    page_cache_seconds,
    path_version,
    path_version_found,
    path_version_key,
    path_version_keys,
    product_stock_version_key,
    site_relative_path,
)
from catalog.cache.receivers import connect
from catalog.cache.rendering import (
    CSRF_PLACEHOLDER,
    catalog_fragment,
    csrf_placeholder,
    shared_fragment,
)

__all__ = [
    "API_ANSWER_VERSION_KEYS",
    "CATALOG_CONTENT_VERSION_KEY",
    "api_answer_is_current",
    "api_answer_products",
    "api_answer_version",
    "product_stock_version_key",
    "API_PREFIX",
    "API_VERSION_KEY",
    "CACHED_PAGE_TYPES",
    "CSRF_PLACEHOLDER",
    "PAGES_SHOWING_CATEGORIES_HOOK",
    "PAGES_SHOWING_PRODUCTS_HOOK",
    "PRODUCT_PATHS_SECONDS",
    "PRODUCT_PATHS_VERSION_KEY",
    "SITE_VERSION_KEY",
    "api_cache_key",
    "api_cache_version",
    "catalog_fragment",
    "connect",
    "csrf_placeholder",
    "page_cache_key",
    "listing_kept",
    "listing_version_keys",
    "page_cache_seconds",
    "page_paths",
    "path_version",
    "path_version_found",
    "path_version_key",
    "path_version_keys",
    "paths_invalidate",
    "product_paths",
    "products_cache_invalidate",
    "shared_fragment",
    "site_pages_invalidate",
    "site_relative_path",
    "variants_cache_invalidate",
]
