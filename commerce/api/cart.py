"""Cart API: anonymous (by cart token) or authenticated (the user's cart)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.views import APIView

from commerce import cart as cart_services
from commerce.api.common import (
    CART_TOKEN_PARAMETER,
    cart_read_response,
    cart_response,
    request_cart,
    request_cart_for_read,
)
from commerce.api.serializers import (
    CartLineAddInputSerializer,
    CartLineUpdateInputSerializer,
    CartSerializer,
)
from commerce.exceptions import CartLineNotFound
from nexus.openapi import error_response, error_responses

CART_404 = error_response(404, "Unknown cart token, or a line that is not in this cart.")


class CartView(APIView):
    @extend_schema(
        operation_id="cart_retrieve",
        summary="Get the cart",
        description=(
            "The cart with totals computed now from live prices, grouped per vendor with each "
            "vendor's flat shipping rate. Without a token (and anonymous) an empty cart."
        ),
        parameters=[CART_TOKEN_PARAMETER],
        responses={200: CartSerializer, 404: CART_404},
        tags=["cart"],
    )
    def get(self, request):
        cart, lines = request_cart_for_read(request)
        return cart_read_response(request, cart, lines=lines)

    @extend_schema(
        operation_id="cart_clear",
        summary="Empty the cart",
        parameters=[CART_TOKEN_PARAMETER],
        responses={200: CartSerializer, 404: CART_404},
        tags=["cart"],
    )
    def delete(self, request):
        cart = request_cart(request, create=False)
        if cart is not None:
            cart_services.cart_clear(cart=cart)
        return cart_response(request, cart)


class CartLinesView(APIView):
    @extend_schema(
        operation_id="cart_lines_create",
        summary="Add a product variant to the cart",
        description=(
            "Adds to the line of that variant if there is one. Without a token an anonymous "
            "cart is created: keep its `token` and send it in X-Cart-Token. Prices sent by the "
            "client are ignored."
        ),
        parameters=[CART_TOKEN_PARAMETER],
        request=CartLineAddInputSerializer,
        responses={
            201: CartSerializer,
            404: error_response(404, "Unknown cart token or variant."),
            **error_responses(409),
        },
        tags=["cart"],
    )
    def post(self, request):
        data = CartLineAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = request_cart(request, create=False)
        if cart is None:
            cart = cart_services.cart_create_with_line(
                variant_id=data.validated_data["variant"],
                quantity=data.validated_data["quantity"],
            )
        else:
            cart_services.cart_line_add(
                cart=cart,
                variant_id=data.validated_data["variant"],
                quantity=data.validated_data["quantity"],
            )
        return cart_response(request, cart, status=status.HTTP_201_CREATED)


class CartLineView(APIView):
    @extend_schema(
        operation_id="cart_lines_partial_update",
        summary="Change a line's quantity",
        parameters=[CART_TOKEN_PARAMETER],
        request=CartLineUpdateInputSerializer,
        responses={200: CartSerializer, 404: CART_404, **error_responses(409)},
        tags=["cart"],
    )
    def patch(self, request, line_id: int):
        data = CartLineUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = request_cart(request, create=False)
        if cart is None:
            raise CartLineNotFound("No such line in your cart.")
        cart_services.cart_line_quantity_set(
            cart=cart, line_id=line_id, quantity=data.validated_data["quantity"]
        )
        return cart_response(request, cart)

    @extend_schema(
        operation_id="cart_lines_destroy",
        summary="Remove a line",
        parameters=[CART_TOKEN_PARAMETER],
        responses={200: CartSerializer, 404: CART_404},
        tags=["cart"],
    )
    def delete(self, request, line_id: int):
        cart = request_cart(request, create=False)
        if cart is None:
            raise CartLineNotFound("No such line in your cart.")
        cart_services.cart_line_remove(cart=cart, line_id=line_id)
        return cart_response(request, cart)
