import django.db.models.deletion
from django.db import migrations, models
from django.db.models import DecimalField, OuterRef, Subquery
from django.db.models.functions import Coalesce

BATCH = 1000


def fill_listing_prices(apps, schema_editor):
    """Store the from price of every existing product, as
    `catalog.services.listing_prices.listing_prices_refresh` computes it (the historical
    models have no custom managers, hence the explicit filter on archived variants)."""
    product_model = apps.get_model("catalog", "ProductPage")
    variant_model = apps.get_model("catalog", "ProductVariant")
    listing_price_model = apps.get_model("catalog", "ProductListingPrice")
    database = schema_editor.connection.alias
    variants = (
        variant_model.objects.using(database)
        .filter(page_id=OuterRef("pk"), is_archived=False)
        .annotate(effective=Coalesce("price_override", OuterRef("price")))
        .order_by("effective")
        .values("effective")[:1]
    )
    prices = (
        product_model.objects.using(database)
        .annotate(
            from_price=Coalesce(
                Subquery(variants, output_field=DecimalField(max_digits=12, decimal_places=2)),
                "price",
            )
        )
        .order_by("pk")
        .values_list("pk", "from_price")
    )
    listing_price_model.objects.using(database).bulk_create(
        (listing_price_model(product_id=pk, from_price=price) for pk, price in prices.iterator()),
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_shopsettings"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProductListingPrice",
            fields=[
                (
                    "product",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="listing_price",
                        serialize=False,
                        to="catalog.productpage",
                    ),
                ),
                ("from_price", models.DecimalField(decimal_places=2, max_digits=12)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["from_price"], name="catalog_pro_from_pr_813910_idx")
                ],
            },
        ),
        migrations.RunPython(fill_listing_prices, migrations.RunPython.noop),
    ]
