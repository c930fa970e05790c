"""Shape selector results (dataclasses) into the dicts the output serializers render."""

from rest_framework.fields import DateTimeField

from catalog.money import money
from commerce.models import Order
from commerce.selectors import CartSummary, WishlistEntry

# Renders a date-time as the serializers' DateTimeField does (ISO 8601 in the current time
# zone); a field of no serializer, used for its `to_representation` alone.
_DATETIME = DateTimeField()


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


def _datetime(value) -> str | None:
    return None if value is None else _DATETIME.to_representation(value)


def order_payload(order: Order) -> dict:
    """The order as `OrderSerializer` renders it (the answer of checkout and of an order's
    endpoints), built directly as `cart_payload` is; needs its details read
    (`commerce.selectors.order_details_load`)."""
    return {
        "number": str(order.number),
        "status": str(order.status),
        "currency": str(order.currency),
        "subtotal": _amount(order.subtotal),
        "shipping_total": _amount(order.shipping_total),
        "total": _amount(order.total),
        "created_at": _datetime(order.created_at),
        "paid_at": _datetime(order.paid_at),
        "expires_at": _datetime(order.expires_at),
        "is_cancellable": bool(order.is_cancellable),
        "email": str(order.email),
        "shipping_address": {
            "full_name": str(order.shipping_name),
            "line1": str(order.shipping_line1),
            "line2": str(order.shipping_line2),
            "city": str(order.shipping_city),
            "postal_code": str(order.shipping_postal_code),
            "country": str(order.shipping_country),
            "phone": str(order.shipping_phone),
        },
        "lines": [
            {
                "id": line.pk,
                "product_id": line.product_id,
                "variant_id": line.variant_id,
                "vendor_id": line.vendor_id,
                "vendor_name": str(line.vendor_name),
                "product_title": str(line.product_title),
                "variant_label": str(line.variant_label),
                "sku": str(line.sku),
                "unit_price": _amount(line.unit_price),
                "quantity": int(line.quantity),
                "line_total": _amount(line.line_total),
                "shipped_at": _datetime(line.shipped_at),
                "carrier": str(line.carrier),
                "tracking_number": str(line.tracking_number),
                "refunded_quantity": int(line.refunded_quantity),
            }
            for line in order.lines.all()
        ],
        "status_history": [
            {
                "from_status": str(change.from_status),
                "to_status": str(change.to_status),
                "note": str(change.note),
                "created_at": _datetime(change.created_at),
            }
            for change in order.status_changes.all()
        ],
    }
