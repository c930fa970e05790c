"""Reads of carts, orders and wishlists. Query counts stay constant per call.

Cart totals are never stored: `cart_summary` prices every line from the live (published)
variant and product rows each time it runs, and groups lines per vendor with that vendor's
flat-rate shipping.
"""

import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Sum
from django.db.models.functions import Length, Substr
from wagtail.models import PageViewRestriction

from catalog.models import Availability, ProductPage, ProductVariant, Stock, availability_for
from catalog.money import money
from catalog.selectors import live_products, shop_currency
from commerce.exceptions import OrderNotFound
from commerce.models import Cart, CartLine, Order, OrderLine, OrderStatusChange, WishlistItem
from nexus.prepared import PreparedQuery, instance
from vendors.models import Vendor

# --- Purchasability -----------------------------------------------------------------------


def stock_quantity_of(variant: ProductVariant) -> int:
    """The variant's on-hand quantity (0 when it has no stock row). Needs `stock` selected."""
    try:
        return variant.stock.quantity
    except ProductVariant.stock.RelatedObjectDoesNotExist:
        return 0


def live_product_ids(product_ids) -> set[int]:
    """Which of `product_ids` a shopper may buy: live and public. One query."""
    return set(live_products().filter(pk__in=set(product_ids)).values_list("pk", flat=True))


def _view_restricted(page_path) -> Exists:
    """Whether a view restriction covers the page at `page_path` (on it or an ancestor): what
    Wagtail's `.public()` excludes, as an expression usable inside another query."""
    return Exists(
        PageViewRestriction.objects.alias(
            covered=Substr(page_path, 1, Length("page__path"))
        ).filter(page__path=F("covered"))
    )


def unavailable_reason(variant: ProductVariant, *, live_ids: set[int]) -> str | None:
    """Why `variant` cannot be bought at all (archived, not published, vendor suspended), or None.

    Needs `page` and `page__vendor` selected. Stock is judged separately.
    """
    product = variant.page
    if variant.is_archived:
        name = f"{product.title} ({variant.label})" if variant.options else product.title
        return f"{name} is no longer available."
    if product.pk not in live_ids:
        return f"{product.title} is no longer available."
    if product.vendor is None or not product.vendor.is_active:
        return f"{product.title} is not available: its seller is not taking orders."
    return None


def variants_for_purchase(variant_ids) -> QuerySet[ProductVariant]:
    """The variants with their product, vendor and stock, and whether a view restriction
    covers the product (`restricted`), in one query: what `purchasable_product_ids` and
    `unavailable_reason` need."""
    return (
        ProductVariant.objects.filter(pk__in=variant_ids)
        .select_related("page", "page__vendor", "stock")
        .annotate(restricted=_view_restricted(OuterRef("page__path")))
    )


def purchasable_product_ids(variants) -> set[int]:
    """The products of `variants` (from `variants_for_purchase`) that are live and public, as
    `live_product_ids` judges them, without another query."""
    return {variant.page_id for variant in variants if variant.page.live and not variant.restricted}


# --- Cart ------------------------------------------------------------------------------------


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


def cart_count(*, cart: Cart | None) -> int:
    """Number of items in the cart (sum of quantities), for the mini-cart."""
    if cart is None:
        return 0
    return cart.lines.aggregate(total=Sum("quantity"))["total"] or 0


def cart_items_count(*, user=None, token=None) -> int:
    """Items in the user's cart or the anonymous cart with `token`, in one query."""
    if user is not None:
        lines = CartLine.objects.filter(cart__user=user)
    else:
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


# What a cart shows and a purchase checks of a variant, per model: {attname: lookup from the
# variant}. Only these fields are loaded (the others are deferred, as with `.only()`).
_VARIANT_FIELDS = {
    ProductVariant: {
        "id": "pk",
        "sort_order": "sort_order",
        "page_id": "page_id",
        "sku": "sku",
        "is_archived": "is_archived",
        "options": "options",
        "price_override": "price_override",
    },
    ProductPage: {
        "id": "page__pk",
        "page_ptr_id": "page__pk",
        "content_type_id": "page__content_type_id",
        "title": "page__title",
        "slug": "page__slug",
        "live": "page__live",
        "path": "page__path",
        "depth": "page__depth",
        "url_path": "page__url_path",
        "locale_id": "page__locale_id",
        "price": "page__price",
        "vendor_id": "page__vendor_id",
    },
    Vendor: {
        "id": "page__vendor__pk",
        "name": "page__vendor__name",
        "slug": "page__vendor__slug",
        "status": "page__vendor__status",
        "shipping_flat_rate": "page__vendor__shipping_flat_rate",
    },
    Stock: {"variant_id": "stock__variant_id", "quantity": "stock__quantity"},
}


class _Joined:
    """Rows of a `values_list` over `fields` ({model: {attname: lookup}}, lookups below
    `prefix`) turned back into the model instances they came from."""

    def __init__(self, fields: dict, prefix: str = ""):
        self.lookups = list(
            dict.fromkeys(
                prefix + lookup for of_model in fields.values() for lookup in of_model.values()
            )
        )
        self.columns = {
            model: [
                (attname, self.lookups.index(prefix + lookup))
                for attname, lookup in of_model.items()
            ]
            for model, of_model in fields.items()
        }

    def instances(self, row) -> dict:
        return {
            model: instance(model, {attname: row[index] for attname, index in columns})
            for model, columns in self.columns.items()
        }


