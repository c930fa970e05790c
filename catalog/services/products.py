"""Creation of products: the one way new product pages, variants and stock come to be.

The CSV import, the demo seed and bulk loads (benchmarks, large catalogues) all call
`products_create`, for one product or thousands, so every new product follows the same rules
(see its docstring).

Creating pages one at a time through Wagtail (`add_child`, `save_revision().publish()`) costs
dozens of queries per product: treebeard's path bookkeeping, a full clean, the revision, the
log entries and a search-index write each. Here the same rows are written in batches: tree
paths are computed once per call from the storefront's last child; pages, variants, stock,
categories, gallery rows, revisions and log entries are batched INSERTs; the search index is
fed in bulk and the page cache invalidated once. The result is what the admin would have
produced: pages with a revision editors can open, edit and publish, their history, and a stock
row for every variant. Wagtail's page signals are not sent; what the catalog's receivers would
do on publish (stock rows, cache invalidation) is done here directly.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_all_child_relations
from treebeard.exceptions import PathOverflow
from wagtail.models import Page, PageLogEntry, Revision

from catalog import inventory
from catalog.cache import products_cache_invalidate
from catalog.exceptions import InvalidProduct, ProductCreateDenied
from catalog.models import CategoryPage, ProductGalleryImage, ProductPage, ProductVariant
from catalog.permissions import user_can_add_products
from catalog.services.listing_prices import listing_prices_refresh
from catalog.services.search_index import search_entries_add

INSERT_BATCH = 500
# Room left after a slug's stem for the "-2", "-3"... that keeps it unique among its siblings.
SLUG_STEM_LENGTH = 200


@dataclass(frozen=True)
class VariantSpec:
    sku: str
    options: dict = field(default_factory=dict)
    price_override: Decimal | None = None
    stock: int = 0


@dataclass
class ProductSpec:
    """A new product's content, already validated by the caller.

    `slug` empty: made from the title. `variants` empty: one default variant (no options, a
    generated SKU, stock 0), as for a product created in the admin without variants.
    `body` is StreamField content, e.g. ``[("paragraph", "<p>...</p>")]``.
    """

    title: str
    price: Decimal
    slug: str = ""
    summary: str = ""
    body: list = field(default_factory=list)
    compare_at_price: Decimal | None = None
    variants: list[VariantSpec] = field(default_factory=list)
    category_ids: list[int] = field(default_factory=list)
    image_ids: list[int] = field(default_factory=list)


def products_create(
    *, storefront, specs: Sequence[ProductSpec], user=None, publish: bool = True
) -> list[ProductPage]:
    """Create `specs` as products under `storefront` (a vendor's storefront page); returns the
    new pages in the order of `specs`.

    Every product gets, whoever creates it:
    - a slug unique among the storefront's pages (its own or the title's, then "-2", "-3"...);
    - one revision, its latest. It is published (live, with that revision live) when `publish`
      is asked and `user` may publish under the storefront; otherwise it is a draft (not live,
      unpublished changes) that the vendor submits for moderation from the page explorer;
    - its variants in order, or one default variant, and a stock row for each variant;
    - its stored from price (`catalog.services.listing_prices`);
    - a "wagtail.create" log entry, and "wagtail.publish" when published;
    - a place in the search index; cached pages showing published products are invalidated
      after commit.

    `user` None is the system (management commands): it may add and publish anywhere. One
    transaction, all or nothing; locks the storefront's row (select_for_update), so concurrent
    calls under one storefront take their tree paths in turn. Raises `InvalidProduct`
    when `storefront` is not a page products live under, `ProductCreateDenied` when `user` may
    not add products to it, IntegrityError when a SKU is taken and `InvalidStockChange` for a
    negative stock; nothing is then created.
    """
    storefront = storefront.specific_deferred
    is_live = _authorize(storefront=storefront, user=user, publish=publish)
    if not specs:
        return []
    now = timezone.now()
    with transaction.atomic(using=router.db_for_write(ProductPage)):
        parent = Page.objects.select_for_update().get(pk=storefront.pk)
        products = _product_pages(
            specs, vendor_id=storefront.vendor_id, user=user, now=now, live=is_live
        )
        _place_in_tree(parent=parent, products=products)
        _insert_pages(products)
        _insert_inlines(products=products, specs=specs)
        _insert_revisions(products=products, user=user, now=now, live=is_live)
        _insert_log_entries(products=products, user=user, now=now, live=is_live)
        ids = [product.pk for product in products]
        listing_prices_refresh(product_ids=ids)
        # The database search backend writes its index rows in this transaction too.
        _index(products, vendor=storefront.vendor if storefront.vendor_id else None)
        if is_live:
            products_cache_invalidate(product_ids=ids)
    storefront.numchild = parent.numchild + len(products)
    return products


def _index(products: list[ProductPage], *, vendor) -> None:
    """Index the new products from memory: their variants and categories are the ones just
    written, and their vendor the storefront's (read once, not once per product)."""
    for product in products:
        product.vendor = vendor
    search_entries_add(model=ProductPage, objects=products, batch_size=INSERT_BATCH)


