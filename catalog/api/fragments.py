"""Each product's part of an API v2 product listing, rendered to JSON once and remembered.

A listing is the same for everyone but who may see which pages (view restrictions decide, per
request), so the list of products, its order and its count are read from the database on every
request; what each product looks like is not. Each product's item is stored as the JSON text
it has inside the listing, keyed by the product, its live revision and everything of the request
the item shows (the fields asked for, the host its links point to, the site, the currency, the
rich text format), under the catalog's version token (`catalog.cache.API_VERSION_KEY`): every
change a product shows replaces that token after its transaction commits (a publish, a stock
change, a vendor, category, image or site change, the shop settings), so no stale price, stock
or availability is ever served. The token is read before the products are, so an item
rendered from rows that changed meanwhile is stored under a token already retired.

`ListingJSONRenderer` joins the stored texts into the answer without encoding them again: the
answer is byte for byte the one DRF's JSONRenderer gives for the same data.
"""

import hashlib
import json

from rest_framework.renderers import JSONRenderer

from catalog import selectors
from catalog.api.absolute import base_url
from catalog.cache import API_VERSION_KEY, page_cache_seconds
from catalog.models import ProductPage
from nexus.versioned_cache import remembered_many

# Wagtail's API renders with this indent (BaseAPIViewSet.get_renderer_context); items are
# stored indented as they stand in a listing: inside "items", two levels deep.
ITEM_INDENT = 4
_ITEM_LINE_BREAK = "\n" + " " * (2 * ITEM_INDENT)


class RenderedItems(list):
    """The items of a listing as JSON text (bytes, indented for their place in the answer)."""

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


def product_items(*, view, serializer_class, rows: list[tuple[int, int | None]]) -> RenderedItems:
    """The items of the products `rows` ((id, live revision id), in listing order) as
    `view` shows them with `serializer_class`: from the cache, the missing ones rendered
    from `catalog.selectors.products_for_api` in its fixed number of queries and stored.
    A product gone since `rows` were read is left out."""
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
        items = serializer_class(products, many=True, context=context).data
        return {product.pk: _item_text(item) for product, item in zip(products, items, strict=True)}

    seconds = page_cache_seconds()
    if seconds > 0:
        keys = {pk: _item_key(pk, revision, shown_as) for pk, revision in rows}
        texts = remembered_many(API_VERSION_KEY, keys, render, seconds)
    else:
        texts = render([pk for pk, _ in rows])
    return RenderedItems(texts[pk] for pk, _ in rows if pk in texts)
