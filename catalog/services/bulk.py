"""Bulk creation of published products (demo data, benchmarks, large imports).

`add_child` + `save_revision().publish()` costs dozens of queries per product (treebeard path
bookkeeping, full clean, revision, publish log, search index). Here the same rows are written
in batches: tree paths are computed once per storefront; pages, variants, stock, categories,
gallery rows and revisions are bulk inserts; the search index is fed in bulk and the page
cache invalidated once at the end.

The result is what the admin would have produced: live pages with a live revision, so editors
can open, edit and republish them, and stock rows for every variant.
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.utils import timezone
from wagtail.models import Page, Revision
from wagtail.search.backends import get_search_backends

from catalog import inventory
from catalog.cache import products_cache_invalidate
from catalog.models import ProductGalleryImage, ProductPage, ProductVariant

INSERT_BATCH = 500


@dataclass
class ProductSpec:
    title: str
    slug: str
    price: Decimal
    summary: str = ""
    compare_at_price: Decimal | None = None
    # [{"sku": ..., "options": {...}, "price_override": Decimal | None, "stock": int}]
    variants: list[dict] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    image_ids: list[int] = field(default_factory=list)


def products_bulk_create(*, storefront, specs: list[ProductSpec], user=None) -> list[int]:
    """Create `specs` as live products under `storefront` (a VendorPage); returns their ids.

    One transaction. Locks the storefront row (select_for_update) so concurrent bulk inserts
    under the same storefront cannot compute the same tree paths. Raises IntegrityError on a
    duplicate SKU or slug (nothing is then created). Every spec must have at least one variant.
    """
    if not specs:
        return []
    now = timezone.now()
    db = router.db_for_write(ProductPage)
    with transaction.atomic(using=db):
        parent = Page.objects.select_for_update().get(pk=storefront.pk)
        last_child = parent.get_last_child()
        first_step = (int(last_child.path[-Page.steplen :], 36) + 1) if last_child else 1
        content_type = ContentType.objects.get_for_model(ProductPage)
        base_content_type = ContentType.objects.get_for_model(Page)

        products = []
        for offset, spec in enumerate(specs):
            products.append(
                ProductPage(
                    title=spec.title,
                    draft_title=spec.title,
                    slug=spec.slug,
                    path=Page._get_path(parent.path, parent.depth + 1, first_step + offset),
                    depth=parent.depth + 1,
                    numchild=0,
                    url_path=f"{parent.url_path}{spec.slug}/",
                    content_type=content_type,
                    locale_id=parent.locale_id,
                    translation_key=uuid.uuid4(),
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    latest_revision_created_at=now,
                    owner=user,
                    price=spec.price,
                    compare_at_price=spec.compare_at_price,
                    summary=spec.summary,
                    vendor_id=storefront.vendor_id,
                )
            )
        page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
        base_rows = Page.objects.bulk_create(
            [Page(**{f.attname: getattr(p, f.attname) for f in page_fields}) for p in products]
        )
        for product, base in zip(products, base_rows, strict=True):
            product.id = product.page_ptr_id = base.pk
        # Django's bulk_create refuses multi-table models, so the ProductPage rows (the Page
        # rows exist now) go through the same batched INSERT that bulk_create and save_base
        # use internally. No per-row signals: the cache is invalidated once below.
        local_fields = ProductPage._meta.local_concrete_fields
        for start in range(0, len(products), INSERT_BATCH):
            ProductPage._base_manager._insert(
                products[start : start + INSERT_BATCH], fields=local_fields, using=db
            )
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(products))

        variants, stock_quantities = [], []
        for product, spec in zip(products, specs, strict=True):
            for position, data in enumerate(spec.variants):
                variants.append(
                    ProductVariant(
                        page_id=product.pk,
                        sort_order=position,
                        sku=data["sku"],
                        options=data.get("options", {}),
                        price_override=data.get("price_override"),
                    )
                )
                stock_quantities.append(data.get("stock", 0))
        ProductVariant.objects.bulk_create(variants, batch_size=1000)
        inventory.stock_initialize(
            quantities={
                variant.pk: quantity
                for variant, quantity in zip(variants, stock_quantities, strict=True)
            }
        )
        through = ProductPage.categories.through
        through.objects.bulk_create(
            [
                through(productpage_id=product.pk, categorypage_id=category_id)
                for product, spec in zip(products, specs, strict=True)
                for category_id in dict.fromkeys(spec.category_ids)
            ],
            batch_size=1000,
        )
        gallery = [
            ProductGalleryImage(page_id=product.pk, image_id=image_id, sort_order=position)
            for product, spec in zip(products, specs, strict=True)
            for position, image_id in enumerate(spec.image_ids)
        ]
        ProductGalleryImage.objects.bulk_create(gallery, batch_size=1000)

        # Revisions hold the full content (with inlines), as if published from the admin.
        by_page: dict[int, list] = {}
        for variant in variants:
            by_page.setdefault(variant.page_id, []).append(variant)
        gallery_by_page: dict[int, list] = {}
        for item in gallery:
            gallery_by_page.setdefault(item.page_id, []).append(item)
        for product, spec in zip(products, specs, strict=True):
            product.variants = by_page.get(product.pk, [])
            product.gallery_images = gallery_by_page.get(product.pk, [])
            product.categories = list(dict.fromkeys(spec.category_ids))
        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    content_type=content_type,
                    base_content_type=base_content_type,
                    object_id=str(product.pk),
                    created_at=now,
                    user=user,
                    object_str=product.title,
                    content=product.serializable_data(),
                )
                for product in products
            ],
            batch_size=500,
        )
        for base, revision in zip(base_rows, revisions, strict=True):
            base.latest_revision_id = base.live_revision_id = revision.pk
        Page.objects.bulk_update(base_rows, ["latest_revision", "live_revision"], batch_size=500)

        ids = [product.pk for product in products]
        # The database search backend writes its index rows in this transaction too.
        products_index(page_ids=ids)
        products_cache_invalidate(product_ids=ids)
    return ids


def products_index(*, page_ids: list[int], batch_size: int = 500) -> None:
    """Add products to every search backend in batches (related fields prefetched)."""
    for start in range(0, len(page_ids), batch_size):
        batch = list(
            ProductPage.objects.filter(pk__in=page_ids[start : start + batch_size])
            .select_related("vendor")
            .prefetch_related("variants", "categories")
        )
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(ProductPage, batch)
