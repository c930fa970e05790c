"""Wishlist API (authenticated; another user's item is 404)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.api.common import CART_TOKEN_PARAMETER, cart_response, request_cart
from commerce.api.payloads import wishlist_payload
from commerce.api.serializers import (
    CartSerializer,
    WishlistAddInputSerializer,
    WishlistItemSerializer,
    WishlistMoveInputSerializer,
)
from commerce.selectors import wishlist_for_user
from commerce.wishlist import wishlist_item_add, wishlist_item_move_to_cart, wishlist_item_remove
from nexus.openapi import error_responses


def _entry_payload(request, item_id: int) -> dict:
    (entry,) = wishlist_for_user(user=request.user, item_id=item_id)
    return wishlist_payload(entry, request)


class WishlistView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="wishlist_list",
        summary="Your saved products with current price and availability",
        responses={200: WishlistItemSerializer(many=True)},
        tags=["wishlist"],
    )
    def get(self, request):
        entries = wishlist_for_user(user=request.user)
        return Response(
            WishlistItemSerializer([wishlist_payload(e, request) for e in entries], many=True).data
        )

    @extend_schema(
        operation_id="wishlist_create",
        summary="Save a product",
        description="Saving a product already in the wishlist returns it with 200.",
        request=WishlistAddInputSerializer,
        responses={
            201: WishlistItemSerializer,
            200: WishlistItemSerializer,
            **error_responses(404),
        },
        tags=["wishlist"],
    )
    def post(self, request):
        data = WishlistAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item, created = wishlist_item_add(
            user=request.user, product_id=data.validated_data["product"]
        )
        return Response(
            WishlistItemSerializer(_entry_payload(request, item.pk)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class WishlistItemView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="wishlist_destroy",
        summary="Remove a saved product",
        responses={204: None},
        tags=["wishlist"],
    )
    def delete(self, request, item_id: int):
        wishlist_item_remove(user=request.user, item_id=item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WishlistMoveToCartView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="wishlist_move_to_cart",
        summary="Move a saved product to the cart",
        description=(
            "Adds the product (the chosen `variant`, or its only one) to your cart and removes "
            "it from the wishlist; nothing changes if it cannot be added."
        ),
        parameters=[CART_TOKEN_PARAMETER],
        request=WishlistMoveInputSerializer,
        responses={200: CartSerializer, **error_responses(409)},
        tags=["wishlist"],
    )
    def post(self, request, item_id: int):
        data = WishlistMoveInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart = request_cart(request, create=True)
        wishlist_item_move_to_cart(
            user=request.user,
            item_id=item_id,
            cart=cart,
            variant_id=data.validated_data.get("variant"),
            quantity=data.validated_data["quantity"],
        )
        return cart_response(request, cart)
