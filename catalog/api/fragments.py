"""An API v2 product listing from the cache: its page of products, and each product's part of
it rendered to JSON once.

The page of products (the count and the ids with their live revisions) is the same for every
request with the same host and query string while no page has a view restriction: it is kept
per query (`listing_page`) under the token of the catalog but its stock
(`catalog.cache.CATALOG_CONTENT_VERSION_KEY`: a publish, an unpublish, a move, a vendor,
category, image or site change, the shop settings replace it), and an in-stock filter under the
catalog's token, which a stock change replaces too (`API_VERSION_KEY`); both with the view
restrictions' token. Once any page has a view restriction, Wagtail decides who sees which pages
on each request and the page is read from the database every time.

Each product's item is stored as the JSON text it has inside the listing, keyed by the product,
its live revision and everything of the request the item shows (the fields asked for, the host
its links point to, the site, the currency, the rich text format), under the catalog's content
token and the product's stock token (`catalog.cache.product_stock_version_key`), which a change
of its stock replaces: a checkout retires the items of the products it sold and no other. Every
token is replaced after the change's transaction commits and read before the rows it covers,
so what was computed from rows that changed meanwhile is stored under a token already retired.

`ListingJSONRenderer` joins the stored texts into the answer without encoding them again: the
answer is byte for byte the one DRF's JSONRenderer gives for the same data.
"""

import hashlib
import json
import logging
from collections.abc import Callable

from django.core.cache import cache
from rest_framework.renderers import JSONRenderer

from catalog import selectors
from catalog.api.absolute import base_url
from catalog.cache import (
    CATALOG_CONTENT_VERSION_KEY,
    listing_kept,
    listing_version_keys,
    page_cache_seconds,
    product_stock_version_key,
)
from catalog.models import ProductPage
from nexus.page_restrictions import SECTIONS_KEY as RESTRICTED_SECTIONS_KEY
from nexus.versioned_cache import current, remembered_each

logger = logging.getLogger(__name__)

# Wagtail's API renders with this indent (BaseAPIViewSet.get_renderer_context); items are
# stored indented as they stand in a listing: inside "items", two levels deep.
ITEM_INDENT = 4
_ITEM_LINE_BREAK = "\n" + " " * (2 * ITEM_INDENT)


class RenderedItems(list):
    """The items of a listing as JSON text (bytes, indented for their place in the answer);
    `stock_versions`: {product id: its stock token read before its item}, or None when the
    items were not cached."""

    stock_versions: dict[int, str] | None = None

    def parsed(self) -> list:
        return [json.loads(item) for item in self]


class ListingJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer; a listing whose items are `RenderedItems` has them joined in as
    they are when it is rendered with their indent, and decoded first otherwise (another
    indent asked for in the Accept header)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, RenderedItems):
            return super().render(data, accepted_media_type, renderer_context)
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if indent != ITEM_INDENT or list(data)[-1] != "items":
            data = {**data, "items": items.parsed()}
            return super().render(data, accepted_media_type, renderer_context)
        envelope = super().render({**data, "items": []}, accepted_media_type, renderer_context)
        if not items:
            return envelope
        # The envelope ends with the empty list, `"items": []`, and the closing brace.
        head = envelope[: -len(b"[]\n}")]
        opening, closing = _ITEM_LINE_BREAK.encode(), _ITEM_LINE_BREAK[:-ITEM_INDENT].encode()
        return head + b"[" + opening + (b"," + opening).join(items) + closing + b"]\n}"


def _item_text(item) -> bytes:
    text = ListingJSONRenderer().render(item, None, {"indent": ITEM_INDENT})
    return text.replace(b"\n", _ITEM_LINE_BREAK.encode())


def _item_key(pk: int, revision: int | None, shown_as: str) -> str:
    digest = hashlib.sha1(f"{revision}|{shown_as}".encode(), usedforsecurity=False).hexdigest()
    return f"pagecache:api-item:{pk}:{digest}"


