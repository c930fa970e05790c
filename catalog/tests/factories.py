"""Catalog test data: categories and products with variants and stock, built as Wagtail
pages the way the admin would (add_child, revision, publish)."""

from decimal import Decimal

from django.utils.text import slugify
from wagtail.models import Page, PageLogEntry, Revision

from catalog import inventory
from catalog.models import (
    CategoryPage,
    ProductGalleryImage,
    ProductListingPrice,
    ProductPage,
    ProductVariant,
    ShopIndexPage,
    Stock,
)

_counter = iter(range(1, 1_000_000))


def make_category(*, title: str | None = None, parent=None, publish: bool = True) -> CategoryPage:
    title = title or f"Category {next(_counter)}"
    parent = parent or ShopIndexPage.objects.get()
    # A draft is created not live, as the admin does; publishing makes it live.
    category = parent.add_child(
        instance=CategoryPage(title=title, slug=slugify(title), live=publish)
    )
    if publish:
        category.save_revision().publish()
    return category


def make_product(
    *,
    vendor,
    title: str | None = None,
    price: Decimal | str = "10.00",
    stock: int | list[int] = 10,
    variants: list[dict] | None = None,
    categories=(),
    publish: bool = True,
    compare_at_price: Decimal | str | None = None,
) -> ProductPage:
    """A product under `vendor`'s storefront. `variants` is a list of
    {"sku": ..., "options": {...}, "price_override": ...}; by default one default variant.
    `stock` is one quantity for every variant or a list, one per variant."""
    number = next(_counter)
    title = title or f"Product {number}"
    variants = variants or [{"sku": f"SKU-{number}", "options": {}}]
    product = ProductPage(
        title=title,
        slug=f"{slugify(title)}-{number}",
        price=Decimal(price),
        compare_at_price=Decimal(compare_at_price) if compare_at_price is not None else None,
        summary=f"Summary of {title}",
        live=publish,
    )
    product.variants = [ProductVariant(**variant) for variant in variants]
    product.categories = list(categories)
    vendor.storefront.add_child(instance=product)
    revision = product.save_revision()
    if publish:
        revision.publish()
    product.refresh_from_db()
    quantities = stock if isinstance(stock, list) else [stock] * len(variants)
    for variant, quantity in zip(
        product.variants.order_by("sort_order", "pk"), quantities, strict=True
    ):
        inventory.stock_set(variant_id=variant.pk, quantity=quantity)
    return product


def product_row_counts() -> dict[str, int]:
    """The rows of each table that creating a product writes to: a refused or failed creation
    leaves every count as it was."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "log entries": PageLogEntry.objects.count(),
        "variants": ProductVariant.all_objects.count(),
        "stock": Stock.objects.count(),
        "listing prices": ProductListingPrice.objects.count(),
        "gallery": ProductGalleryImage.objects.count(),
    }
