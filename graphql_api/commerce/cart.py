"""The cart's types, read from `commerce.selectors.cart_summary`.

The cart is found as on the DRF API (`commerce.cart.cart_resolve`): the user's cart for a JWT,
else the anonymous cart named by the `cartToken` argument or the X-Cart-Token header.
"""

from decimal import Decimal

import strawberry
from strawberry.types import Info

from catalog.models import Availability as AvailabilityChoices
from commerce import cart as cart_services
from commerce import selectors
from commerce.api.common import CART_TOKEN_HEADER
from graphql_api.catalog import Availability
from graphql_api.context import request_of, viewer
from graphql_api.errors import UserError


def _token(info: Info, cart_token: str | None) -> str:
    if cart_token is not None:
        return cart_token.strip()
    return request_of(info).headers.get(CART_TOKEN_HEADER, "").strip()


def request_cart(info: Info, cart_token: str | None, *, create: bool):
    return cart_services.cart_resolve(
        user=viewer(info), token=_token(info, cart_token), create=create
    )


@strawberry.type
class VendorRef:
    id: strawberry.ID
    name: str


@strawberry.type
class ProductRef:
    id: strawberry.ID
    title: str
    url: str | None


@strawberry.type
class VariantRef:
    id: strawberry.ID
    sku: str
    label: str


def vendor_ref(vendor) -> VendorRef | None:
    return VendorRef(id=strawberry.ID(str(vendor.pk)), name=vendor.name) if vendor else None


def product_ref(product, info: Info) -> ProductRef:
    return ProductRef(
        id=strawberry.ID(str(product.pk)),
        title=product.title,
        url=product.get_url(request=request_of(info)),
    )


def variant_ref(variant) -> VariantRef:
    return VariantRef(id=strawberry.ID(str(variant.pk)), sku=variant.sku, label=variant.label)


@strawberry.type
class CartLine:
    id: strawberry.ID
    variant: VariantRef
    product: ProductRef
    vendor: VendorRef | None
    unit_price: Decimal = strawberry.field(description="Live price, computed now.")
    quantity: int
    line_total: Decimal
    available_quantity: int
    availability: Availability
    problem: str | None = strawberry.field(
        description="Why this line cannot be checked out as it is, if it cannot."
    )


@strawberry.type
class CartVendorGroup:
    vendor: VendorRef | None
    line_ids: list[strawberry.ID]
    subtotal: Decimal
    shipping: Decimal = strawberry.field(description="The vendor's flat shipping rate.")
    total: Decimal


@strawberry.type(description="Totals are computed from live prices each time it is read.")
class Cart:
    token: str | None = strawberry.field(
        description="Anonymous carts only: pass it back as cartToken (or X-Cart-Token)."
    )
    currency: str
    item_count: int
    lines: list[CartLine]
    vendors: list[CartVendorGroup]
    subtotal: Decimal
    shipping_total: Decimal
    total: Decimal
    problems: list[str]


def cart_of(cart, info: Info) -> Cart:
    summary = selectors.cart_summary(cart=cart)
    return Cart(
        token=str(cart.token) if cart is not None and cart.user_id is None else None,
        currency=summary.currency,
        item_count=summary.item_count,
        lines=[
            CartLine(
                id=strawberry.ID(str(line.line.pk)),
                variant=variant_ref(line.variant),
                product=product_ref(line.product, info),
                vendor=vendor_ref(line.vendor),
                unit_price=line.unit_price,
                quantity=line.quantity,
                line_total=line.line_total,
                available_quantity=max(line.available_quantity, 0),
                availability=Availability(AvailabilityChoices(line.availability).value),
                problem=line.problem,
            )
            for line in summary.lines
        ],
        vendors=[
            CartVendorGroup(
                vendor=vendor_ref(group.vendor),
                line_ids=[strawberry.ID(str(line.line.pk)) for line in group.lines],
                subtotal=group.subtotal,
                shipping=group.shipping,
                total=group.total,
            )
            for group in summary.vendor_groups
        ],
        subtotal=summary.subtotal,
        shipping_total=summary.shipping_total,
        total=summary.total,
        problems=summary.problems,
    )


@strawberry.type
class CartPayload:
    cart: Cart | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
