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


# What `cart_summary` reads of each line, per model: {attname: lookup from the line}. Only
# these fields are loaded (the others are deferred, as with `.only()`).
_CART_LINE_FIELDS = {
    CartLine: {
        "id": "pk",
        "cart_id": "cart_id",
        "variant_id": "variant_id",
        "quantity": "quantity",
        "created_at": "created_at",
    },
    ProductVariant: {
        "id": "variant__pk",
        "sort_order": "variant__sort_order",
        "page_id": "variant__page_id",
        "sku": "variant__sku",
        "is_archived": "variant__is_archived",
        "options": "variant__options",
        "price_override": "variant__price_override",
    },
    ProductPage: {
        "id": "variant__page__pk",
        "page_ptr_id": "variant__page__pk",
        "content_type_id": "variant__page__content_type_id",
        "title": "variant__page__title",
        "slug": "variant__page__slug",
        "live": "variant__page__live",
        "path": "variant__page__path",
        "depth": "variant__page__depth",
        "url_path": "variant__page__url_path",
        "locale_id": "variant__page__locale_id",
        "price": "variant__page__price",
        "vendor_id": "variant__page__vendor_id",
    },
    Vendor: {
        "id": "variant__page__vendor__pk",
        "name": "variant__page__vendor__name",
        "slug": "variant__page__vendor__slug",
        "status": "variant__page__vendor__status",
        "shipping_flat_rate": "variant__page__vendor__shipping_flat_rate",
    },
    Stock: {
        "variant_id": "variant__stock__variant_id",
        "quantity": "variant__stock__quantity",
    },
}
_CART_LINE_LOOKUPS = list(
    dict.fromkeys(lookup for fields in _CART_LINE_FIELDS.values() for lookup in fields.values())
)
_CART_LINE_COLUMNS = {
    model: [(attname, _CART_LINE_LOOKUPS.index(lookup)) for attname, lookup in fields.items()]
    for model, fields in _CART_LINE_FIELDS.items()
}

# The cart's lines joined to their variants, products, vendors and stock, with whether a view
# restriction covers the product: one query, compiled once (`nexus.prepared`).
_CART_LINES = PreparedQuery(
    lambda cart_id: (
        CartLine.objects.filter(cart_id=cart_id)
        .annotate(restricted=_view_restricted(OuterRef("variant__page__path")))
        .values_list(*_CART_LINE_LOOKUPS, "restricted")
        .order_by("created_at", "pk")
    ),
    cart_id=int,
)


def _cart_lines(cart: Cart) -> list[CartLine]:
    """The cart's lines in order, each with `variant`, `variant.page` (the product, its fields
    that a cart shows loaded), `variant.page.vendor`, `variant.stock` and `restricted` set."""
    lines = []
    for row in _CART_LINES.rows(cart_id=cart.pk):
        made = {
            model: instance(model, {attname: row[index] for attname, index in columns})
            for model, columns in _CART_LINE_COLUMNS.items()
        }
        line, variant, product = made[CartLine], made[ProductVariant], made[ProductPage]
        vendor = made[Vendor] if product.vendor_id is not None else None
        stock = made[Stock] if made[Stock].variant_id is not None else None
        ProductPage.vendor.field.set_cached_value(product, vendor)
        ProductVariant.page.field.set_cached_value(variant, product)
        ProductVariant.stock.related.set_cached_value(variant, stock)
        CartLine.variant.field.set_cached_value(line, variant)
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
