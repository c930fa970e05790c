"""Orders, their status history and their payment, as the viewer reads them."""

import enum
from datetime import datetime
from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto

from commerce.models import Order as OrderModel
from commerce.models import OrderLine as OrderLineModel
from commerce.models import OrderStatusChange
from commerce.payments import selectors as payment_selectors
from graphql_api.errors import UserError
from graphql_api.pagination import PageInfo

OrderStatus = strawberry.enum(
    enum.Enum("OrderStatus", {choice.name: choice.value for choice in OrderModel.Status}),
    description="pending_payment -> paid -> fulfilled -> completed; or cancelled, refunded.",
)


@strawberry_django.type(OrderLineModel, name="OrderLine")
class OrderLine:
    id: auto
    product_id: strawberry.ID | None
    variant_id: strawberry.ID | None
    vendor_id: strawberry.ID | None
    vendor_name: auto
    product_title: auto
    variant_label: auto
    sku: auto
    unit_price: auto
    quantity: int
    line_total: auto
    shipped_at: auto
    carrier: auto
    tracking_number: auto
    refunded_quantity: int


@strawberry.type
class OrderStatusChangeType:
    from_status: str
    to_status: OrderStatus
    note: str
    created_at: datetime


@strawberry.type
class ShippingAddress:
    full_name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str
    phone: str


@strawberry_django.type(OrderModel, name="Order")
class Order:
    number: auto
    email: auto
    currency: auto
    subtotal: auto
    shipping_total: auto
    total: auto
    created_at: auto
    paid_at: auto
    expires_at: datetime | None = strawberry_django.field(
        description="An unpaid order is cancelled at this time."
    )

    @strawberry.field
    def status(self) -> OrderStatus:
        return OrderStatus(self.status)

    @strawberry.field
    def is_cancellable(self) -> bool:
        return self.is_cancellable

    @strawberry.field
    def shipping_address(self) -> ShippingAddress:
        return ShippingAddress(
            full_name=self.shipping_name,
            line1=self.shipping_line1,
            line2=self.shipping_line2,
            city=self.shipping_city,
            postal_code=self.shipping_postal_code,
            country=self.shipping_country,
            phone=self.shipping_phone,
        )

    @strawberry.field
    def lines(self) -> list[OrderLine]:
        return list(self.lines.all())

    @strawberry.field
    def status_history(self) -> list[OrderStatusChangeType]:
        return [
            OrderStatusChangeType(
                from_status=change.from_status,
                to_status=OrderStatus(change.to_status),
                note=change.note,
                created_at=change.created_at,
            )
            for change in self.status_changes.all()
        ]

    @strawberry.field(description="Payment status (a query per order: read it on one order).")
    def payment(self) -> "OrderPayment":
        return order_payment(payment_selectors.payment_summary(order=self))


@strawberry.type
class OrderEdge:
    cursor: str
    node: Order


@strawberry.type
class OrderConnection:
    total_count: int
    edges: list[OrderEdge]
    page_info: PageInfo


@strawberry.type
class OrderPayload:
    order: Order | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def with_details(orders):
    return orders.prefetch_related(
        Prefetch("lines", queryset=OrderLineModel.objects.order_by("pk")),
        Prefetch("status_changes", queryset=OrderStatusChange.objects.order_by("created_at", "pk")),
    )


# --- Payments --------------------------------------------------------------------------------


@strawberry.type
class Payment:
    attempt: int
    provider: str
    status: str
    reference: str
    amount: Decimal
    currency: str
    client_secret: str | None = strawberry.field(
        description="Present while 3-D Secure is pending: pass it to stripe.confirmCardPayment."
    )
    failure_code: str
    failure_message: str


@strawberry.type
class OrderPayment:
    order_number: str
    order_status: OrderStatus
    total: Decimal
    currency: str
    is_payable: bool
    requires_action: bool
    payment: Payment | None
    refunded: Decimal


def order_payment(summary) -> OrderPayment:
    payment = summary.payment
    return OrderPayment(
        order_number=summary.order.number,
        order_status=OrderStatus(summary.order.status),
        total=summary.order.total,
        currency=summary.order.currency,
        is_payable=summary.is_payable,
        requires_action=bool(payment and payment.status == "requires_action"),
        payment=Payment(
            attempt=payment.attempt,
            provider=payment.provider,
            status=payment.status,
            reference=payment.reference,
            amount=payment.amount,
            currency=payment.currency,
            client_secret=payment.client_secret or None,
            failure_code=payment.failure_code,
            failure_message=payment.failure_message,
        )
        if payment is not None
        else None,
        refunded=summary.refunded,
    )


@strawberry.type
class PaymentPayload:
    payment: OrderPayment | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


# --- Inputs ----------------------------------------------------------------------------------


@strawberry.input
class ShippingAddressInput:
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    line2: str = ""
    phone: str = ""
