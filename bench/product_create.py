"""Product creation: time and SQL queries to create N products, on the configured database.

Not a test. Run it against a seeded database, e.g.

    .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/product_create.py [--products 500]

It creates the same N products (two variants each, stock, a category, an image) under one
storefront three ways, each in a transaction rolled back afterwards (the database is left as it
was), and prints the time, the queries and the ratio to the first:

- `products_create`, one call for all N (the batch path: the seed's generated products);
- `products_create`, one call per product (as the CSV import calls it, a transaction each);
- Wagtail's page API one product at a time (`add_child`, `save_revision().publish()`, then
  the stock of each variant), which is how products were made before the service existed.
"""

import argparse
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nexus.settings.dev")


class Rollback(Exception):
    """Raised at the end of a measured run to roll its transaction back."""


def specs(count: int, *, category_id: int, image_id: int):
    from catalog.services.products import ProductSpec, VariantSpec

    return [
        ProductSpec(
            title=f"Bench Lantern {number}",
            price=Decimal("15.00"),
            summary="A product made by bench/product_create.py.",
            variants=[
                VariantSpec(sku=f"BENCH-{number}-S", options={"size": "S"}, stock=4),
                VariantSpec(sku=f"BENCH-{number}-L", options={"size": "L"}, stock=2),
            ],
            category_ids=[category_id],
            image_ids=[image_id],
        )
        for number in range(count)
    ]


def create_in_one_call(storefront, product_specs, user) -> None:
    from catalog.services.products import products_create

    products_create(storefront=storefront, specs=product_specs, user=user)


def create_one_call_each(storefront, product_specs, user) -> None:
    from catalog.services.products import products_create

    for spec in product_specs:
        products_create(storefront=storefront, specs=[spec], user=user)


def create_with_wagtail_page_api(storefront, product_specs, user) -> None:
    from catalog import inventory
    from catalog.models import CategoryPage, ProductGalleryImage, ProductPage, ProductVariant

    for spec in product_specs:
        product = ProductPage(title=spec.title, price=spec.price, summary=spec.summary, live=False)
        product.variants = [
            ProductVariant(sku=variant.sku, options=variant.options, sort_order=position)
            for position, variant in enumerate(spec.variants)
        ]
        product.categories = list(CategoryPage.objects.filter(pk__in=spec.category_ids))
        product.gallery_images = [ProductGalleryImage(image_id=pk) for pk in spec.image_ids]
        storefront.add_child(instance=product)
        product.save_revision(user=user).publish(user=user)
        stock = {variant.sku: variant.stock for variant in spec.variants}
        for variant in ProductVariant.objects.filter(page=product):
            inventory.stock_set(variant_id=variant.pk, quantity=stock[variant.sku])


def measure(label: str, create, count: int, baseline: float | None) -> float:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from wagtail.images import get_image_model

    from catalog.models import CategoryPage, ProductPage

    storefront = ProductPage.storefront_model().objects.order_by("pk").first()
    user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    product_specs = specs(
        count,
        category_id=CategoryPage.objects.order_by("pk").first().pk,
        image_id=get_image_model().objects.order_by("pk").first().pk,
    )
    started = time.perf_counter()
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            create(storefront, product_specs, user)
            elapsed = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    ratio = f"{elapsed / baseline:.1f}x" if baseline else "1.0x"
    print(f"{label:58} {elapsed:9.2f} {len(queries):9} {ratio:>7}", flush=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from catalog.models import CategoryPage, ProductPage

    if not ProductPage.storefront_model().objects.exists() or not CategoryPage.objects.exists():
        sys.exit("No storefront or category: run `manage.py seed_demo` first.")
    print(f"{args.products} products, database: {connection.vendor}")
    print(f"{'way':58} {'seconds':>9} {'queries':>9} {'ratio':>7}")
    baseline = measure("products_create, one call", create_in_one_call, args.products, None)
    measure("products_create, one call per product", create_one_call_each, args.products, baseline)
    measure(
        "Wagtail page API, one product at a time",
        create_with_wagtail_page_api,
        args.products,
        baseline,
    )


if __name__ == "__main__":
    main()
