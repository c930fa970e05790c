"""Vendor operations: order lines to fulfil, shipping, stock — through `commerce.vendor_orders`
and `vendors.selectors` (scoped to the viewer by the one policy in `vendors.permissions`) and
`catalog.inventory`, as the DRF vendor API does."""

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from catalog import inventory
from catalog.models import availability_for
from commerce.api.vendor_orders import ShipInputSerializer
from commerce.vendor_orders import vendor_order_lines, vendor_order_lines_ship
from graphql_api.catalog import Availability
from graphql_api.commerce.orders import OrderStatus
from graphql_api.context import authenticated_user
from graphql_api.drf import validated
from graphql_api.errors import UserError, mutation_errors
from graphql_api.pagination import PageInfo, connection, window
from nexus.errors import PermissionDenied
from vendors import permissions as policy
from vendors import selectors
from vendors.api.serializers import StockAdjustInputSerializer, StockSetInputSerializer


class NotVendorOperator(PermissionDenied):
    code = "not_a_vendor_member"


def vendor_operator(info: Info):
    """The viewer, if a vendor member or an editor (the DRF vendor API's permission, from the
    one policy: a member of suspended vendors only gets `vendor_suspended`)."""
    user = authenticated_user(info)
    if not policy.vendor_operations_allowed(user):
        raise NotVendorOperator("Only members of a vendor (or editors) can use vendor operations.")
    return user


@strawberry.type
class VendorOrderLine:
    id: strawberry.ID
    order_number: str
    order_status: OrderStatus
    ordered_at: datetime
    currency: str
    shopper_name: str
    shipping_address_lines: list[str]
    vendor_name: str
    product_title: str
    variant_label: str
    sku: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    shipped_at: datetime | None
    carrier: str
    tracking_number: str


def order_line_of(line) -> VendorOrderLine:
    order = line.order
    return VendorOrderLine(
        id=strawberry.ID(str(line.pk)),
        order_number=order.number,
        order_status=OrderStatus(order.status),
        ordered_at=order.created_at,
        currency=order.currency,
        shopper_name=order.shipping_name,
        shipping_address_lines=order.shipping_address_lines,
        vendor_name=line.vendor_name,
        product_title=line.product_title,
        variant_label=line.variant_label,
        sku=line.sku,
        unit_price=line.unit_price,
        quantity=line.quantity,
        line_total=line.line_total,
        shipped_at=line.shipped_at,
        carrier=line.carrier,
        tracking_number=line.tracking_number,
    )


@strawberry.type
class VendorOrderLineEdge:
    cursor: str
    node: VendorOrderLine


@strawberry.type
class VendorOrderLineConnection:
    total_count: int
    edges: list[VendorOrderLineEdge]
    page_info: PageInfo


@strawberry.type
class VendorStock:
    sku: str
    product_id: strawberry.ID
    product_title: str
    variant_label: str
    vendor_id: strawberry.ID | None
    quantity: int
    availability: Availability


def stock_of(variant) -> VendorStock:
    return VendorStock(
        sku=variant.sku,
        product_id=strawberry.ID(str(variant.page_id)),
        product_title=variant.page.title,
        variant_label=variant.label,
        vendor_id=strawberry.ID(str(variant.page.vendor_id)) if variant.page.vendor_id else None,
        quantity=variant.quantity,
        availability=Availability(availability_for(variant.quantity)),
    )


@strawberry.type
class VendorStockPayload:
    stock: VendorStock | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ShipPayload:
    lines: list[VendorOrderLine] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class VendorQuery:
    @strawberry.field(
        description="Order lines of the viewer's vendors (every vendor for editors), newest "
        "order first. status: to_ship, shipped, or an order status such as paid."
    )
    def vendor_order_lines(
        self,
        info: Info,
        status: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> VendorOrderLineConnection:
        lines = vendor_order_lines(user=vendor_operator(info), status=status)
        page = window(first=first, after=after, total=lines.count())
        return connection(
            connection_type=VendorOrderLineConnection,
            edge_type=VendorOrderLineEdge,
            page=page,
            nodes=[order_line_of(line) for line in lines[page.start : page.end]],
        )

    @strawberry.field(description="Stock of the viewer's vendors' variants, by product, SKU.")
    def vendor_stock(self, info: Info) -> list[VendorStock]:
        return [
            stock_of(variant) for variant in selectors.vendor_variants(user=vendor_operator(info))
        ]


def _stock_payload(user, sku: str) -> VendorStockPayload:
    return VendorStockPayload(stock=stock_of(selectors.vendor_variant_get(user=user, sku=sku)))


@strawberry.type
class VendorMutation:
    @strawberry.mutation(description="Set the on-hand quantity of one of your variants.")
    @mutation_errors(VendorStockPayload)
    def vendor_stock_set(self, info: Info, sku: str, quantity: int) -> VendorStockPayload:
        user = vendor_operator(info)
        data = validated(StockSetInputSerializer, {"quantity": quantity})
        variant = selectors.vendor_variant_for_change(user=user, sku=sku)
        inventory.stock_set(variant_id=variant.pk, quantity=data["quantity"])
        return _stock_payload(user, sku)

    @strawberry.mutation(
        description="Add (or, negative, remove) units; never below zero (insufficient_stock)."
    )
    @mutation_errors(VendorStockPayload)
    def vendor_stock_adjust(self, info: Info, sku: str, delta: int) -> VendorStockPayload:
        user = vendor_operator(info)
        data = validated(StockAdjustInputSerializer, {"delta": delta})
        variant = selectors.vendor_variant_for_change(user=user, sku=sku)
        inventory.stock_adjust(variant_id=variant.pk, delta=data["delta"])
        return _stock_payload(user, sku)

    @strawberry.mutation(
        description="Mark order lines of one vendor shipped; when every line of an order is "
        "shipped the order becomes FULFILLED. Nothing changes when any line is refused."
    )
    @mutation_errors(ShipPayload)
    def vendor_order_lines_ship(
        self,
        info: Info,
        order_line_ids: list[strawberry.ID],
        carrier: str,
        tracking_number: str = "",
    ) -> ShipPayload:
        user = vendor_operator(info)
        data = validated(
            ShipInputSerializer,
            {
                "order_line_ids": order_line_ids,
                "carrier": carrier,
                "tracking_number": tracking_number,
            },
        )
        shipped = vendor_order_lines_ship(
            user=user,
            order_line_ids=data["order_line_ids"],
            carrier=data["carrier"],
            tracking_number=data.get("tracking_number", ""),
        )
        fresh = vendor_order_lines(user=user).filter(pk__in=[line.pk for line in shipped])
        return ShipPayload(lines=[order_line_of(line) for line in fresh])
