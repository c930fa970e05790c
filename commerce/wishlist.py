"""Wishlist services: a user saves products for later and moves them to the cart."""

from django.db import IntegrityError, transaction

from catalog.selectors import live_products
from commerce.cart import cart_line_add
from commerce.exceptions import ProductNotFound, VariantNotFound, WishlistItemNotFound
from commerce.models import Cart, CartLine, WishlistItem


def _as_id(value, error):
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise error


def wishlist_item_add(*, user, product_id) -> tuple[WishlistItem, bool]:
    """Save a live, public product to the user's wishlist; returns (item, created).

    Saving a product twice returns the existing item. Raises `ProductNotFound` (404) for an
    unknown, unpublished or private product.
    """
    error = ProductNotFound("No such product.", field="product")
    product = live_products().filter(pk=_as_id(product_id, error)).first()
    if product is None:
        raise error
    existing = WishlistItem.objects.filter(user=user, product=product).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return WishlistItem.objects.create(user=user, product=product), True
    except IntegrityError:  # the same product saved by a concurrent request
        return WishlistItem.objects.get(user=user, product=product), False


def _item_of(user, item_id) -> WishlistItem:
    error = WishlistItemNotFound("No such item in your wishlist.")
    item = (
        WishlistItem.objects.filter(user=user, pk=_as_id(item_id, error))
        .select_related("product")
        .first()
    )
    if item is None:
        raise error
    return item


def wishlist_item_remove(*, user, item_id) -> None:
    """Remove an item. Raises `WishlistItemNotFound` (404), also for another user's item."""
    _item_of(user, item_id).delete()


def wishlist_item_move_to_cart(
    *, user, item_id, cart: Cart, variant_id=None, quantity=1
) -> CartLine:
    """Add the saved product to `cart` and remove it from the wishlist, in one transaction.

    `variant_id` may be left out when the product has a single variant. Raises
    `WishlistItemNotFound` (404), `VariantNotFound` (404/400 when no variant is chosen for a
    product with several) and whatever `cart_line_add` raises; nothing changes when it raises.
    """
    item = _item_of(user, item_id)
    variants = list(item.product.variants.values_list("pk", flat=True))
    if variant_id is None:
        if len(variants) != 1:
            raise VariantNotFound(
                f"{item.product.title} comes in several variants: choose one.", field="variant"
            )
        variant_id = variants[0]
    variant_id = _as_id(variant_id, VariantNotFound("No such variant.", field="variant"))
    if variant_id not in variants:
        raise VariantNotFound(f"No such variant of {item.product.title}.", field="variant")
    with transaction.atomic():
        line = cart_line_add(cart=cart, variant_id=variant_id, quantity=quantity)
        item.delete()
    return line
