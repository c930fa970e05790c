"""Shape selector results (dataclasses) into the dicts the output serializers render."""

from commerce.selectors import CartSummary, WishlistEntry


def _vendor(vendor):
    return {"id": vendor.pk, "name": vendor.name} if vendor is not None else None


def _product(product, request):
    return {"id": product.pk, "title": product.title, "url": product.get_url(request=request)}


def _variant(variant):
    return {"id": variant.pk, "sku": variant.sku, "label": variant.label}


def cart_payload(summary: CartSummary, request) -> dict:
    cart = summary.cart
    return {
        "token": cart.token if cart is not None and cart.user_id is None else None,
        "currency": summary.currency,
        "item_count": summary.item_count,
        "lines": [
            {
                "id": line.line.pk,
                "variant": _variant(line.variant),
                "product": _product(line.product, request),
                "vendor": _vendor(line.vendor),
                "unit_price": line.unit_price,
                "quantity": line.quantity,
                "line_total": line.line_total,
                "available_quantity": max(line.available_quantity, 0),
                "availability": line.availability,
                "problem": line.problem,
            }
            for line in summary.lines
        ],
        "vendors": [
            {
                "vendor": _vendor(group.vendor),
                "line_ids": [line.line.pk for line in group.lines],
                "subtotal": group.subtotal,
                "shipping": group.shipping,
                "total": group.total,
            }
            for group in summary.vendor_groups
        ],
        "subtotal": summary.subtotal,
        "shipping_total": summary.shipping_total,
        "total": summary.total,
        "problems": summary.problems,
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
