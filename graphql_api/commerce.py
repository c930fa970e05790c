"""Cart, checkout, orders and payments: the same services and selectors as `commerce.api` and
`commerce.payments.api`, with the same input shapes (the DRF input serializers) and errors.

The cart is found as on the DRF API (`commerce.cart.cart_resolve`): the user's cart for a JWT,
else the anonymous cart named by the `cartToken` argument or the X-Cart-Token header.
"""

import enum
from datetime import datetime
from decimal import Decimal

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto
from strawberry.types import Info

from catalog.models import Availability as AvailabilityChoices
from commerce import cart as cart_services
from commerce import selectors
from commerce.api.common import CART_TOKEN_HEADER
from commerce.api.serializers import (
    CartLineAddInputSerializer,
    CartLineUpdateInputSerializer,
    CheckoutInputSerializer,
)
from commerce.checkout import checkout_complete
from commerce.exceptions import CartLineNotFound, InvalidIdempotencyKey
from commerce.models import Order as OrderModel
from commerce.models import OrderLine as OrderLineModel
from commerce.models import OrderStatusChange
from commerce.orders import order_cancel
from commerce.payments import selectors as payment_selectors
from commerce.payments import services as payment_services
from commerce.payments.api.serializers import PaymentStartInputSerializer
from commerce.payments.base import PaymentMethodInput
from graphql_api.catalog import Availability
from graphql_api.context import authenticated_user, request_of, viewer
from graphql_api.drf import throttle, validated
from graphql_api.errors import UserError, mutation_errors
from graphql_api.pagination import PageInfo, connection, window

OrderStatus = strawberry.enum(
    enum.Enum("OrderStatus", {choice.name: choice.value for choice in OrderModel.Status}),
    description="pending_payment -> paid -> fulfilled -> completed; or cancelled, refunded.",
)


def _token(info: Info, cart_token: str | None) -> str:
    if cart_token is not None:
        return cart_token.strip()
    return request_of(info).headers.get(CART_TOKEN_HEADER, "").strip()


def request_cart(info: Info, cart_token: str | None, *, create: bool):
    return cart_services.cart_resolve(
        user=viewer(info), token=_token(info, cart_token), create=create
    )


# --- Cart ------------------------------------------------------------------------------------


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


# --- Orders ----------------------------------------------------------------------------------


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


def _with_details(orders):
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


# --- Root fields -----------------------------------------------------------------------------


