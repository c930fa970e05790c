"""Reads of carts: finding a shopper's cart, counting its items and pricing it.

Cart totals are never stored: `cart_summary` prices every line from the live (published)
variant and product rows each time it runs, and groups lines per vendor with that vendor's
flat-rate shipping.
"""

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Sum

from catalog.cache import CATALOG_CONTENT_VERSION_KEY, product_stock_version_key
from catalog.models import Availability, ProductVariant, availability_for
from catalog.money import money
from catalog.selectors import shop_currency
from commerce.models import Cart, CartLine
from commerce.selectors.purchase import (
    VARIANT_FIELDS,
    JoinedRows,
    stock_quantity_of,
    unavailable_reason,
    variant_from_row,
    view_restricted,
)
from nexus.prepared import PreparedQuery, instance


def cart_find(*, user=None, token=None) -> Cart | None:
    """The user's cart, or the anonymous cart with this token; None when there is none.

    A token only ever finds an anonymous cart: a user's cart is reached by logging in.
    """
    if user is not None and user.is_authenticated:
        return cart_of_user(user_id=user.pk)
    if not token:
        return None
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return Cart.objects.filter(token=token, user__isnull=True).first()


_CART_FIELDS = [field.attname for field in Cart._meta.concrete_fields]
# Every authenticated cart request starts here: compiled once (`nexus.prepared`).
_CART_OF_USER = PreparedQuery(
    lambda user_id: Cart.objects.filter(user_id=user_id).values_list(*_CART_FIELDS), user_id=int
)


def cart_of_user(*, user_id: int) -> Cart | None:
    """The cart of the user with this id, or None. One query."""
    rows = _CART_OF_USER.rows(user_id=user_id)
    return instance(Cart, dict(zip(_CART_FIELDS, rows[0], strict=True))) if rows else None


# What a cart's answer is made of on the cart's side: its lines as (id, variant id, quantity,
# product id), in id order; compiled once (`nexus.prepared`).
_CART_LINE_KEYS = PreparedQuery(
    lambda cart_id: (
        CartLine.objects.filter(cart_id=cart_id)
        .values_list("pk", "variant_id", "quantity", "variant__page_id")
        .order_by("pk")
    ),
    cart_id=int,
)


def cart_line_keys(*, cart: Cart) -> tuple[tuple[int, int, int, int], ...]:
    """The cart's lines as (id, variant id, quantity, product id), in id order: one query
    on two tables, what an answer remembered for the cart is keyed by."""
    return tuple(tuple(row) for row in _CART_LINE_KEYS.rows(cart_id=cart.pk))


def cart_version_keys(*, lines: tuple[tuple[int, int, int, int], ...]) -> list[str]:
    """The tokens an answer showing the cart whose `cart_line_keys` are `lines` may be kept
    under: the catalog's content token (every change to a price, title, URL, vendor, shipping
    rate, currency or view restriction replaces it) and the stock tokens of its products."""
    products = sorted({product_id for *_line, product_id in lines})
    return [CATALOG_CONTENT_VERSION_KEY, *map(product_stock_version_key, products)]


_LINE_KEY_LOOKUPS = ("lines__pk", "lines__variant_id", "lines__quantity", "lines__variant__page_id")
# A logged-in shopper's cart read: the cart and its line keys in one statement, compiled once.
_CART_WITH_LINE_KEYS_OF_USER = PreparedQuery(
    lambda user_id: (
        Cart.objects.filter(user_id=user_id)
        .values_list(*_CART_FIELDS, *_LINE_KEY_LOOKUPS)
        .order_by("lines__pk")
    ),
    user_id=int,
)


def cart_with_line_keys_of_user(*, user_id: int) -> tuple[Cart | None, tuple]:
    """`cart_of_user` and `cart_line_keys` of that cart in one query: (None, ()) when the
    user has no cart."""
    rows = _CART_WITH_LINE_KEYS_OF_USER.rows(user_id=user_id)
    if not rows:
        return None, ()
    width = len(_CART_FIELDS)
    cart = instance(Cart, dict(zip(_CART_FIELDS, rows[0][:width], strict=True)))
    return cart, tuple(tuple(row[width:]) for row in rows if row[width] is not None)


def cart_count(*, cart: Cart | None) -> int:
    """Number of items in the cart (sum of quantities), for the mini-cart."""
    if cart is None:
        return 0
    return cart.lines.aggregate(total=Sum("quantity"))["total"] or 0


# The header's count on every page a logged-in shopper opens: compiled once (`nexus.prepared`).
_CART_ITEMS_OF_USER = PreparedQuery(
    lambda user_id: (
        Cart.objects.filter(user_id=user_id)
        .annotate(items=Sum("lines__quantity"))
        .values_list("items")
    ),
    user_id=int,
)


def cart_items_count(*, user=None, token=None) -> int:
    """Items in the user's cart or the anonymous cart with `token`, in one query."""
    if user is not None:
        rows = _CART_ITEMS_OF_USER.rows(user_id=user.pk)
        return (rows[0][0] or 0) if rows else 0
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return 0
    lines = CartLine.objects.filter(cart__token=token, cart__user__isnull=True)
    return lines.aggregate(total=Sum("quantity"))["total"] or 0