def _variant_of(made: dict) -> ProductVariant:
    """The variant of `_Joined.instances`, with its product, vendor and stock set on it."""
    variant, product = made[ProductVariant], made[ProductPage]
    vendor = made[Vendor] if product.vendor_id is not None else None
    stock = made[Stock] if made[Stock].variant_id is not None else None
    ProductPage.vendor.field.set_cached_value(product, vendor)
    ProductVariant.page.field.set_cached_value(variant, product)
    ProductVariant.stock.related.set_cached_value(variant, stock)
    return variant


_VARIANT_JOINED = _Joined(_VARIANT_FIELDS)
# The variant with its product, vendor and stock, and whether a view restriction covers the
# product: what a cart add checks, in one query compiled once (`nexus.prepared`).
_VARIANT_FOR_PURCHASE = PreparedQuery(
    lambda variant_id: (
        ProductVariant.objects.filter(pk=variant_id)
        .annotate(restricted=_view_restricted(OuterRef("page__path")))
        .values_list(*_VARIANT_JOINED.lookups, "restricted")
    ),
    variant_id=int,
)


def variant_for_purchase(*, variant_id: int) -> ProductVariant | None:
    """`variants_for_purchase` of one variant (None when there is no such variant): its
    product, vendor and stock set, and `restricted`, in one query."""
    rows = _VARIANT_FOR_PURCHASE.rows(variant_id=variant_id)
    if not rows:
        return None
    variant = _variant_of(_VARIANT_JOINED.instances(rows[0]))
    variant.restricted = rows[0][-1]
    return variant


_CART_LINE_JOINED = _Joined(
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
            for model, of_model in _VARIANT_FIELDS.items()
        },
    }
)
# The cart's lines joined to their variants, products, vendors and stock, with whether a view
# restriction covers the product: one query, compiled once (`nexus.prepared`).
_CART_LINES = PreparedQuery(
    lambda cart_id: (
        CartLine.objects.filter(cart_id=cart_id)
        .annotate(restricted=_view_restricted(OuterRef("variant__page__path")))
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
        CartLine.variant.field.set_cached_value(line, _variant_of(made))
        CartLine.cart.field.set_cached_value(line, cart)
        line.restricted = row[-1]
        lines.append(line)
    return lines


def cart_summary(*, cart: Cart | None) -> CartSummary:
    """Price the cart from live rows: per line, per vendor (with flat-rate shipping), in total.

    Lines that cannot be bought (unpublished, vendor suspended) are listed with their reason and
    left out of the totals; lines asking for more than is in stock keep their price but carry a
    problem. One query whatever the size of the cart: the lines joined to their variants,
    products, vendors and stock with liveness and view restrictions (the default site and its
    shop settings come from the cache).
    """
    summary = CartSummary(cart=cart, currency=shop_currency())
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


# --- Orders ----------------------------------------------------------------------------------


def orders_for_user(*, user) -> QuerySet[Order]:
    """The shopper's orders, newest first, with their line count."""
    return Order.objects.filter(user=user).order_by("-created_at", "-pk")


def order_get_for_user(*, user, number: str) -> Order:
    """The shopper's order with this number, lines and history prefetched.

    Raises `OrderNotFound` for an unknown number and for another user's order alike.
    """
    order = (
        Order.objects.filter(user=user, number=str(number).upper())
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch(
                "status_changes",
                queryset=OrderStatusChange.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .first()
    )
    if order is None:
        raise OrderNotFound(f"No order {number}.")
    return order


# --- Wishlist --------------------------------------------------------------------------------


@dataclass
class WishlistEntry:
    item: WishlistItem
    product: object
    price: Decimal | None
    availability: str
    is_available: bool
    variants: list[ProductVariant]


def wishlist_for_user(*, user, item_id: int | None = None) -> list[WishlistEntry]:
    """The user's saved products with their current lowest price and availability.

    A product that was unpublished or whose vendor is suspended is listed as not available.
    Three queries whatever the number of items. `item_id` narrows it to one item.
    """
    items = WishlistItem.objects.filter(user=user)
    if item_id is not None:
        items = items.filter(pk=item_id)
    items = list(
        items.select_related("product", "product__vendor")
        .prefetch_related(
            Prefetch(
                "product__variants",
                queryset=ProductVariant.objects.select_related("stock").order_by(
                    "sort_order", "pk"
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )
    live_ids = live_product_ids(item.product_id for item in items)
    entries = []
    for item in items:
        product = item.product
        variants = list(product.variants.all())
        stock = sum(stock_quantity_of(variant) for variant in variants)
        is_live = product.pk in live_ids and product.vendor is not None and product.vendor.is_active
        prices = [variant.price for variant in variants]
        entries.append(
            WishlistEntry(
                item=item,
                product=product,
                price=money(min(prices)) if prices else money(product.price),
                availability=availability_for(stock) if is_live else Availability.SOLD_OUT,
                is_available=is_live and stock > 0,
                variants=variants,
            )
        )
    return entries
