"""What a change retires: the paths that show a product or a page (`product_paths`,
`page_paths`) and the replacement of their version tokens after commit (`paths_invalidate`,
`products_cache_invalidate`, `variants_cache_invalidate`, `site_pages_invalidate`), with the
same URLs purged from a frontend cache (CDN) when WAGTAILFRONTENDCACHE is configured."""

import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from wagtail import hooks
from wagtail.models import Page, Site

from catalog.cache.keys import (
    API_PREFIX,
    API_VERSION_KEY,
    CATALOG_CONTENT_VERSION_KEY,
    PRODUCT_PATHS_SECONDS,
    PRODUCT_PATHS_VERSION_KEY,
    SITE_VERSION_KEY,
    path_version_key,
    product_stock_version_key,
    site_relative_path,
)
from catalog.models import CategoryPage, ProductPage, ProductVariant
from nexus.versioned_cache import remembered_many, retire

# Other apps' pages that show products (the home page's featured products) register a hook
# ``fn(product_ids: set[int]) -> Iterable[Page]`` so their paths are invalidated too.
PAGES_SHOWING_PRODUCTS_HOOK = "catalog_pages_showing_products"
# The same for categories (the home page's featured categories):
# ``fn(category_ids: set[int]) -> Iterable[Page]``.
PAGES_SHOWING_CATEGORIES_HOOK = "catalog_pages_showing_categories"


def _site_urls(paths: Iterable[str]) -> list[str]:
    roots = {root.root_url for root in Site.get_site_root_paths()}
    return [root + path for root in roots for path in paths]


def paths_invalidate(
    *, paths: Iterable[str], api: bool = True, stock_of: Iterable[int] | None = None
) -> None:
    """Retire what is cached for `paths` (whole pages for every host, shared fragments) by
    replacing their version tokens, in one write; with `api`, every cached API response and
    catalog listing (`API_VERSION_KEY`) and, unless the change is the stock of the products
    `stock_of`, what shows some products only (`CATALOG_CONTENT_VERSION_KEY`); with
    `stock_of`, what shows those products' stock. Purge the same URLs from the frontend cache.
    Call after commit."""
    paths = sorted(set(paths))
    tokens = {path_version_key(path): uuid.uuid4().hex for path in paths}
    if api:
        tokens[API_VERSION_KEY] = uuid.uuid4().hex
        if stock_of is None:
            tokens[CATALOG_CONTENT_VERSION_KEY] = uuid.uuid4().hex
    for product_id in stock_of or ():
        tokens[product_stock_version_key(product_id)] = uuid.uuid4().hex
    if tokens:
        cache.set_many(tokens, None)
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
    cache.set_many(
        {
            SITE_VERSION_KEY: uuid.uuid4().hex,
            API_VERSION_KEY: uuid.uuid4().hex,
            CATALOG_CONTENT_VERSION_KEY: uuid.uuid4().hex,
        },
        None,
    )


def product_paths(*, product_ids: Iterable[int]) -> set[str]:
    """The paths that show these products: their pages, their categories and the categories'
    ancestors, their storefronts, and the pages the `PAGES_SHOWING_PRODUCTS_HOOK` hooks name
    (the home pages featuring them).

    Remembered per product (every stock change asks again) under a token that whatever could
    change the answer retires (`product_paths_forget`): a page published, unpublished, saved,
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


def product_paths_forget(sender=None, instance=None, **kwargs) -> None:
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
    """Stock of these variants changed: after commit, invalidate the paths that show their
    products, what lists the whole catalog (`API_VERSION_KEY`: an in-stock filter, the search)
    and what shows these products' stock; what shows other products only is kept."""
    variant_ids = set(variant_ids)

    def invalidate():
        product_ids = set(
            ProductVariant.objects.filter(pk__in=variant_ids).values_list("page_id", flat=True)
        )
        paths_invalidate(paths=product_paths(product_ids=product_ids), stock_of=product_ids)

    transaction.on_commit(invalidate)


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