@dataclass
class CartLineView:
    line: CartLine
    variant: ProductVariant
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    available_quantity: int
    unavailable_reason: str | None

    @property
    def product(self):
        return self.variant.page

    @property
    def vendor(self):
        return self.variant.page.vendor

    @property
    def availability(self) -> str:
        if self.unavailable_reason:
            return Availability.SOLD_OUT
        return availability_for(self.available_quantity)

    @property
    def problem(self) -> str | None:
        """What stops this line from being checked out, in words for the shopper."""
        if self.unavailable_reason:
            return self.unavailable_reason
        if self.available_quantity <= 0:
            return f"{self.product.title} is sold out."
        if self.quantity > self.available_quantity:
            return f"Only {self.available_quantity} of {self.product.title} left."
        return None

    @property
    def is_purchasable(self) -> bool:
        return self.problem is None


@dataclass
class VendorGroup:
    vendor: object
    lines: list[CartLineView] = field(default_factory=list)
    subtotal: Decimal = Decimal("0.00")
    shipping: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping


@dataclass
class CartSummary:
    cart: Cart | None
    currency: str
    lines: list[CartLineView] = field(default_factory=list)
    vendor_groups: list[VendorGroup] = field(default_factory=list)
    subtotal: Decimal = Decimal("0.00")
    shipping_total: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping_total

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def problems(self) -> list[str]:
        return [line.problem for line in self.lines if line.problem]

    @property
    def is_empty(self) -> bool:
        return not self.lines


_CART_LINE_JOINED = JoinedRows(
    {
        CartLine: {
            "id": "pk",
            "cart_id": "cart_id",
            "variant_id": "variant_id",
            "quantity": "quantity",
            "created_at": "created_at",
        },
        **{
            model: {attname: f"variant__{lookup}" for attname, lookup in of_model.items()}
            for model, of_model in VARIANT_FIELDS.items()
        },
    }
)
# The cart's lines joined to their variants, products, vendors and stock, with whether a view
# restriction covers the product: one query, compiled once (`nexus.prepared`).
_CART_LINES = PreparedQuery(
    lambda cart_id: (
        CartLine.objects.filter(cart_id=cart_id)
        .annotate(restricted=view_restricted(OuterRef("variant__page__path")))
        .values_list(*_CART_LINE_JOINED.lookups, "restricted")
        .order_by("created_at", "pk")
    ),
    cart_id=int,
)


def _cart_lines(cart: Cart) -> list[CartLine]:
    """The cart's lines in order, each with `variant`, `variant.page` (the product, its fields
    that a cart shows loaded), `variant.page.vendor`, `variant.stock` and `restricted` set."""
    lines = []
    for row in _CART_LINES.rows(cart_id=cart.pk):
        made = _CART_LINE_JOINED.instances(row)
        line = made[CartLine]
        CartLine.variant.field.set_cached_value(line, variant_from_row(made))
        CartLine.cart.field.set_cached_value(line, cart)
        line.restricted = row[-1]
        lines.append(line)
    return lines


def cart_summary(*, cart: Cart | None, currency: str | None = None) -> CartSummary:
    """Price the cart from live rows: per line, per vendor (with flat-rate shipping), in total.

    Lines that cannot be bought (unpublished, vendor suspended) are listed with their reason and
    left out of the totals; lines asking for more than is in stock keep their price but carry a
    problem. One query whatever the size of the cart: the lines joined to their variants,
    products, vendors and stock with liveness and view restrictions (the default site and its
    shop settings come from the cache). `currency`: the shop's, when the caller has it.
    """
    summary = CartSummary(cart=cart, currency=currency or shop_currency())
    if cart is None:
        return summary
    lines = _cart_lines(cart)
    # Live and public, as `live_product_ids` judges it, read in the same query.
    live_ids = {
        line.variant.page_id for line in lines if line.variant.page.live and not line.restricted
    }
    groups: OrderedDict[object, VendorGroup] = OrderedDict()
    for line in lines:
        variant = line.variant
        unit_price = money(variant.price)
        view = CartLineView(
            line=line,
            variant=variant,
            unit_price=unit_price,
            quantity=line.quantity,
            line_total=money(unit_price * line.quantity),
            available_quantity=stock_quantity_of(variant),
            unavailable_reason=unavailable_reason(variant, live_ids=live_ids),
        )
        summary.lines.append(view)
        vendor = variant.page.vendor
        group = groups.setdefault(vendor.pk if vendor else None, VendorGroup(vendor=vendor))
        group.lines.append(view)
        if view.unavailable_reason is None:
            group.subtotal += view.line_total
    for group in groups.values():
        # Flat rate once per vendor that has something to ship.
        if group.vendor and any(line.unavailable_reason is None for line in group.lines):
            group.shipping = money(group.vendor.shipping_flat_rate)
        summary.vendor_groups.append(group)
        summary.subtotal += group.subtotal
        summary.shipping_total += group.shipping
    return summary
