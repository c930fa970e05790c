"""Flat-rate shipping: each vendor charges `Vendor.shipping_flat_rate` once per order that
contains its items (see `commerce.selectors.cart_summary`). Editors set the rates."""

from decimal import Decimal, InvalidOperation

from django.db import transaction

from catalog.money import has_at_most_cents, money
from commerce.exceptions import InvalidShippingRate
from nexus.errors import PermissionDenied
from vendors.models import Vendor
from vendors.permissions import is_editor

MAX_RATE = Decimal("9999999999.99")


def shipping_rate_parse(value) -> Decimal:
    """A rate as a non-negative Decimal with at most two decimal places, or `InvalidShippingRate`."""
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidShippingRate("Enter an amount such as 4.90.", field="shipping_flat_rate")
    if not rate.is_finite() or rate < 0 or rate > MAX_RATE:
        raise InvalidShippingRate(
            "The shipping rate must be between 0 and 9999999999.99.", field="shipping_flat_rate"
        )
    if not has_at_most_cents(rate):
        raise InvalidShippingRate(
            "The shipping rate has at most two decimal places.", field="shipping_flat_rate"
        )
    return money(rate)


def vendor_shipping_rate_set(*, vendor_id: int, rate, actor) -> Vendor:
    """Set a vendor's flat shipping rate. Carts show it at once; placed orders keep theirs.

    Raises `PermissionDenied` (403) unless `actor` is an editor, `InvalidShippingRate` (400),
    `Vendor.DoesNotExist` for an unknown vendor. One UPDATE of the vendor row.
    """
    if not is_editor(actor):
        raise PermissionDenied("Only editors set shipping rates.")
    rate = shipping_rate_parse(rate)
    with transaction.atomic():
        vendor = Vendor.objects.select_for_update().get(pk=vendor_id)
        vendor.shipping_flat_rate = rate
        # Saved, not updated: what shows the vendor's products (carts read from the cache
        # among them) is retired when it commits (`catalog.cache`).
        vendor.save(update_fields=["shipping_flat_rate"])
    return vendor