def product_items(*, view, serializer_class: Callable[[], type], rows) -> RenderedItems:
    """The items of the products `rows` ((id, live revision id), in listing order) as
    `view` shows them with the serializer class `serializer_class()` returns: from the cache,
    the missing ones rendered from `catalog.selectors.products_for_api` in its fixed number of
    queries and stored. A product gone since `rows` were read is left out."""
    request = view.request
    site = selectors.site_for_request(request)
    # What the items show of the request. The shop's currency is the site's: a change to
    # the shop settings replaces the version token.
    shown_as = "|".join(
        [
            request.GET.get("fields", ""),
            base_url(request),
            str(site.pk if site else ""),
            str(view.resolve_rich_text_format()),
        ]
    )

    def render(product_ids) -> dict[int, bytes]:
        products = list(selectors.products_for_api(ProductPage.objects.filter(pk__in=product_ids)))
        context = view.get_serializer_context()
        items = serializer_class()(products, many=True, context=context).data
        return {product.pk: _item_text(item) for product, item in zip(products, items, strict=True)}

    stock_versions = None
    if page_cache_seconds() > 0:
        keys = {pk: _item_key(pk, revision, shown_as) for pk, revision in rows}
        texts, stock_versions = remembered_each(
            CATALOG_CONTENT_VERSION_KEY,
            keys,
            {pk: product_stock_version_key(pk) for pk in keys},
            render,
            page_cache_seconds(),
        )
    else:
        texts = render([pk for pk, _ in rows])
    items = RenderedItems(texts[pk] for pk, _ in rows if pk in texts)
    items.stock_versions = stock_versions
    return items


def listing_page(*, view, compute: Callable[[], tuple[int, list]]) -> tuple[int, list]:
    """(count, [(id, live revision id)]) of the product listing `view` answers: `compute()`'s,
    kept per host and query string (see the module) while no page has a view restriction.
    `compute` validates the request: only what it answered without raising is stored."""
    request = view.request
    seconds = page_cache_seconds()
    if seconds <= 0 or request.GET.get("order") == "random":
        return compute()
    version_keys = _listing_version_keys(request)
    key = (
        "pagecache:api-listing:"
        + hashlib.sha1(
            f"{request.get_host()}|{request.get_full_path()}".encode(), usedforsecurity=False
        ).hexdigest()
    )
    try:
        # The restricted sections in the same round trip (`any_restricted`).
        found = cache.get_many([*version_keys, RESTRICTED_SECTIONS_KEY, key])
        tokens = [found.get(name) or current(name) for name in version_keys]
    except Exception:
        logger.warning("Cache unavailable reading %s; computing it.", key, exc_info=True)
        return compute()
    # Asked after the tokens are read, and the same answer the view filters with: a
    # restriction added since retires what is stored under them.
    if view.any_restricted(found) or not all(tokens):
        return compute()
    version = ":".join(tokens)
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    answer = compute()
    try:
        cache.set(key, (version, answer), seconds)
    except Exception:
        logger.warning("Cache unavailable storing %s.", key, exc_info=True)
    return answer


def _listing_version_keys(request) -> list[str]:
    return listing_version_keys(in_stock="in_stock" in request.GET)


# Parameters that choose which part of a listing is shown, not what it counts.
_NOT_COUNTED = frozenset(["offset", "limit", "fields"])


class CountedListing:
    """A product listing's queryset for Wagtail's pagination (which counts it and slices
    it), whose count is `count()`'s."""

    def __init__(self, queryset, count: Callable[[], int]):
        self.queryset, self._count = queryset, count

    def count(self) -> int:
        return self._count()

    def __getitem__(self, item):
        return self.queryset[item]


def counted_listing(*, view, queryset) -> CountedListing:
    """`queryset` (the product listing `view` answers, filtered) with its count kept per host
    and query string (but the page asked for and the fields shown) under the listing's tokens
    (`_listing_version_keys`), read before the rows are counted, while no page has a view
    restriction (then Wagtail decides for each request which pages it sees). Counting a large
    category costs a check of every product in it, for every page of it, where its page of ids
    costs a walk of an index."""
    request = view.request
    if view.any_restricted():
        return CountedListing(queryset, queryset.count)
    counted = sorted(
        (name, value) for name, value in request.GET.lists() if name not in _NOT_COUNTED
    )
    key = (
        "pagecache:api-count:"
        + hashlib.sha1(
            f"{request.get_host()}|{request.path}|{counted}".encode(), usedforsecurity=False
        ).hexdigest()
    )
    return CountedListing(
        queryset,
        lambda: listing_kept(_listing_version_keys(request), key, queryset.count),
    )
