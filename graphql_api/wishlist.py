"""The viewer's wishlist: `commerce.selectors.wishlist_for_user` and `commerce.wishlist`."""

from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from catalog.models import Availability as AvailabilityChoices
from commerce.api.serializers import WishlistAddInputSerializer, WishlistMoveInputSerializer
from commerce.selectors import wishlist_for_user
from commerce.wishlist import wishlist_item_add, wishlist_item_move_to_cart, wishlist_item_remove
from graphql_api.catalog import Availability
from graphql_api.commerce.cart import (
    CartPayload,
    ProductRef,
    VariantRef,
    VendorRef,
    cart_of,
    product_ref,
    request_cart,
    variant_ref,
    vendor_ref,
)
from graphql_api.context import authenticated_user
from graphql_api.drf import validated
from graphql_api.errors import UserError, mutation_errors


@strawberry.type
class WishlistItem:
    id: strawberry.ID
    product: ProductRef
    vendor: VendorRef | None
    price: Decimal | None = strawberry.field(description="Current lowest variant price.")
    availability: Availability
    is_available: bool
    variants: list[VariantRef]
    created_at: datetime


def item_of(entry, info: Info) -> WishlistItem:
    return WishlistItem(
        id=strawberry.ID(str(entry.item.pk)),
        product=product_ref(entry.product, info),
        vendor=vendor_ref(entry.product.vendor),
        price=entry.price,
        availability=Availability(AvailabilityChoices(entry.availability).value),
        is_available=entry.is_available,
        variants=[variant_ref(variant) for variant in entry.variants],
        created_at=entry.item.created_at,
    )


@strawberry.type
class WishlistPayload:
    item: WishlistItem | None = None
    created: bool = False
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WishlistRemovePayload:
    removed_id: strawberry.ID | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WishlistQuery:
    @strawberry.field(description="The viewer's saved products with price and availability now.")
    def wishlist(self, info: Info) -> list[WishlistItem]:
        return [item_of(entry, info) for entry in wishlist_for_user(user=authenticated_user(info))]


@strawberry.type
class WishlistMutation:
    @strawberry.mutation(description="Save a product; saving it again returns the saved item.")
    @mutation_errors(WishlistPayload)
    def wishlist_add(self, info: Info, product_id: strawberry.ID) -> WishlistPayload:
        user = authenticated_user(info)
        data = validated(WishlistAddInputSerializer, {"product": product_id})
        item, created = wishlist_item_add(user=user, product_id=data["product"])
        (entry,) = wishlist_for_user(user=user, item_id=item.pk)
        return WishlistPayload(item=item_of(entry, info), created=created)

    @strawberry.mutation(description="Remove a saved product.")
    @mutation_errors(WishlistRemovePayload)
    def wishlist_remove(self, info: Info, item_id: strawberry.ID) -> WishlistRemovePayload:
        wishlist_item_remove(user=authenticated_user(info), item_id=item_id)
        return WishlistRemovePayload(removed_id=item_id)

    @strawberry.mutation(
        description="Move a saved product to the cart (variantId may be left out when it has "
        "one variant); nothing changes if it cannot be added."
    )
    @mutation_errors(CartPayload)
    def wishlist_move_to_cart(
        self,
        info: Info,
        item_id: strawberry.ID,
        variant_id: strawberry.ID | None = None,
        quantity: int = 1,
        cart_token: str | None = None,
    ) -> CartPayload:
        user = authenticated_user(info)
        shape = {"quantity": quantity}
        if variant_id is not None:
            shape["variant"] = variant_id
        data = validated(WishlistMoveInputSerializer, shape)
        cart = request_cart(info, cart_token, create=True)
        wishlist_item_move_to_cart(
            user=user,
            item_id=item_id,
            cart=cart,
            variant_id=data.get("variant"),
            quantity=data["quantity"],
        )
        return CartPayload(cart=cart_of(cart, info))
