"""The signal receivers that join Wagtail's publishing flow, page moves and deletions, view
restrictions, vendors, images, sites and the shop settings to the invalidation of what shows
them (`connect`, called when the catalog app is ready). Stock changes need no signal:
`catalog.inventory` calls `variants_cache_invalidate` itself."""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.cache.invalidation import (
    page_paths,
    paths_invalidate,
    product_paths,
    product_paths_forget,
    products_cache_invalidate,
    site_pages_invalidate,
)
from catalog.cache.keys import CACHED_PAGE_TYPES, site_relative_path
from catalog.models import ProductGalleryImage, ProductPage, ShopSettings


def _shop_settings_changed(sender, instance, **kwargs):
    transaction.on_commit(site_pages_invalidate)


def _site_changed(sender, instance, **kwargs):
    """A site saved or deleted (its host, its root page) changes the links every page and
    API answer gives."""
    transaction.on_commit(site_pages_invalidate)


# What Wagtail stores of an image's file on first use, which no page or answer shows.
_IMAGE_BOOKKEEPING_FIELDS = frozenset(["file_size", "file_hash"])


def _image_changed(sender, instance, created=False, update_fields=None, **kwargs):
    """An image edited (its title, its file and so its renditions) or deleted changes the
    products whose galleries show it. A new image is in no gallery yet."""
    if created or (update_fields and set(update_fields) <= _IMAGE_BOOKKEEPING_FIELDS):
        return
    product_ids = set(
        ProductGalleryImage.objects.filter(image_id=instance.pk).values_list("page_id", flat=True)
    )
    if product_ids:
        products_cache_invalidate(product_ids=product_ids)


# --- Signal receivers: Wagtail's publish/unpublish/move flow and deletions ----------------


def _remember_previous_state(sender, instance, update_fields=None, **kwargs):
    """Before a full save of a product (publish, revert), note where it is shown now, so a
    changed slug or category list also invalidates the old places."""
    if instance.pk and update_fields is None:
        instance._page_cache_previous_paths = product_paths(product_ids=[instance.pk])


def _product_saved(sender, instance, update_fields=None, **kwargs):
    previous = getattr(instance, "_page_cache_previous_paths", None)
    if previous is not None:
        del instance._page_cache_previous_paths
        products_cache_invalidate(product_ids=[instance.pk], extra_paths=previous)


def _page_changed(sender, instance, **kwargs):
    """Publish or unpublish of a category, storefront, shop index or home page: the paths
    that show it (`page_paths`) and the API. (Publishing and unpublishing a product fully
    save it: `_product_saved` covers those.)"""
    paths = page_paths(page=instance)
    transaction.on_commit(lambda: paths_invalidate(paths=paths))


def _page_moved(sender, instance, url_path_before, url_path_after, parent_page_before, **kwargs):
    before = {site_relative_path(url_path_before), site_relative_path(parent_page_before.url_path)}
    before.discard(None)
    if isinstance(instance.specific_deferred, ProductPage):
        products_cache_invalidate(product_ids=[instance.pk], extra_paths=before)
    else:
        # A moved category or storefront: its old and new paths, and every page below it.
        descendants = Page.objects.descendant_of(instance, inclusive=True)
        paths = {site_relative_path(p) for p in descendants.values_list("url_path", flat=True)}
        paths = (paths | before) - {None}
        transaction.on_commit(lambda: paths_invalidate(paths=paths))


def _product_deleted(sender, instance, **kwargs):
    paths = product_paths(product_ids=[instance.pk])
    transaction.on_commit(lambda: paths_invalidate(paths=paths))


def _vendor_saved(sender, instance, **kwargs):
    """A vendor suspended or renamed changes every page of its products."""
    product_ids = list(ProductPage.objects.filter(vendor=instance).values_list("pk", flat=True))
    products_cache_invalidate(product_ids=product_ids)


def _view_restriction_changed(sender, instance, **kwargs):
    """A page made private (or public again): retire what is cached of it and of every page
    below it, so nobody is served the copy cached while it was public; and the API."""
    page = Page.objects.filter(pk=instance.page_id).only("path", "depth").first()
    if page is None:  # the page itself is being deleted
        return
    descendants = Page.objects.descendant_of(page, inclusive=True)
    paths = {site_relative_path(p) for p in descendants.values_list("url_path", flat=True)}
    paths.discard(None)
    transaction.on_commit(lambda: paths_invalidate(paths=paths))


def connect() -> None:
    pre_save.connect(_remember_previous_state, sender=ProductPage, dispatch_uid="pagecache_pre")
    post_save.connect(_product_saved, sender=ProductPage, dispatch_uid="pagecache_post")
    pre_delete.connect(_product_deleted, sender=ProductPage, dispatch_uid="pagecache_delete")
    post_page_move.connect(_page_moved, dispatch_uid="pagecache_move")
    for signal in (post_save, post_delete):
        signal.connect(
            _view_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"pagecache_view_restriction_{signal is post_save}",
        )
    post_save.connect(
        _vendor_saved, sender=ProductPage.vendor_model(), dispatch_uid="pagecache_vendor"
    )
    for signal in (post_save, post_delete):
        signal.connect(
            _shop_settings_changed,
            sender=ShopSettings,
            dispatch_uid=f"pagecache_shop_settings_{signal is post_save}",
        )
    for signal in (post_save, post_delete):
        signal.connect(
            _site_changed, sender=Site, dispatch_uid=f"pagecache_site_{signal is post_save}"
        )
    post_save.connect(_image_changed, sender=get_image_model(), dispatch_uid="pagecache_image")
    # Before the deletion takes the gallery rows with it.
    pre_delete.connect(
        _image_changed, sender=get_image_model(), dispatch_uid="pagecache_image_deleted"
    )
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(product_paths_forget, dispatch_uid="pagecache_product_paths")
    for model in (Page, Site):
        post_delete.connect(
            product_paths_forget, sender=model, dispatch_uid="pagecache_product_paths"
        )
    post_save.connect(product_paths_forget, sender=Site, dispatch_uid="pagecache_product_paths")
    m2m_changed.connect(
        product_paths_forget,
        sender=ProductPage.categories.through,
        dispatch_uid="pagecache_product_paths",
    )
    for model in apps.get_models():
        if issubclass(model, Page):
            post_save.connect(
                product_paths_forget, sender=model, dispatch_uid="pagecache_product_paths"
            )
    for model in apps.get_models():
        if (
            issubclass(model, Page)
            and model is not ProductPage
            and model._meta.label_lower in CACHED_PAGE_TYPES
        ):
            page_published.connect(_page_changed, sender=model, dispatch_uid="pagecache_pub")
            page_unpublished.connect(_page_changed, sender=model, dispatch_uid="pagecache_unpub")
