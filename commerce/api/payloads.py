"""Shape selector results (dataclasses) into the dicts the output serializers render."""

from catalog.money import money
from commerce.selectors import CartSummary, WishlistEntry


def _vendor(vendor):
    return {"id": vendor.pk, "name": vendor.name} if vendor is not None else None


def _product(product, request):
    return {"id": product.pk, "title": product.title, "url": product.get_url(request=request)}


def _variant(variant):
    return {"id": variant.pk, "sku": variant.sku, "label": variant.label}


def _amount(value) -> str:
    """An amount as `MONEY` serializer fields render it: two places, never an exponent."""
    return format(money(value), "f")


def _product_ref(product, request) -> dict:
    url = product.get_url(request=request)
    return {"id": product.pk, "title": str(product.title), "url": None if url is None else str(url)}


def cart_payload(summary: CartSummary, request) -> dict:
    """The cart as `CartSerializer` renders it (the answer of every cart endpoint), built
    directly: the serializer documents the shape and a test holds the two equal, but making its
    fields on every request cost more than the rest of a cart read."""
    cart = summary.cart
    return {
        "token": str(cart.token) if cart is not None and cart.user_id is None else None,
        "currency": str(summary.currency),
        "item_count": int(summary.item_count),
        "lines": [
            {
                "id": line.line.pk,
                "variant": {
                    "id": line.variant.pk,
                    "sku": str(line.variant.sku),
                    "label": str(line.variant.label),
                },
                "product": _product_ref(line.product, request),
                "vendor": _vendor(line.vendor),
                "unit_price": _amount(line.unit_price),
                "quantity": int(line.quantity),
                "line_total": _amount(line.line_total),
                "available_quantity": max(line.available_quantity, 0),
                "availability": str(line.availability),
                "problem": line.problem,
            }
            for line in summary.lines
        ],
        "vendors": [
            {
                "vendor": _vendor(group.vendor),
                "line_ids": [line.line.pk for line in group.lines],
                "subtotal": _amount(group.subtotal),
                "shipping": _amount(group.shipping),
                "total": _amount(group.total),
            }
            for group in summary.vendor_groups
        ],
        "subtotal": _amount(summary.subtotal),
        "shipping_total": _amount(summary.shipping_total),
        "total": _amount(summary.total),
        "problems": [str(problem) for problem in summary.problems],
    }


def wishlist_payload(entry: WishlistEntry, request) -> dict:
    return {
        "id": entry.item.pk,
        "product": _product(entry.product, request),
        "vendor": _vendor(entry.product.vendor),
        "price": entry.price,
        "availability": entry.availability,
        "is_available": entry.is_available,
        "variants": [_variant(variant) for variant in entry.variants],
        "created_at": entry.item.created_at,
    }
