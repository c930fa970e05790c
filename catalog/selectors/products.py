"""Reads of products, categories, stock and shop settings for pages, blocks, the admin and
the APIs. Every function runs a fixed number of queries (the tests pin the counts)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from wagtail.images import get_image_model
from wagtail.models import Site

from catalog.cache.keys import CATALOG_CONTENT_VERSION_KEY, listing_kept
from catalog.models import (
    Availability,
    CategoryPage,
    ProductGalleryImage,
    ProductPage,
    ProductVariant,
    ShopIndexPage,
    ShopSettings,
    Stock,
    availability_filter,
    availability_for,
)
from nexus.page_restrictions import VERSION_KEY as VIEW_RESTRICTIONS_VERSION_KEY
from nexus.page_restrictions import public
from nexus.versioned_cache import remembered, remembered_many

# Rendition specs used by the templates and the API. Prefetching exactly these keeps a page of
# products at a constant query count (a missing rendition is generated once, then reused).
CARD_RENDITION = "fill-400x400"
GALLERY_THUMBNAIL_RENDITION = "fill-160x160"
GALLERY_LARGE_RENDITION = "max-1200x1200"
API_RENDITIONS = {"thumbnail": "fill-300x300", "large": GALLERY_LARGE_RENDITION}

ORDERINGS = {
    "newest": "Newest",
    "price_asc": "Price: low to high",
    "price_desc": "Price: high to low",
    "relevance": "Relevance",
}
SEARCH_MAX_RESULTS = 1000
SITES_VERSION_KEY = "sites:version"
SITES_SECONDS = 3600
DEFAULT_SHOP_SETTINGS_KEY = "shop-settings:default"
VENDOR_CHOICES_KEY = "catalog:vendor-choices"


def shop_index_page() -> ShopIndexPage | None:
    """The live shop index (where categories live), the target of "Continue shopping"."""
    return ShopIndexPage.objects.live().first()


def default_site() -> Site | None:
    """The default site, from the cache: a saved or deleted site retires it
    (`catalog.signals`)."""
    return remembered(
        SITES_VERSION_KEY,
        "sites:default",
        lambda: Site.objects.filter(is_default_site=True).first(),
        SITES_SECONDS,
    )


def _request_site_key(request) -> str:
    return f"sites:request:{request.get_host()}:{request.get_port()}"


def site_for_request(request) -> Site | None:
    """The request's site, remembered per host and port like `default_site` (Wagtail's lookup
    is a query on every request) and handed to Wagtail through its documented per-request
    cache, so page URLs built for this request ask no more."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    site = remembered(
        SITES_VERSION_KEY,
        _request_site_key(request),
        lambda: Site.find_for_request(request),
        SITES_SECONDS,
    )
    request._wagtail_site = site
    return site


def _default_shop_settings() -> ShopSettings:
    site = default_site()
    return ShopSettings(shop_name="Nexus") if site is None else ShopSettings.for_site(site)


def shop_settings(*, site: Site | None = None) -> ShopSettings:
    """The shop's settings (name, currency, support e-mail) for `site` or the default site.
    The default site's are remembered with the sites (one cache round trip): a saved or
    deleted site or shop settings row retires them (`catalog.signals`)."""
    if site is not None:
        return ShopSettings.for_site(site)
    return remembered(
        SITES_VERSION_KEY, DEFAULT_SHOP_SETTINGS_KEY, _default_shop_settings, SITES_SECONDS
    )


def site_and_shop_settings(request) -> tuple[Site | None, ShopSettings]:
    """`site_for_request(request)` and `shop_settings()` (the default site's) in one cache
    round trip, for a response that needs both (an API response's URLs and prices)."""
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site, shop_settings()
    compute = {
        "site": lambda: Site.find_for_request(request),
        "settings": _default_shop_settings,
    }
    found = remembered_many(
        SITES_VERSION_KEY,
        {"site": _request_site_key(request), "settings": DEFAULT_SHOP_SETTINGS_KEY},
        lambda missing: {name: compute[name]() for name in missing},
        SITES_SECONDS,
    )
    request._wagtail_site = found["site"]
    return found["site"], found["settings"]


def shop_currency(*, site: Site | None = None) -> str:
    return shop_settings(site=site).currency_code


def live_products() -> QuerySet[ProductPage]:
    """Products a shopper may see: live, public (no view restriction on them or above)."""
    return public(ProductPage.objects.live())