def _authorize(*, storefront, user, publish: bool) -> bool:
    """Refuse a parent products do not live under, or a user who may not add products there;
    then whether the new products go live (asked, and the user may publish there)."""
    if not ProductPage.can_create_at(storefront):
        raise InvalidProduct(
            f'Products live under a vendor\'s storefront, not under "{storefront.title}".'
        )
    if user is None:
        return publish
    if not user_can_add_products(user, storefront):
        raise ProductCreateDenied(f'You cannot add products to "{storefront.title}".')
    return publish and storefront.permissions_for_user(user).can_publish_subpage()


def _product_pages(
    specs: Sequence[ProductSpec], *, vendor_id, user, now, live: bool
) -> list[ProductPage]:
    """The unsaved pages of `specs`; raises `InvalidProduct` for an unknown category id."""
    categories = _categories(specs)
    return [
        _product_page(
            spec,
            # In the order the page reads them back (by tree path), for its revision and index.
            categories=sorted(
                (categories[pk] for pk in dict.fromkeys(spec.category_ids)),
                key=lambda category: category.path,
            ),
            vendor_id=vendor_id,
            user=user,
            now=now,
            live=live,
        )
        for spec in specs
    ]


def _categories(specs: Sequence[ProductSpec]) -> dict[int, CategoryPage]:
    """The categories `specs` name, by id; raises `InvalidProduct` for an unknown id."""
    wanted = {pk for spec in specs for pk in spec.category_ids}
    found = CategoryPage.objects.in_bulk(wanted)
    if unknown := sorted(wanted - found.keys()):
        raise InvalidProduct(f"No category with the id(s) {', '.join(map(str, unknown))}.")
    return found


def _product_page(
    spec: ProductSpec, *, categories: list[CategoryPage], vendor_id, user, now, live: bool
) -> ProductPage:
    """The unsaved page of `spec` with its variants, gallery and categories in memory."""
    product = ProductPage(
        title=spec.title,
        draft_title=spec.title,
        slug=spec.slug or slugify(spec.title)[:SLUG_STEM_LENGTH] or "product",
        price=spec.price,
        compare_at_price=spec.compare_at_price,
        summary=spec.summary,
        body=spec.body,
        vendor_id=vendor_id,
        owner=user,
        translation_key=uuid.uuid4(),
        live=live,
        has_unpublished_changes=not live,
        first_published_at=now if live else None,
        last_published_at=now if live else None,
        latest_revision_created_at=now,
    )
    # A new page has no inline rows but these (no tags, no comments): said in memory, so that
    # serializing its revision reads none of them from the database.
    for relation in get_all_child_relations(product):
        setattr(product, relation.get_accessor_name(), [])
    product.variants = [
        ProductVariant(
            sku=variant.sku,
            options=variant.options,
            price_override=variant.price_override,
            sort_order=position,
        )
        for position, variant in enumerate(spec.variants)
    ]
    product.ensure_default_variant()
    product.gallery_images = [
        ProductGalleryImage(image_id=image_id, sort_order=position)
        for position, image_id in enumerate(spec.image_ids)
    ]
    product.categories = categories
    return product


def _place_in_tree(*, parent: Page, products: list[ProductPage]) -> None:
    """Give `products` the tree fields of new last children of `parent` (locked by the caller):
    unique slugs, paths, depth and URL paths; counts them in the parent's `numchild`."""
    slugs = _unique_slugs(parent=parent, wanted=[product.slug for product in products])
    paths = _child_paths(parent=parent, count=len(products))
    for product, slug, path in zip(products, slugs, paths, strict=True):
        product.slug = slug
        product.path = path
        product.depth = parent.depth + 1
        product.numchild = 0
        product.url_path = f"{parent.url_path}{slug}/"
        product.locale_id = parent.locale_id
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(products))


def _unique_slugs(*, parent: Page, wanted: list[str]) -> list[str]:
    """`wanted` slugs, each made unique among `parent`'s children and the others: a taken slug
    gets the first free "-2", "-3"... suffix."""
    stems = set(wanted)
    taken = set(
        Page.objects.child_of(parent)
        .filter(
            Q(slug__in=stems)
            | Q(*(Q(slug__startswith=f"{stem}-") for stem in stems), _connector=Q.OR)
        )
        .values_list("slug", flat=True)
    )
    slugs = []
    for stem in wanted:
        slug, number = stem, 2
        while slug in taken:
            slug, number = f"{stem}-{number}", number + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def _child_paths(*, parent: Page, count: int) -> list[str]:
    """Treebeard paths for `count` new last children of `parent`, in order."""
    converter = Page.numconv_obj()
    last_child = parent.get_last_child()
    first = converter.str2int(last_child.path[-Page.steplen :]) + 1 if last_child else 1
    paths = []
    for step in range(first, first + count):
        key = converter.int2str(step)
        if len(key) > Page.steplen:
            raise PathOverflow(f'"{parent.title}" cannot have more children.')
        paths.append(parent.path + key.rjust(Page.steplen, Page.alphabet[0]))
    return paths