@strawberry.type
class CommerceQuery:
    @strawberry.field(
        description="The viewer's cart: the user's (merging the anonymous cart named by "
        "cartToken), or the anonymous cart of cartToken; null for an anonymous viewer without one."
    )
    def cart(self, info: Info, cart_token: str | None = None) -> Cart | None:
        cart = request_cart(info, cart_token, create=False)
        return cart_of(cart, info) if cart is not None else None

    @strawberry.field(description="The viewer's orders, newest first.")
    def orders(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> OrderConnection:
        orders = selectors.orders_for_user(user=authenticated_user(info))
        page = window(first=first, after=after, total=orders.count())
        return connection(
            connection_type=OrderConnection,
            edge_type=OrderEdge,
            page=page,
            nodes=list(_with_details(orders)[page.start : page.end]),
        )

    @strawberry.field(description="One of the viewer's orders (another's is order_not_found).")
    def order(self, info: Info, number: str) -> Order:
        return selectors.order_get_for_user(user=authenticated_user(info), number=number)


@strawberry.type
class CommerceMutation:
    @strawberry.mutation(
        description="Add a variant to the cart (to its line if there is one). Without a cart "
        "an anonymous cart is created: keep its token."
    )
    @mutation_errors(CartPayload)
    def cart_line_add(
        self,
        info: Info,
        variant_id: strawberry.ID,
        quantity: int = 1,
        cart_token: str | None = None,
    ) -> CartPayload:
        data = validated(CartLineAddInputSerializer, {"variant": variant_id, "quantity": quantity})
        cart = request_cart(info, cart_token, create=False)
        if cart is None:
            cart = cart_services.cart_create_with_line(
                variant_id=data["variant"], quantity=data["quantity"]
            )
        else:
            cart_services.cart_line_add(
                cart=cart, variant_id=data["variant"], quantity=data["quantity"]
            )
        return CartPayload(cart=cart_of(cart, info))

    @strawberry.mutation(description="Change a line's quantity.")
    @mutation_errors(CartPayload)
    def cart_line_update(
        self, info: Info, line_id: strawberry.ID, quantity: int, cart_token: str | None = None
    ) -> CartPayload:
        data = validated(CartLineUpdateInputSerializer, {"quantity": quantity})
        cart = request_cart(info, cart_token, create=False)
        if cart is None:
            raise CartLineNotFound("No such line in your cart.")
        cart_services.cart_line_quantity_set(cart=cart, line_id=line_id, quantity=data["quantity"])
        return CartPayload(cart=cart_of(cart, info))

    @strawberry.mutation(description="Remove a line from the cart.")
    @mutation_errors(CartPayload)
    def cart_line_remove(
        self, info: Info, line_id: strawberry.ID, cart_token: str | None = None
    ) -> CartPayload:
        cart = request_cart(info, cart_token, create=False)
        if cart is None:
            raise CartLineNotFound("No such line in your cart.")
        cart_services.cart_line_remove(cart=cart, line_id=line_id)
        return CartPayload(cart=cart_of(cart, info))

    @strawberry.mutation(
        description="Place an order for the cart: re-prices every line, reserves the stock, "
        "empties the cart. The same idempotencyKey returns the same order and reserves nothing "
        "twice. Give addressId (a saved address) or shippingAddress."
    )
    @mutation_errors(OrderPayload)
    def checkout_complete(
        self,
        info: Info,
        idempotency_key: str,
        address_id: strawberry.ID | None = None,
        shipping_address: ShippingAddressInput | None = None,
        cart_token: str | None = None,
    ) -> OrderPayload:
        user = authenticated_user(info)
        throttle(info, "checkout")
        if not idempotency_key.strip():
            raise InvalidIdempotencyKey(
                "Send an idempotencyKey (e.g. a new UUID per checkout attempt).",
                field="idempotency_key",
            )
        data = {}
        if address_id is not None:
            data["address_id"] = address_id
        if shipping_address is not None:
            data["shipping_address"] = strawberry.asdict(shipping_address)
        data = validated(CheckoutInputSerializer, data)
        order = checkout_complete(
            user=user,
            cart=request_cart(info, cart_token, create=True),
            idempotency_key=idempotency_key.strip(),
            address_id=data.get("address_id"),
            address=data.get("shipping_address"),
        )
        return OrderPayload(order=selectors.order_get_for_user(user=user, number=order.number))

    @strawberry.mutation(description="Cancel an order awaiting payment; releases its stock.")
    @mutation_errors(OrderPayload)
    def order_cancel(self, info: Info, number: str) -> OrderPayload:
        user = authenticated_user(info)
        order = selectors.order_get_for_user(user=user, number=number)
        order_cancel(order=order, actor=user)
        return OrderPayload(order=selectors.order_get_for_user(user=user, number=number))

    @strawberry.mutation(
        description="Pay one of your orders: a Stripe payment method id (paymentMethod) or, "
        "with the dummy provider, a Stripe test card number (cardNumber). The order becomes "
        "PAID when the provider confirms."
    )
    @mutation_errors(PaymentPayload)
    def payment_start(
        self,
        info: Info,
        order_number: str,
        payment_method: str | None = None,
        card_number: str | None = None,
    ) -> PaymentPayload:
        user = authenticated_user(info)
        throttle(info, "payment")
        order = selectors.order_get_for_user(user=user, number=order_number)
        data = {}
        if payment_method is not None:
            data["payment_method"] = payment_method
        if card_number is not None:
            data["card_number"] = card_number
        data = validated(PaymentStartInputSerializer, data)
        payment_services.payment_start(
            order=order,
            user=user,
            method=PaymentMethodInput(
                payment_method_id=data.get("payment_method", ""),
                card_number=data.get("card_number", ""),
            ),
        )
        order.refresh_from_db()
        return PaymentPayload(payment=order_payment(payment_selectors.payment_summary(order=order)))
