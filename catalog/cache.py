"""What the page cache holds for the catalog, and how it is invalidated.

The cache itself is `nexus.cache.PageCacheMiddleware`: anonymous GETs of product, category,
storefront and home pages (by path) and of the Wagtail API v2 page endpoints (by full URL,
under one version token) are served from Django's cache (Redis when REDIS_URL is set).
Shoppers with a session or a login get the page shared but for their own parts
(`catalog.shared_pages`, under the same version tokens), and, where a page is rendered for them
(filters, pagination), the part that is the same for everyone from a cached fragment
(`shared_fragment`).

Everything cached for a path (whole pages for any host, fragments) lives under that path's
version token; invalidating the path replaces the token in one write (`paths_invalidate`).
A change every page shows (the shop settings) replaces the site's token, part of every path's
version, and so retires everything at once (`site_pages_invalidate`).

A change to a product invalidates exactly what shows it: its own page, the category pages
that list it (its categories and their ancestors, which list sub-category products too), its
storefront, the home pages that feature it, and the API (one version bump). It happens after
the transaction commits, so nobody can re-cache the old state in between, and the same URLs
are purged from a frontend cache (CDN) when WAGTAILFRONTENDCACHE is configured.

Signals join Wagtail's publishing flow, image and site changes to this module (`connect`);
stock changes call `variants_cache_invalidate` from `catalog.inventory`.
"""

import hashlib
import logging
import uuid
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from catalog.models import (
    CategoryPage,
    ProductGalleryImage,
    ProductPage,
    ProductVariant,
    ShopSettings,
)
from nexus.versioned_cache import remembered_many, retire

logger = logging.getLogger(__name__)

API_VERSION_KEY = "pagecache:api-version"
# The token under which the paths that show each product are remembered (`product_paths`).
PRODUCT_PATHS_VERSION_KEY = "pagecache:product-paths-version"
PRODUCT_PATHS_SECONDS = 3600
# Part of every path's version: replaced by a change that every page shows (the shop settings:
# its name in each title, its currency in each price), which retires every cached page and
# fragment in one write.
SITE_VERSION_KEY = "pagecache:site-version"
API_PREFIX = "/api/v2/pages/"
# Page types whose anonymous responses are cached (model labels, lower case).
CACHED_PAGE_TYPES = frozenset(label.lower() for label in settings.PAGE_CACHE_PAGE_TYPES)
# Other apps' pages that show products (the home page's featured products) register a hook
# ``fn(product_ids: set[int]) -> Iterable[Page]`` so their paths are invalidated too.
PAGES_SHOWING_PRODUCTS_HOOK = "catalog_pages_showing_products"
# The same for categories (the home page's featured categories):
# ``fn(category_ids: set[int]) -> Iterable[Page]``.
PAGES_SHOWING_CATEGORIES_HOOK = "catalog_pages_showing_categories"


def page_cache_seconds() -> int:
    return getattr(settings, "PAGE_CACHE_SECONDS", 600)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def page_cache_key(*, host: str, path: str) -> str:
    return f"pagecache:page:{host}:{_digest(path)}"


def path_version_key(path: str) -> str:
    """The key of the version token of everything cached for a site-relative `path`: whole
    anonymous pages (any host) and the shared fragments of personal pages. Invalidating a
    path replaces its token; entries stored under another token are never served."""
    return f"pagecache:path-version:{_digest(path)}"


def _token(key: str) -> str:
    """The token under `key`, made on first use."""
    version = cache.get(key)
    if version is None:
        fresh = uuid.uuid4().hex
        cache.add(key, fresh, None)
        # With the cache down (Redis stopped) nothing reads back: a token of this request
        # alone, so nothing is served from the cache and nothing stale ever is.
        version = cache.get(key) or fresh
    return version


def path_version(path: str) -> str:
    """The current version of what is cached for `path` (made on first use): the site's token
    (`SITE_VERSION_KEY`, replaced by a change every page shows) and the path's own. Read it
    before rendering and store the result under it: an invalidation during the render then
    wins."""
    return f"{_token(SITE_VERSION_KEY)}:{_token(path_version_key(path))}"


def path_version_keys(path: str) -> list[str]:
    """The keys of the tokens `path_version` is made of, to read them in the same round trip
    as a cached entry (`path_version_found`)."""
    return [SITE_VERSION_KEY, path_version_key(path)]


def path_version_found(found: dict, path: str) -> str | None:
    """`path_version(path)` from the values `cache.get_many` found for `path_version_keys`,
    or None when a token is missing (nothing stored under it can be current)."""
    site, own = found.get(SITE_VERSION_KEY), found.get(path_version_key(path))
    return f"{site}:{own}" if site and own else None


def api_cache_key(*, version: str, full_path: str) -> str:
    return f"pagecache:api:{version}:{_digest(full_path)}"


