"""Signal receivers that join the catalog's page content to its own tables.

Publishing is Wagtail's flow, not ours, so a receiver is the place to make sure every
published variant has a stock row (quantity 0 until someone sets it) and that the stored from
price listings filter by is the published one. The receiver never
changes an existing quantity: publishing (including an old revision) leaves stock alone.

The shop settings are read from Django's cache (`ShopSettings.for_site`, and the default site's
with the sites), and so are the sites (`catalog.selectors.default_site`, `site_for_request`); a
save or delete forgets them, again once the transaction commits so nobody re-caches the old row
in between.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Site
from wagtail.signals import page_published

from catalog import inventory
from catalog.models import ProductPage, ProductVariant, ShopSettings
from catalog.selectors.products import SITES_VERSION_KEY
from catalog.services.listing_prices import listing_prices_refresh
from nexus.versioned_cache import retire


def ensure_stock_rows_on_publish(sender, instance, **kwargs):
    # The published price and variants are what listings filter and order by from now on.
    listing_prices_refresh(product_ids=[instance.pk])
    inventory.stock_ensure(
        variant_ids=list(
            ProductVariant.objects.filter(page_id=instance.pk).values_list("pk", flat=True)
        )
    )


def forget_shop_settings(sender, instance, created=False, **kwargs):
    key = ShopSettings.cache_key(instance.site_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    # The default site's settings are remembered with the sites (`shop_settings()`): a change
    # or a deletion retires them. A new row retires nothing: what is remembered was read from
    # a row that existed (the first read of a site's settings makes its row), so a site gets a
    # new one only after its old was deleted, and that retired them.
    if not created:
        forget_sites(sender, instance)


def forget_sites(sender, instance, **kwargs):
    retire(SITES_VERSION_KEY)
    transaction.on_commit(lambda: retire(SITES_VERSION_KEY))


def connect() -> None:
    post_save.connect(forget_sites, sender=Site, dispatch_uid="sites_saved")
    post_delete.connect(forget_sites, sender=Site, dispatch_uid="sites_deleted")
    post_save.connect(forget_shop_settings, sender=ShopSettings, dispatch_uid="shop_settings_saved")
    post_delete.connect(
        forget_shop_settings, sender=ShopSettings, dispatch_uid="shop_settings_deleted"
    )
    page_published.connect(
        ensure_stock_rows_on_publish, sender=ProductPage, dispatch_uid="catalog_stock_on_publish"
    )
