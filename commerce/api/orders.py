"""Checkout and order API (authenticated shoppers; another user's order is 404)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.api.common import CART_TOKEN_PARAMETER, IDEMPOTENCY_KEY_PARAMETER, request_cart
from commerce.api.payloads import order_payload
from commerce.api.serializers import (
    CheckoutInputSerializer,
    OrderSerializer,
    OrderSummarySerializer,
)
from commerce.checkout import checkout_complete
from commerce.exceptions import InvalidIdempotencyKey
from commerce.models import Order
from commerce.orders import order_cancel
from commerce.selectors import order_details_load, order_get_for_user, orders_for_user
from nexus.openapi import error_response, error_responses
from nexus.throttling import WriteScopedRateThrottle


class CheckoutView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [WriteScopedRateThrottle]
    throttle_scope = "checkout"

    @extend_schema(
        operation_id="checkout_create",
        summary="Place an order for the cart",
        description=(
            "Re-prices every line from the published products, reserves the stock and creates "
            "an order awaiting payment (it expires after the configured payment window); the "
            "cart is emptied. Send a saved `address_id` or a `shipping_address`. The same "
            "Idempotency-Key returns the same order (201 again) and reserves nothing twice."
        ),
        parameters=[IDEMPOTENCY_KEY_PARAMETER, CART_TOKEN_PARAMETER],
        request=CheckoutInputSerializer,
        responses={
            201: OrderSerializer,
            400: error_response(
                400, "Invalid input, missing Idempotency-Key, invalid address or an empty cart."
            ),
            404: error_response(
                404,
                "Unknown saved address (or someone else's).",
            ),
            409: error_response(
                409,
                "A product is no longer available or not enough is in stock "
                "(the message names it and how many are left).",
            ),
        },
        tags=["checkout"],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise InvalidIdempotencyKey(
                "Send an Idempotency-Key header (e.g. a new UUID per checkout attempt)."
            )
        data = CheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = checkout_complete(
            user=request.user,
            cart=request_cart(request, create=True),
            idempotency_key=key,
            address_id=data.validated_data.get("address_id"),
            address=data.validated_data.get("shipping_address"),
            with_details=True,
        )
        # Placed now, it carries its lines and history as written: nothing is read back.
        return Response(order_payload(order_details_load(order)), status=status.HTTP_201_CREATED)


class OrderListView(ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = OrderSummarySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Order.objects.none()
        return orders_for_user(user=self.request.user)

    @extend_schema(operation_id="orders_list", summary="Your orders, newest first", tags=["orders"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="orders_retrieve",
        summary="One of your orders, with lines and status history",
        responses={200: OrderSerializer},
        tags=["orders"],
    )
    def get(self, request, number: str):
        return Response(order_payload(order_get_for_user(user=request.user, number=number)))


class OrderCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="orders_cancel",
        summary="Cancel an order awaiting payment",
        description="Releases the reserved stock. Only orders in `pending_payment` can be cancelled.",
        request=None,
        responses={200: OrderSerializer, **error_responses(409)},
        tags=["orders"],
    )
    def post(self, request, number: str):
        order = order_get_for_user(user=request.user, number=number)
        order_cancel(order=order, actor=request.user)
        return Response(order_payload(order_get_for_user(user=request.user, number=number)))