def _total_stock_subquery():
    totals = (
        Stock.objects.filter(variant__page_id=OuterRef("pk"), variant__is_archived=False)
        .order_by()
        .values("variant__page_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(totals, output_field=IntegerField()), Value(0))


def products_annotated(queryset: QuerySet[ProductPage]) -> QuerySet[ProductPage]:
    """Add `min_variant_price`, the stored from price (`ProductListingPrice`, one-to-one, so
    its join adds no rows), and `total_stock` as a subquery (no join, so no duplicates)."""
    return queryset.annotate(
        min_variant_price=F("listing_price__from_price"), total_stock=_total_stock_subquery()
    )


def _card_prefetches():
    return [
        Prefetch(
            "gallery_images", queryset=ProductGalleryImage.objects.order_by("sort_order", "pk")
        ),
        Prefetch(
            "gallery_images__image",
            queryset=get_image_model().objects.prefetch_renditions(CARD_RENDITION),
        ),
    ]


def product_cards(*, page_ids: list[int] | None = None, queryset=None) -> list[ProductPage]:
    """Live products for listings, with `min_variant_price`, `total_stock` and gallery images
    (with the card rendition prefetched).

    Keeps the order of `page_ids` when given. A fixed number of queries whatever the count.
    """
    qs = queryset if queryset is not None else live_products()
    if page_ids is not None:
        qs = qs.filter(pk__in=page_ids)
    qs = products_annotated(qs.select_related("vendor")).prefetch_related(*_card_prefetches())
    products = list(qs)
    if page_ids is not None:
        position = {pk: index for index, pk in enumerate(page_ids)}
        products.sort(key=lambda product: position[product.pk])
    return products


def products_for_api(queryset: QuerySet[ProductPage]) -> QuerySet[ProductPage]:
    """`queryset` with everything the product APIs read (from price, total stock, vendor and
    storefront, categories, variants with stock, gallery images with the API renditions), in
    a fixed number of queries whatever the number of products."""
    return (
        products_annotated(queryset)
        .select_related("vendor", "vendor__storefront", "locale")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.select_related("stock").order_by(
                    "sort_order", "pk"
                ),
            ),
            Prefetch("categories", queryset=CategoryPage.objects.order_by("path")),
            Prefetch(
                "gallery_images", queryset=ProductGalleryImage.objects.order_by("sort_order", "pk")
            ),
            Prefetch(
                "gallery_images__image",
                queryset=get_image_model().objects.prefetch_renditions(*API_RENDITIONS.values()),
            ),
        )
    )


def product_body_images_prefetch(products: Iterable[ProductPage], *, renditions=()) -> None:
    """Turn the image blocks in the bodies of `products` into images, with the `renditions`
    (filter specs) prefetched, in two queries for all of them.

    Read block by block, a body costs a query per product for its images and one per image
    for each rendition. Each product's `body` keeps its blocks; only their images are loaded.
    """
    pending = [
        (product.body, index, raw)
        for product in products
        for index, raw in enumerate(product.body.raw_data)
        if raw["type"] == "image"
    ]
    if not pending:
        return
    image_block = ProductPage._meta.get_field("body").stream_block.child_blocks["image"]
    # One query for every image, whatever the format each block was saved in.
    images = image_block.bulk_to_python([raw["value"] for _, _, raw in pending])
    rendition_model = get_image_model().get_rendition_model()
    prefetch_related_objects(
        [image for image in images if image is not None],
        Prefetch(
            "renditions",
            queryset=rendition_model.objects.filter(filter_spec__in=list(renditions)),
        ),
    )
    for (stream, index, raw), image in zip(pending, images, strict=True):
        stream[index] = ("image", image, raw.get("id"))


# --- Categories --------------------------------------------------------------------------


def live_categories() -> QuerySet[CategoryPage]:
    return public(CategoryPage.objects.live())


def category_children(*, parent) -> list[CategoryPage]:
    return list(live_categories().child_of(parent).order_by("path"))


@dataclass
class CategoryNode:
    category: CategoryPage
    children: list["CategoryNode"]


def category_tree() -> list[CategoryNode]:
    """Every live, public category as a tree (the shop index's children are the roots), each
    level ordered as in the page tree. Three queries whatever the size of the tree; a category
    under an unpublished or private one is left out with it."""
    shop_paths = set(ShopIndexPage.objects.values_list("path", flat=True))
    categories = list(live_categories().order_by("path"))
    nodes: dict[str, CategoryNode] = {}
    roots: list[CategoryNode] = []
    for category in categories:
        node = CategoryNode(category=category, children=[])
        nodes[category.path] = node
        parent = nodes.get(category.path[: -CategoryPage.steplen])
        if parent is not None:
            parent.children.append(node)
        elif category.path[: -CategoryPage.steplen] in shop_paths:
            roots.append(node)
    return roots


