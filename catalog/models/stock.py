"""What is kept off the product page because publishing restores a page from a revision:
stock, and the stored "from" price listings filter and order by."""

from django.db import models

from catalog.models.availability import availability_for
from catalog.models.pages import ProductPage
from catalog.models.variants import ProductVariant
from catalog.money import MONEY


class Stock(models.Model):
    """On-hand quantity of one variant.

    Kept off the page on purpose: publishing a page restores its fields (and its inlines)
    from a revision, so a quantity stored there would be rolled back by every publish.
    Changed only by the functions in `catalog.inventory`; the database refuses a negative
    quantity whatever code tries.
    """

    variant = models.OneToOneField(
        ProductVariant, on_delete=models.CASCADE, primary_key=True, related_name="stock"
    )
    quantity = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="catalog_stock_quantity_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.quantity}"

    @property
    def availability(self) -> str:
        return availability_for(self.quantity)


class ProductListingPrice(models.Model):
    """A product's "from" price, the lowest price of its variants that are not archived (a
    variant's override, else the product's price), stored for listings to filter and order
    by with an index instead of computing it per product in every listing query.

    Derived from the live page and its variants, so it is kept off the page like `Stock`
    (publishing restores a page's fields from a revision). Written only by
    `catalog.services.listing_prices.listing_prices_refresh`, which every change of a price or
    of the variant set calls: product creation and every publish (a revert, a moderation
    approval, a scheduled publish, a publish that archives a variant).
    """

    product = models.OneToOneField(
        ProductPage, on_delete=models.CASCADE, primary_key=True, related_name="listing_price"
    )
    from_price = models.DecimalField(**MONEY)

    class Meta:
        indexes = [models.Index(fields=["from_price"])]

    def __str__(self) -> str:
        return f"{self.product_id}: from {self.from_price}"