def api_cache_version() -> str:
    """The current version token of cached API responses (made on first use)."""
    version = cache.get(API_VERSION_KEY)
    if version is None:
        cache.add(API_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(API_VERSION_KEY)
    return version


# Forms on pages that may be shared render this instead of the visitor's CSRF token
# (`csrf_placeholder` below); the page cache puts the requesting visitor's own token in its
# place (nexus.cache). No cached page or fragment ever holds a real token.
CSRF_PLACEHOLDER = "nexus-csrf-token-placeholder"


def csrf_placeholder(request) -> dict:
    """Context processor: `csrf_token` is the placeholder on requests the page cache marked
    (`request.csrf_placeholder`), so `{% csrf_token %}` renders it; others are untouched."""
    if getattr(request, "csrf_placeholder", False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def shared_fragment(request, page, *vary_on) -> tuple[int, str]:
    """(seconds, key) for `{% cache %}` around the part of `page` that is the same for every
    visitor: keyed by the page, its live revision and its path's version token (so whatever
    invalidates the anonymous copy of the page also retires the fragment), plus `vary_on`.
    Previews, pages rendered outside the page cache's marking, and a zero lifetime get a key
    of their own and no caching."""
    seconds = page_cache_seconds()
    if (
        seconds <= 0
        or getattr(request, "is_preview", False)
        or not getattr(request, "csrf_placeholder", False)
    ):
        return 0, f"uncached:{uuid.uuid4().hex}"
    path = site_relative_path(page.url_path)
    if path is None:
        return 0, f"uncached:{uuid.uuid4().hex}"
    parts = [str(page.pk), str(page.live_revision_id), path_version(path), *map(str, vary_on)]
    return seconds, _digest("|".join(parts))


def catalog_fragment(request, name: str, *vary_on) -> tuple[int, str]:
    """(seconds, key) for `{% cache %}` around a part that lists products from the whole
    catalog (the search results and their facets), the same for every visitor: keyed by the
    catalog's version token (the API's, which every change to a product, its stock, a category,
    a vendor or a view restriction replaces) plus `vary_on`. Previews and a zero lifetime get a
    key of their own and no caching."""
    seconds = page_cache_seconds()
    if seconds <= 0 or getattr(request, "is_preview", False):
        return 0, f"uncached:{uuid.uuid4().hex}"
    return seconds, _digest("|".join([name, api_cache_version(), *map(str, vary_on)]))


def site_relative_path(url_path: str, *, roots=None) -> str | None:
    """The path a page with Wagtail `url_path` is served at (its site's root stripped).
    `roots`: `Site.get_site_root_paths()` (a cache read) when the caller has them already."""
    for root in roots if roots is not None else Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            return url_path[len(root.root_path) - 1 :]
    return None


def _site_urls(paths: Iterable[str]) -> list[str]:
    roots = {root.root_url for root in Site.get_site_root_paths()}
    return [root + path for root in roots for path in paths]


def paths_invalidate(*, paths: Iterable[str], api: bool = True) -> None:
    """Retire what is cached for `paths` (whole pages for every host, shared fragments) by
    replacing their version tokens, in one write; with `api`, every cached API response.
    Purge the same URLs from the frontend cache. Call after commit."""
    paths = sorted(set(paths))
    if paths:
        cache.set_many({path_version_key(path): uuid.uuid4().hex for path in paths}, None)
    if api:
        cache.set(API_VERSION_KEY, uuid.uuid4().hex, None)
    if paths and getattr(settings, "WAGTAILFRONTENDCACHE", None):
        from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

        urls = _site_urls(paths)
        if api:
            urls += _site_urls([API_PREFIX])
        purge_urls_from_cache(urls)


def site_pages_invalidate() -> None:
    """Retire every cached page, fragment and API response (one write each): after a change
    that every page shows, such as the shop settings. Call after commit. A frontend cache
    (CDN) keeps its copies for their lifetime: it is purged by URL, and every URL is not
    known here."""
    cache.set_many({SITE_VERSION_KEY: uuid.uuid4().hex, API_VERSION_KEY: uuid.uuid4().hex}, None)


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


def product_paths(*, product_ids: Iterable[int]) -> set[str]:
    """The paths that show these products: their pages, their categories and the categories'
    ancestors, their storefronts, and the pages the `PAGES_SHOWING_PRODUCTS_HOOK` hooks name
    (the home pages featuring them).

    Remembered per product (every stock change asks again) under a token that whatever could
    change the answer retires (`_product_paths_forget`): a page published, unpublished, saved,
    moved or deleted, a product's categories changed, a site saved or deleted."""
    product_ids = set(product_ids)
    if not product_ids:
        return set()
    by_product = remembered_many(
        PRODUCT_PATHS_VERSION_KEY,
        {product_id: f"pagecache:product-paths:{product_id}" for product_id in product_ids},
        _paths_by_product,
        PRODUCT_PATHS_SECONDS,
    )
    return set().union(*by_product.values())


def _paths_by_product(product_ids: set[int]) -> dict[int, set[str]]:
    url_paths: dict[int, set[str]] = {product_id: set() for product_id in product_ids}
    products = list(ProductPage.objects.filter(pk__in=product_ids).only("path", "url_path"))
    # The parents (storefronts) in one query: a parent's path is its child's without the last step.
    parent_paths = {product.path[: -Page.steplen] for product in products}
    parent_url_paths = dict(
        Page.objects.filter(path__in=parent_paths).values_list("path", "url_path")
    )
    for product in products:
        url_paths[product.pk].add(product.url_path)
        if parent_url_path := parent_url_paths.get(product.path[: -Page.steplen]):
            url_paths[product.pk].add(parent_url_path)
    links = ProductPage.categories.through.objects.filter(productpage_id__in=product_ids)
    products_of: dict[int, set[int]] = {}
    for product_id, category_id in links.values_list("productpage_id", "categorypage_id"):
        products_of.setdefault(category_id, set()).add(product_id)
    for category in CategoryPage.objects.filter(pk__in=products_of):
        shown = {category.url_path}
        shown.update(category.get_ancestors().type(CategoryPage).values_list("url_path", flat=True))
        for product_id in products_of[category.pk]:
            url_paths[product_id] |= shown
    for pages_showing in hooks.get_hooks(PAGES_SHOWING_PRODUCTS_HOOK):
        # Asked once for all the products first: most are shown on none of its pages (a bulk
        # import of thousands would otherwise ask once per product for nothing).
        if not pages_showing(product_ids):
            continue
        for product_id in product_ids:
            url_paths[product_id].update(page.url_path for page in pages_showing({product_id}))
    roots = Site.get_site_root_paths()
    return {
        product_id: {
            path for url_path in paths if (path := site_relative_path(url_path, roots=roots))
        }
        for product_id, paths in url_paths.items()
    }


def _product_paths_forget(sender=None, instance=None, **kwargs) -> None:
    # Now, and again once the transaction commits: a request in between may have remembered
    # the old answer.
    retire(PRODUCT_PATHS_VERSION_KEY)
    transaction.on_commit(lambda: retire(PRODUCT_PATHS_VERSION_KEY))


def products_cache_invalidate(*, product_ids: Iterable[int], extra_paths: Iterable[str] = ()):
    """After the current transaction commits, invalidate what shows these products (as they
    are then) plus `extra_paths` (where they were before a move or a category change)."""
    product_ids, extra_paths = set(product_ids), set(extra_paths)

    def invalidate():
        paths_invalidate(paths=product_paths(product_ids=product_ids) | extra_paths)

    transaction.on_commit(invalidate)


def variants_cache_invalidate(*, variant_ids: Iterable[int]) -> None:
    """Stock of these variants changed: invalidate their products after commit."""
    variant_ids = set(variant_ids)

    def invalidate():
        product_ids = set(
            ProductVariant.objects.filter(pk__in=variant_ids).values_list("page_id", flat=True)
        )
        paths_invalidate(paths=product_paths(product_ids=product_ids))

    transaction.on_commit(invalidate)


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


def page_paths(*, page: Page) -> set[str]:
    """The paths that show a category, storefront, shop index or home page: its own, and for
    a category also the pages that list it (the category or shop index above it and the pages
    the `PAGES_SHOWING_CATEGORIES_HOOK` hooks name); for a storefront also the products below
    it (they link to it)."""
    url_paths = {page.url_path}
    if isinstance(page.specific_deferred, CategoryPage):
        url_paths.update(Page.objects.ancestor_of(page).values_list("url_path", flat=True))
        for pages_showing in hooks.get_hooks(PAGES_SHOWING_CATEGORIES_HOOK):
            url_paths.update(shown.url_path for shown in pages_showing({page.pk}))
    else:
        url_paths.update(ProductPage.objects.child_of(page).values_list("url_path", flat=True))
    return {path for path in map(site_relative_path, url_paths) if path}


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
        signal.connect(_product_paths_forget, dispatch_uid="pagecache_product_paths")
    for model in (Page, Site):
        post_delete.connect(
            _product_paths_forget, sender=model, dispatch_uid="pagecache_product_paths"
        )
    post_save.connect(_product_paths_forget, sender=Site, dispatch_uid="pagecache_product_paths")
    m2m_changed.connect(
        _product_paths_forget,
        sender=ProductPage.categories.through,
        dispatch_uid="pagecache_product_paths",
    )
    for model in apps.get_models():
        if issubclass(model, Page):
            post_save.connect(
                _product_paths_forget, sender=model, dispatch_uid="pagecache_product_paths"
            )
    for model in apps.get_models():
        if (
            issubclass(model, Page)
            and model is not ProductPage
            and model._meta.label_lower in CACHED_PAGE_TYPES
        ):
            page_published.connect(_page_changed, sender=model, dispatch_uid="pagecache_pub")
            page_unpublished.connect(_page_changed, sender=model, dispatch_uid="pagecache_unpub")
