"""Reads of the catalog for pages, blocks and APIs. Query counts stay constant per call."""

from django.apps import apps
from django.db.models import Min, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce
from wagtail.models import Site

from catalog.models import ProductGalleryImage, ProductPage


def shop_settings(*, site: Site | None = None):
    """The shop's settings (name, currency, support e-mail) for `site` or the default site.

    Read by model name: the settings live in `home`, which depends on the catalog, not the
    other way round.
    """
    model = apps.get_model("home", "ShopSettings")
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return model(shop_name="Nexus")
    return model.for_site(site)


def shop_currency(*, site: Site | None = None) -> str:
    return shop_settings(site=site).currency_code


def live_products() -> QuerySet[ProductPage]:
    """Products a shopper may see: live, public (no view restriction on them or above)."""
    return ProductPage.objects.live().public()


def product_cards(*, page_ids: list[int] | None = None, queryset=None) -> list[ProductPage]:
    """Live products for listings, with `min_price`, `total_stock` and the first image.

    Keeps the order of `page_ids` when given. A fixed number of queries whatever the count.
    """
    qs = queryset if queryset is not None else live_products()
    if page_ids is not None:
        qs = qs.filter(pk__in=page_ids)
    qs = (
        qs.select_related("vendor")
        .annotate(
            min_variant_price=Min(Coalesce("variants__price_override", "price")),
            total_stock=Coalesce(Sum("variants__stock__quantity"), 0),
        )
        .prefetch_related(
            Prefetch(
                "gallery_images",
                queryset=ProductGalleryImage.objects.select_related("image").order_by("sort_order"),
            )
        )
    )
    products = list(qs)
    if page_ids is not None:
        position = {pk: index for index, pk in enumerate(page_ids)}
        products.sort(key=lambda product: position[product.pk])
    return products
