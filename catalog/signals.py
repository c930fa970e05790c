"""Signal receivers that join the catalog's page content to its own tables.

Publishing is Wagtail's flow, not ours, so a receiver is the place to make sure every
published variant has a stock row (quantity 0 until someone sets it). The receiver never
changes an existing quantity: publishing (including an old revision) leaves stock alone.
"""

from wagtail.signals import page_published

from catalog import inventory
from catalog.models import ProductPage, ProductVariant


def ensure_stock_rows_on_publish(sender, instance, **kwargs):
    inventory.stock_ensure(
        variant_ids=list(
            ProductVariant.objects.filter(page_id=instance.pk).values_list("pk", flat=True)
        )
    )


def connect() -> None:
    page_published.connect(
        ensure_stock_rows_on_publish, sender=ProductPage, dispatch_uid="catalog_stock_on_publish"
    )
