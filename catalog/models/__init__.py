"""The catalog's models, by concept: pages (`pages`), variants and gallery images (`variants`),
stock and stored listing prices (`stock`), availability (`availability`) and the shop's settings
(`shop_settings`). Everything is imported from here: `from catalog.models import ProductPage`."""

from catalog.models.availability import Availability, availability_filter, availability_for
from catalog.models.pages import (
    CategoryPage,
    ContentBlock,
    ProductPage,
    ProductTag,
    ShopIndexPage,
)
from catalog.models.shop_settings import SHOP_SETTINGS_SECONDS, ShopSettings
from catalog.models.stock import ProductListingPrice, Stock
from catalog.models.variants import (
    ActiveVariantManager,
    ProductGalleryImage,
    ProductVariant,
    VariantQuerySet,
    default_sku,
)

__all__ = [
    "SHOP_SETTINGS_SECONDS",
    "ActiveVariantManager",
    "Availability",
    "CategoryPage",
    "ContentBlock",
    "ProductGalleryImage",
    "ProductListingPrice",
    "ProductPage",
    "ProductTag",
    "ProductVariant",
    "ShopIndexPage",
    "ShopSettings",
    "Stock",
    "VariantQuerySet",
    "availability_filter",
    "availability_for",
    "default_sku",
]