def _insert_pages(products: list[ProductPage]) -> None:
    """INSERT the pages' rows: Page rows in batches, then ProductPage rows in batches."""
    database = router.db_for_write(ProductPage)
    page_fields = [f for f in Page._meta.concrete_fields if not f.primary_key]
    rows = Page.objects.bulk_create(
        [
            Page(**{f.attname: getattr(product, f.attname) for f in page_fields})
            for product in products
        ],
        batch_size=INSERT_BATCH,
    )
    for product, row in zip(products, rows, strict=True):
        product.id = product.page_ptr_id = row.pk
    # Django's bulk_create refuses multi-table models, so the ProductPage rows (their Page rows
    # exist now) go through the batched INSERT that bulk_create and save_base use themselves.
    for start in range(0, len(products), INSERT_BATCH):
        ProductPage._base_manager._insert(
            products[start : start + INSERT_BATCH],
            fields=ProductPage._meta.local_concrete_fields,
            using=database,
        )
    for product in products:
        product._state.adding, product._state.db = False, database


def _insert_inlines(*, products: list[ProductPage], specs: Sequence[ProductSpec]) -> None:
    """INSERT the variants (and their stock rows), gallery rows and category links."""
    variants = [
        _attached(variant, product) for product in products for variant in product.variants.all()
    ]
    ProductVariant.objects.bulk_create(variants, batch_size=INSERT_BATCH)
    stock_by_sku = {variant.sku: variant.stock for spec in specs for variant in spec.variants}
    inventory.stock_initialize(
        quantities={variant.pk: stock_by_sku.get(variant.sku, 0) for variant in variants}
    )
    ProductGalleryImage.objects.bulk_create(
        [_attached(item, product) for product in products for item in product.gallery_images.all()],
        batch_size=INSERT_BATCH,
    )
    link = ProductPage.categories.through
    link.objects.bulk_create(
        [
            link(productpage_id=product.pk, categorypage_id=category.pk)
            for product in products
            for category in product.categories.all()
        ],
        batch_size=INSERT_BATCH,
    )


def _attached(child, product: ProductPage):
    child.page_id = product.pk
    return child


def _insert_revisions(*, products: list[ProductPage], user, now, live: bool) -> None:
    """One revision per product holding its full content (with inlines), as the admin saves
    it; it becomes the latest revision, and the live one when `live`."""
    content_type = ContentType.objects.get_for_model(ProductPage)
    base_content_type = ContentType.objects.get_for_model(Page)
    revisions = Revision.objects.bulk_create(
        [
            Revision(
                content_type=content_type,
                base_content_type=base_content_type,
                object_id=str(product.pk),
                created_at=now,
                user=user,
                object_str=str(product),
                content=product.serializable_data(),
            )
            for product in products
        ],
        batch_size=INSERT_BATCH,
    )
    for product, revision in zip(products, revisions, strict=True):
        product.latest_revision = revision
        product.live_revision = revision if live else None
    # Each page's only revision, found by the revisions' index: one UPDATE per batch where
    # `bulk_update` would compile a CASE of one branch per page and field.
    revision = Revision.objects.filter(
        base_content_type=base_content_type, object_id=Cast(OuterRef("pk"), CharField())
    ).values("pk")[:1]
    fields = {"latest_revision": Subquery(revision)}
    if live:
        fields["live_revision"] = Subquery(revision)
    for start in range(0, len(products), INSERT_BATCH):
        Page.objects.filter(
            pk__in=[product.pk for product in products[start : start + INSERT_BATCH]]
        ).update(**fields)


def _insert_log_entries(*, products: list[ProductPage], user, now, live: bool) -> None:
    """The page history Wagtail writes for a page created (and published) in the admin; the
    entries of one call share a UUID, as the entries of one action in the admin do."""
    content_type = ContentType.objects.get_for_model(ProductPage)
    actions = ["wagtail.create", "wagtail.publish"] if live else ["wagtail.create"]
    action_uuid = uuid.uuid4()
    PageLogEntry.objects.bulk_create(
        [
            PageLogEntry(
                content_type=content_type,
                label=product.get_admin_display_title(),
                action=action,
                timestamp=now,
                uuid=action_uuid,
                user=user,
                page_id=product.pk,
                revision=product.latest_revision,
                content_changed=True,
            )
            for product in products
            for action in actions
        ],
        batch_size=INSERT_BATCH,
    )
