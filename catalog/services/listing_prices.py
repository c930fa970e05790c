"""The stored "from" price of products (`ProductListingPrice`): the one place it is computed.

Listings (category and search pages, the Wagtail API, GraphQL) filter and order by it with an
index; computed per product in each listing query it cost a subquery per row, linear in the
catalog. It is recomputed from the live rows whenever they change: when products are created
(`catalog.services.products`) and on every publish (`catalog.signals`), which is how a price, a
variant's override or the set of variants (archiving one) changes. Stock does not enter it.
"""

from collections.abc import Iterable

from django.db import connections, router
from django.db.models import DecimalField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from catalog.models import ProductListingPrice, ProductPage, ProductVariant

BATCH = 1000


def from_price_expression():
    """The lowest price among a product's variants that are not archived (its override or
    the product's price); the product's price when it has none."""
    variants = (
        ProductVariant.objects.filter(page_id=OuterRef("pk"))
        .annotate(effective=Coalesce("price_override", OuterRef("price")))
        .order_by("effective")
        .values("effective")[:1]
    )
    return Coalesce(
        Subquery(variants, output_field=DecimalField(max_digits=12, decimal_places=2)), "price"
    )


def listing_prices_refresh(*, product_ids: Iterable[int]) -> None:
    """Recompute the stored from price of these products from their rows as they are now in
    this transaction (creating the missing ones). Two queries per thousand products."""
    product_ids = sorted(set(product_ids))
    # PostgreSQL and SQLite upsert on a named unique column; MariaDB's ON DUPLICATE KEY UPDATE
    # takes none (any unique key of the row) and refuses one.
    features = connections[router.db_for_write(ProductListingPrice)].features
    unique_fields = ["product"] if features.supports_update_conflicts_with_target else None
    for start in range(0, len(product_ids), BATCH):
        prices = (
            ProductPage.objects.filter(pk__in=product_ids[start : start + BATCH])
            .annotate(from_price=from_price_expression())
            .values_list("pk", "from_price")
        )
        ProductListingPrice.objects.bulk_create(
            [ProductListingPrice(product_id=pk, from_price=price) for pk, price in prices],
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=["from_price"],
        )
