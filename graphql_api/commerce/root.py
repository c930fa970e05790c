"""The commerce fields of the schema's Query and Mutation: the cart, the viewer's orders,
cart changes, checkout, cancelling and paying an order."""

import strawberry
from strawberry.types import Info

from commerce import cart as cart_services
from commerce import selectors
from commerce.api.serializers import (
    CartLineAddInputSerializer,
    CartLineUpdateInputSerializer,
    CheckoutInputSerializer,
)
from commerce.checkout import checkout_complete
from commerce.exceptions import CartLineNotFound, InvalidIdempotencyKey
from commerce.orders import order_cancel
from commerce.payments import selectors as payment_selectors
from commerce.payments import services as payment_services
from commerce.payments.api.serializers import PaymentStartInputSerializer
from commerce.payments.base import PaymentMethodInput
from graphql_api.commerce.cart import Cart, CartPayload, cart_of, request_cart
from graphql_api.commerce.orders import (
    Order,
    OrderConnection,
    OrderEdge,
    OrderPayload,
    PaymentPayload,
    ShippingAddressInput,
    order_payment,
    with_details,
)
from graphql_api.context import authenticated_user
from graphql_api.drf import throttle, validated
from graphql_api.errors import mutation_errors
from graphql_api.pagination import connection, window


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
            nodes=list(with_details(orders)[page.start : page.end]),
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
