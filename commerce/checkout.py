"""Checkout: turn a cart into an order awaiting payment. The one place orders are placed.

The DRF checkout view, the site's checkout view and the tests all call `checkout_complete`.
"""

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from catalog import inventory
from commerce.cart import cart_lock
from commerce.exceptions import (
    CartEmpty,
    CartNotFound,
    InvalidIdempotencyKey,
    InvalidShippingAddress,
    ProductUnavailable,
)
from commerce.models import Cart, Order, OrderLine, OrderStatusChange
from commerce.selectors import CartSummary, cart_summary, order_details_set
from nexus.prepared import PreparedLookup

IDEMPOTENCY_KEY_MAX_LENGTH = 255
# Attempts at placing an order whose transaction a deadlock chose as its victim.
DEADLOCK_ATTEMPTS = 3

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ShippingAddress:
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    phone: str = ""


# field -> (label, maximum length, required); lengths match the Order snapshot columns.
ADDRESS_FIELDS = {
    "full_name": ("Full name", 200, True),
    "line1": ("Address line 1", 200, True),
    "line2": ("Address line 2", 200, False),
    "city": ("City", 100, True),
    "postal_code": ("Postal code", 20, True),
    "country": ("Country", 2, True),
    "phone": ("Phone", 40, False),
}


def shipping_address_validate(data: Mapping) -> ShippingAddress:
    """A `ShippingAddress` from a mapping of address fields, or `InvalidShippingAddress` (400)
    naming the first bad field. The country is an ISO 3166-1 alpha-2 code (any case)."""
    from accounts.countries import COUNTRIES

    if not isinstance(data, Mapping):
        raise InvalidShippingAddress("A shipping address is required.", field="shipping_address")
    values = {}
    for name, (label, max_length, required) in ADDRESS_FIELDS.items():
        value = data.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise InvalidShippingAddress(f"{label} must be text.", field=name)
        value = value.strip()
        if required and not value:
            raise InvalidShippingAddress(f"{label} is required.", field=name)
        if len(value) > max_length:
            raise InvalidShippingAddress(f"{label} is at most {max_length} characters.", field=name)
        values[name] = value
    values["country"] = values["country"].upper()
    if values["country"] not in COUNTRIES:
        raise InvalidShippingAddress(
            "Country must be an ISO 3166-1 alpha-2 code such as DE, FR, GB or US.",
            field="country",
        )
    return ShippingAddress(**values)


def _address_for(*, user, address_id, address) -> ShippingAddress:
    if address_id is not None:
        from accounts.selectors import address_get

        saved = address_get(user=user, address_id=address_id)
        return shipping_address_validate(
            {
                "full_name": saved.full_name,
                "line1": saved.line1,
                "line2": saved.line2,
                "city": saved.city,
                "postal_code": saved.postal_code,
                "country": saved.country,
                "phone": saved.phone,
            }
        )
    if address is None:
        raise InvalidShippingAddress(
            "Choose a saved address or enter a shipping address.", field="shipping_address"
        )
    return shipping_address_validate(address)


def _idempotency_key_clean(key) -> str | None:
    if key is None:
        return None
    key = str(key).strip()
    if not key:
        return None
    if len(key) > IDEMPOTENCY_KEY_MAX_LENGTH or not key.isprintable():
        raise InvalidIdempotencyKey(
            f"The Idempotency-Key must be printable and at most {IDEMPOTENCY_KEY_MAX_LENGTH} "
            "characters."
        )
    return key


def checkout_complete(
    *,
    user,
    cart: Cart,
    idempotency_key: str | None,
    address_id: int | None = None,
    address: Mapping | None = None,
    save_address: bool = False,
    with_details: bool = False,
) -> Order:
    """Place an order (pending payment) for everything in `cart`; returns the order.

    With `save_address` and new `address` fields, the address is also saved to the shopper's
    address book in the same transaction (their first becomes the default).

    Validates the shipping address (a saved `address_id` of the user, or `address` fields),
    re-prices every line from the published variant and product rows, refuses lines that are no
    longer purchasable, creates the order with snapshot lines and shipping per vendor, records
    the status history, empties the cart and, last, reserves stock for every line through
    `catalog.inventory.stock_reserve` (conditional updates in ascending variant id order, all
    or nothing; the stock rows stay locked only from there to the commit) — all in one
    transaction. The order expires after ORDER_PAYMENT_TIMEOUT_MINUTES.

    With `with_details`, an order placed now comes back with its lines and status history as
    written (`order_details_set`), for an answer that shows them without reading them back
    (details read once are not read again: a caller that changes the order afterwards reads it
    afresh); an order placed earlier with the key comes back without them.

    Idempotent: with the same `idempotency_key` the same user gets the order already placed and
    nothing is reserved again (looked up under the cart lock, before anything else is read).
    Locks the cart row, so two checkouts of one cart serialise; the unique (user,
    idempotency_key) constraint settles any remaining race.

    Raises `CartNotFound` (404) for a cart that is not the user's, `InvalidIdempotencyKey`,
    `InvalidShippingAddress`, `CartEmpty` (400),
    `AddressNotFound` (404), `ProductUnavailable` (409), `InsufficientStock` (409, naming the
    product and how many are left), and with `save_address` `AddressInvalid` (400). Nothing
    changes when it raises.
    """
    if cart.user_id != user.pk:
        raise CartNotFound("This is not your cart.")
    idempotency_key = _idempotency_key_clean(idempotency_key)
    # A deadlock victim's whole transaction was rolled back, so it is placed again from the
    # start; inside a caller's transaction that is the caller's to retry.
    attempts = 1 if transaction.get_connection().in_atomic_block else DEADLOCK_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return _checkout_once(
                user=user,
                cart=cart,
                idempotency_key=idempotency_key,
                address_id=address_id,
                address=address,
                save_address=save_address,
                with_details=with_details,
            )
        except OperationalError as error:
            if attempt == attempts or not _is_deadlock(error):
                raise
            logger.warning("Checkout of cart %s was a deadlock victim; placing it again.", cart.pk)
    raise AssertionError("unreachable")  # pragma: no cover


