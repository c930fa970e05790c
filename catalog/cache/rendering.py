"""What templates and the context use of the page cache: the CSRF placeholder that shared
pages hold in place of a visitor's token, and the keys of cached template fragments."""

import uuid

from catalog.cache.keys import (
    api_cache_version,
    digest,
    page_cache_seconds,
    path_version,
    site_relative_path,
)

# Forms on pages that may be shared render this instead of the visitor's CSRF token
# (`csrf_placeholder` below); the page cache puts the requesting visitor's own token in its
# place (nexus.cache). No cached page or fragment ever holds a real token.
CSRF_PLACEHOLDER = "nexus-csrf-token-placeholder"


def csrf_placeholder(request) -> dict:
    """Context processor: `csrf_token` is the placeholder on requests the page cache marked
    (`request.csrf_placeholder`), so `{% csrf_token %}` renders it; others are untouched."""
    if getattr(request, "csrf_placeholder", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def shared_fragment(request, page, *vary_on) -> tuple[int, str]:
    """(seconds, key) for `{% cache %}` around the part of `page` that is the same for every
    visitor: keyed by the page, its live revision and its path's version token (so whatever
    invalidates the anonymous copy of the page also retires the fragment), plus `vary_on`.
    Previews, pages rendered outside the page cache's marking, and a zero lifetime get a key
    of their own and no caching."""
    seconds = page_cache_seconds()
    if (
        seconds <= 0
        or getattr(request, "is_preview", False)
        or not getattr(request, "csrf_placeholder", False)
    ):
        return 0, f"uncached:{uuid.uuid4().hex}"
    path = site_relative_path(page.url_path)
    if path is None:
        return 0, f"uncached:{uuid.uuid4().hex}"
    parts = [str(page.pk), str(page.live_revision_id), path_version(path), *map(str, vary_on)]
    return seconds, digest("|".join(parts))


def catalog_fragment(request, name: str, *vary_on) -> tuple[int, str]:
    """(seconds, key) for `{% cache %}` around a part that lists products from the whole
    catalog (the search results and their facets), the same for every visitor: keyed by the
    catalog's version token (the API's, which every change to a product, its stock, a category,
    a vendor or a view restriction replaces) plus `vary_on`. Previews and a zero lifetime get a
    key of their own and no caching."""
    seconds = page_cache_seconds()
    if seconds <= 0 or getattr(request, "is_preview", False):
        return 0, f"uncached:{uuid.uuid4().hex}"
    return seconds, digest("|".join([name, api_cache_version(), *map(str, vary_on)]))
