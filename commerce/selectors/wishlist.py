"""Reads of a shopper's wishlist."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from catalog.models import Availability, ProductVariant, availability_for
from catalog.money import money
from commerce.models import WishlistItem
from commerce.selectors.purchase import live_product_ids, stock_quantity_of


@dataclass
class WishlistEntry:
    item: WishlistItem
    product: object
    price: Decimal | None
    availability: str
    is_available: bool
    variants: list[ProductVariant]


def wishlist_for_user(*, user, item_id: int | None = None) -> list[WishlistEntry]:
    """The user's saved products with their current lowest price and availability.

    A product that was unpublished or whose vendor is suspended is listed as not available.
    Three queries whatever the number of items. `item_id` narrows it to one item.
    """
    items = WishlistItem.objects.filter(user=user)
    if item_id is not None:
        items = items.filter(pk=item_id)
    items = list(
        items.select_related("product", "product__vendor")
        .prefetch_related(
            Prefetch(
                "product__variants",
                queryset=ProductVariant.objects.select_related("stock").order_by(
                    "sort_order", "pk"
                ),
            )
        )
        .order_by("-created_at", "-pk")
    )
    live_ids = live_product_ids(item.product_id for item in items)
    entries = []
    for item in items:
        product = item.product
        variants = list(product.variants.all())
        stock = sum(stock_quantity_of(variant) for variant in variants)
        is_live = product.pk in live_ids and product.vendor is not None and product.vendor.is_active
        prices = [variant.price for variant in variants]
        entries.append(
            WishlistEntry(
                item=item,
                product=product,
                price=money(min(prices)) if prices else money(product.price),
                availability=availability_for(stock) if is_live else Availability.SOLD_OUT,
                is_available=is_live and stock > 0,
                variants=variants,
            )
        )
    return entries
