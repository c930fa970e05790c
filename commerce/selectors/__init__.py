"""Reads of carts, orders and wishlists, one module per concept. Query counts stay constant
per call.

- `purchase`: what a shopper may buy (liveness, view restrictions, vendor status, stock);
- `cart`: finding a shopper's cart, counting its items, pricing it (`cart_summary`);
- `orders`: a shopper's orders;
- `wishlist`: a shopper's saved products with their price and availability now.

Everything is importable from `commerce.selectors` as well.
"""

from commerce.selectors.cart import (
    CartLineView,
    CartSummary,
    VendorGroup,
    cart_count,
    cart_find,
    cart_items_count,
    cart_line_keys,
    cart_of_user,
    cart_summary,
    cart_version_keys,
    cart_with_line_keys_of_user,
)
from commerce.selectors.orders import (
    order_details_load,
    order_details_set,
    order_get_for_user,
    orders_for_user,
)
from commerce.selectors.purchase import (
    live_product_ids,
    purchasable_product_ids,
    stock_quantity_of,
    unavailable_reason,
    variant_for_purchase,
    variants_for_purchase,
)
from commerce.selectors.wishlist import WishlistEntry, wishlist_for_user

__all__ = [
    "CartLineView",
    "CartSummary",
    "VendorGroup",
    "WishlistEntry",
    "cart_count",
    "cart_find",
    "cart_items_count",
    "cart_line_keys",
    "cart_of_user",
    "cart_summary",
    "cart_version_keys",
    "cart_with_line_keys_of_user",
    "live_product_ids",
    "order_details_load",
    "order_details_set",
    "order_get_for_user",
    "orders_for_user",
    "purchasable_product_ids",
    "stock_quantity_of",
    "unavailable_reason",
    "variant_for_purchase",
    "variants_for_purchase",
    "wishlist_for_user",
]