def category_and_descendants(*, category: CategoryPage) -> QuerySet[CategoryPage]:
    return CategoryPage.objects.descendant_of(category, inclusive=True)


def vendor_choices() -> QuerySet:
    """Vendors that have at least one product a shopper may see, for filter choices.

    Which vendors those are is kept under the catalog's content token and the view
    restrictions' (a publish, an unpublish, a move or a deletion of a product, a restriction
    replaces one of them after it commits): asked of the database, it reads every product of
    a vendor to find one that is live (33,000 products each: about 15 ms on PostgreSQL)."""
    vendor_model = ProductPage.vendor_model()
    vendor_ids = listing_kept(
        [CATALOG_CONTENT_VERSION_KEY, VIEW_RESTRICTIONS_VERSION_KEY],
        VENDOR_CHOICES_KEY,
        lambda: list(
            vendor_model.objects.filter(
                Exists(live_products().filter(vendor_id=OuterRef("pk")))
            ).values_list("pk", flat=True)
        ),
    )
    return vendor_model.objects.filter(pk__in=vendor_ids).order_by("name")


@dataclass
class VariantDetail:
    variant: ProductVariant
    quantity: int
    availability: str

    @property
    def is_available(self) -> bool:
        return self.quantity > 0


@dataclass
class ProductDetail:
    variants: list[VariantDetail]
    images: list[ProductGalleryImage]
    is_purchasable: bool
    total_stock: int
    availability: str
    selected_variant_id: int | None  # the first variant in stock, pre-selected in the form


def product_detail(*, product: ProductPage) -> ProductDetail:
    """Variants with stock and availability, and gallery images with renditions prefetched,
    for the product page. Works on a live page and on a preview (in-memory inlines) alike."""
    variants = sorted(product.variants.all(), key=lambda v: (v.sort_order or 0, v.pk or 0))
    quantities = dict(
        Stock.objects.filter(
            variant_id__in=[v.pk for v in variants if v.pk is not None]
        ).values_list("variant_id", "quantity")
    )
    variant_details = [
        VariantDetail(
            variant=variant,
            quantity=quantities.get(variant.pk, 0),
            availability=availability_for(quantities.get(variant.pk, 0)),
        )
        for variant in variants
    ]
    gallery = sorted(product.gallery_images.all(), key=lambda g: (g.sort_order or 0, g.pk or 0))
    images = {
        image.pk: image
        for image in get_image_model()
        .objects.filter(pk__in=[g.image_id for g in gallery])
        .prefetch_renditions(GALLERY_THUMBNAIL_RENDITION, GALLERY_LARGE_RENDITION)
    }
    for item in gallery:
        if item.image_id in images:
            item.image = images[item.image_id]
    total = sum(detail.quantity for detail in variant_details)
    return ProductDetail(
        variants=variant_details,
        images=[item for item in gallery if item.image_id in images],
        is_purchasable=product.is_purchasable,
        total_stock=total,
        availability=availability_for(total),
        selected_variant_id=next(
            (detail.variant.pk for detail in variant_details if detail.is_available), None
        ),
    )


# --- Admin stock view -------------------------------------------------------------------------


def stock_rows(
    *,
    restrict_to_vendor_ids: list[int] | None = None,
    query: str = "",
    vendor_id: int | None = None,
    availability: str = "",
) -> QuerySet[ProductVariant]:
    """Variants for the admin stock screen, with `quantity` annotated (0 when no row yet),
    product and vendor selected. Drafts are included: stock is entered before publishing.

    `restrict_to_vendor_ids` is the vendor scope of the person looking (None: every vendor;
    a list: only those vendors' products, an empty list: nothing). The stock view takes it
    from `catalog.permissions.stock_vendor_scope(user)`.
    """
    qs = ProductVariant.objects.select_related("page", "page__vendor").with_quantity()
    if restrict_to_vendor_ids is not None:
        qs = qs.filter(page__vendor_id__in=restrict_to_vendor_ids)
    if vendor_id is not None:
        qs = qs.filter(page__vendor_id=vendor_id)
    if query:
        qs = qs.filter(Q(sku__icontains=query) | Q(page__title__icontains=query))
    if availability in Availability.values:
        qs = qs.filter(availability_filter(availability))
    return qs.order_by("page__title", "sort_order", "pk")