def _is_deadlock(error: OperationalError) -> bool:
    """MariaDB/MySQL error 1213, PostgreSQL SQLSTATE 40P01."""
    return getattr(error.__cause__, "sqlstate", None) == "40P01" or (
        bool(error.args) and error.args[0] == 1213
    )


def _checkout_once(
    *, user, cart, idempotency_key, address_id, address, save_address, with_details
) -> Order:
    try:
        with transaction.atomic():
            order, lines, placed = _place_order(
                user=user,
                cart=cart,
                idempotency_key=idempotency_key,
                address_id=address_id,
                address=address,
                save_address=save_address,
            )
        if with_details and placed is not None:
            order_details_set(order, lines=lines, status_changes=[placed])
        return order
    except IntegrityError:
        # A concurrent checkout with the same key committed first: answer with its order.
        if idempotency_key:
            existing = Order.objects.filter(user=user, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise


# Asked by every checkout under the cart lock: compiled once (`nexus.prepared`).
_ORDER_WITH_KEY = PreparedLookup(Order, user_id=int, idempotency_key=str)


def _order_with_key(*, user_id: int, idempotency_key: str) -> Order | None:
    """The user's order placed with this Idempotency-Key (unique per user), or None."""
    return _ORDER_WITH_KEY.get(user_id=user_id, idempotency_key=idempotency_key)


def _place_order(
    *, user, cart: Cart, idempotency_key, address_id, address, save_address
) -> tuple[Order, list[OrderLine], OrderStatusChange | None]:
    """The order placed now with its lines and first status row as written, or the order an
    earlier attempt with this key placed (returned whatever was sent this time) and no
    details."""
    cart_lock(cart=cart)
    if idempotency_key:
        # Read under the cart lock: a retry that waited for the first attempt sees its order.
        existing = _order_with_key(user_id=user.pk, idempotency_key=idempotency_key)
        if existing is not None:
            return existing, [], None
    shipping = _address_for(user=user, address_id=address_id, address=address)
    summary = cart_summary(cart=cart)
    if summary.is_empty:
        raise CartEmpty("Your cart is empty.")
    unavailable = [line.unavailable_reason for line in summary.lines if line.unavailable_reason]
    if unavailable:
        raise ProductUnavailable(" ".join(unavailable) + " Remove it from your cart to check out.")
    order, lines, placed = _order_create(
        user=user, summary=summary, shipping=shipping, idempotency_key=idempotency_key
    )
    cart.lines.all().delete()
    if save_address and address_id is None:
        from accounts.services import address_create

        address_create(user=user, **dataclasses.asdict(shipping))
    # Last: a reserved stock row stays locked until the commit, and other checkouts of the
    # variant wait for it, so nothing else runs in between. A shortage rolls back all above.
    inventory.stock_reserve(quantities={line.variant.pk: line.quantity for line in summary.lines})
    return order, lines, placed


def _order_create(
    *, user, summary: CartSummary, shipping: ShippingAddress, idempotency_key
) -> tuple[Order, list[OrderLine], OrderStatusChange]:
    """The order of the priced cart with its snapshot lines and its first status row."""
    order = Order.objects.create(
        user=user,
        email=user.email,
        status=Order.Status.PENDING_PAYMENT,
        currency=summary.currency,
        subtotal=summary.subtotal,
        shipping_total=summary.shipping_total,
        total=summary.total,
        shipping_name=shipping.full_name,
        shipping_line1=shipping.line1,
        shipping_line2=shipping.line2,
        shipping_city=shipping.city,
        shipping_postal_code=shipping.postal_code,
        shipping_country=shipping.country,
        shipping_phone=shipping.phone,
        idempotency_key=idempotency_key,
        expires_at=timezone.now() + timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES),
    )
    lines = OrderLine.objects.bulk_create(
        [
            OrderLine(
                order=order,
                variant=line.variant,
                product=line.product,
                vendor=line.vendor,
                vendor_name=line.vendor.name,
                product_title=line.product.title[:255],
                variant_label=line.variant.label[:255] if line.variant.options else "",
                sku=line.variant.sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.line_total,
            )
            for line in summary.lines
        ]
    )
    placed = OrderStatusChange.objects.create(
        order=order, from_status="", to_status=order.status, actor=user, note="Order placed."
    )
    return order, lines, placed
