"""Shopper-facing filtering, search, pagination and facets over live products."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    QuerySet,
)
from django.utils.functional import cached_property

from catalog.cache.keys import digest, listing_kept, listing_version_keys
from catalog.models import (
    CategoryPage,
    ProductPage,
    ProductVariant,
    Stock,
)
from catalog.selectors.products import (
    SEARCH_MAX_RESULTS,
    category_and_descendants,
    live_categories,
    live_products,
    product_cards,
    products_annotated,
)
from nexus.lookups import IdIn
from nexus.page_restrictions import restricted_sections


@dataclass
class ProductFilters:
    """Validated shopper filters (see `catalog.forms.ProductFilterForm`)."""

    query: str = ""
    category: CategoryPage | None = None
    vendor_ids: list[int] = field(default_factory=list)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    ordering: str = ""


def product_search_ids(*, query: str, ranked: bool = True) -> list[int]:
    """Ids of products matching `query`, most relevant first when `ranked` (at most
    SEARCH_MAX_RESULTS). Two queries.

    Searches title, summary, body, SKUs, vendor and category names (ProductPage.search_fields)
    with the configured Wagtail search backend. Ranking is the expensive part (on SQLite's FTS
    it scores every match), so callers that order by something else pass ranked=False.

    A query that is a whole SKU (any case) finds its product first, on every database: full-text
    indexes split "RJ-M" into words too short for InnoDB's (MariaDB/MySQL index words of three
    characters or more), so a search for a SKU cannot rely on them.
    """
    exact = list(
        ProductVariant.objects.filter(sku__iexact=query.strip(), page__live=True).values_list(
            "page_id", flat=True
        )
    )
    # only("id"): the ids are all that is needed here; the listing loads its page of cards.
    results = ProductPage.objects.live().only("id").search(query, order_by_relevance=ranked)
    found = search_result_ids(results[:SEARCH_MAX_RESULTS])
    return (exact + [pk for pk in found if pk not in exact])[:SEARCH_MAX_RESULTS]


def search_result_ids(results) -> list[int]:
    """The ids of search `results`, in their order.

    The database backends' results are a queryset (`get_queryset`, what they iterate): its ids
    are read as values. Making a page object of each result costs far more than the search at a
    thousand results (a Wagtail page's constructor sets up its inline relations), and the
    listing only needs the ids. Other backends' results are iterated."""
    get_queryset = getattr(results, "get_queryset", None)
    if get_queryset is None:
        return [page.pk for page in results]
    return list(get_queryset().values_list("pk", flat=True))


def products_filter(
    *,
    filters: ProductFilters,
    queryset: QuerySet[ProductPage] | None = None,
    search_ids: list[int] | None = None,
    skip: tuple[str, ...] = (),
    apply_ordering: bool = True,
) -> QuerySet[ProductPage]:
    """`queryset` (live public products by default) narrowed by `filters`, annotated with
    `min_variant_price` and `total_stock`, ordered by `filters.ordering` (relevance order
    is applied by the caller, which holds the search ranking). `skip` names filters to leave
    out (used for facet counts)."""
    qs = products_annotated(queryset if queryset is not None else live_products())
    if search_ids is not None:
        qs = qs.filter(IdIn(F("pk"), search_ids))
    if filters.category is not None and "category" not in skip:
        through = ProductPage.categories.through
        qs = qs.filter(
            pk__in=through.objects.filter(
                categorypage__in=category_and_descendants(category=filters.category)
            ).values("productpage_id")
        )
    if filters.vendor_ids and "vendor" not in skip:
        qs = qs.filter(vendor_id__in=filters.vendor_ids)
    if filters.price_min is not None:
        qs = qs.filter(min_variant_price__gte=filters.price_min)
    if filters.price_max is not None:
        qs = qs.filter(min_variant_price__lte=filters.price_max)
    if filters.in_stock:
        qs = qs.filter(
            Exists(
                Stock.objects.filter(
                    variant__page_id=OuterRef("pk"), variant__is_archived=False, quantity__gt=0
                )
            )
        )
    ordering = filters.ordering or "newest"
    if not apply_ordering:
        return qs
    if ordering == "price_asc":
        qs = qs.order_by("min_variant_price", "-pk")
    elif ordering == "price_desc":
        qs = qs.order_by("-min_variant_price", "-pk")
    else:
        qs = qs.order_by("-first_published_at", "-pk")
    return qs


@dataclass
class ProductListing:
    products: list[ProductPage]
    page: object  # django.core.paginator.Page of product ids
    paginator: Paginator
    total: int
    category_facets: list[tuple[CategoryPage, int]] = field(default_factory=list)
    vendor_facets: list[tuple[object, int]] = field(default_factory=list)


class ListingIds(Sequence):
    """The ids of a listing's products in listing order, counted and sliced in the database: a
    slice reads only those ids, and their number is `listing_count`'s, kept under the catalog's
    tokens (a search's is counted each time). A page of a category of 11,108 products reads 24
    ids, not 11,108."""

    def __init__(self, ids: QuerySet, *, filters: ProductFilters):
        self._ids, self._filters = ids, filters

    @cached_property
    def _count(self) -> int:
        if self._filters.query:  # a search ordered otherwise: its results are not kept
            return self._ids.count()
        return listing_count(filters=self._filters, count=self._ids.count)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self._ids[index])
        return self._ids[index]

    def __iter__(self):
        # All the ids in one query (a Sequence would otherwise read them one index at a time).
        return iter(self._ids)


def _paginate(ids, *, page_number, per_page: int):
    paginator = Paginator(ids, per_page)
    try:
        page = paginator.page(page_number or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return paginator, page


def listing_count(*, filters: ProductFilters, count) -> int:
    """`count()`, the number of live, public products matching `filters` (without a search
    query), kept per filters: under the catalog's content token, or the catalog's token with
    its stock for the in-stock filter, and the view restrictions' token. Whatever changes
    which products a listing shows replaces one of them after it commits (a publish, an
    unpublish, a move, a deletion, a price, a vendor, a restriction; a stock change for the
    in-stock filter), and they are read before the rows are counted, so a count is never
    served from before a change.

    Counting a large category costs a check of every product in it (11,108 products: about
    20 ms on PostgreSQL, where its page of ids costs 2 ms), the same for each of its pages."""
    shown = (
        filters.category.pk if filters.category is not None else None,
        sorted(filters.vendor_ids),
        str(filters.price_min),
        str(filters.price_max),
        filters.in_stock,
    )
    key = f"catalog:listing-count:{digest(repr(shown))}"
    return listing_kept(listing_version_keys(in_stock=filters.in_stock), key, count)


def _listing_ids(
    *, filters: ProductFilters, base
) -> tuple[list[int] | ListingIds, list[int] | None]:
    """The ids of the products matching `filters`, in listing order, and the search's ids.

    Ordered by relevance, the ids are a list (the search ranked at most SEARCH_MAX_RESULTS of
    them); otherwise `ListingIds`, so that a page of the listing is counted and read in the
    database (a count and one page of ids) instead of reading every matching id."""
    ordering = filters.ordering or ("relevance" if filters.query else "newest")
    search_ids = (
        product_search_ids(query=filters.query, ranked=ordering == "relevance")
        if filters.query
        else None
    )
    if ordering == "relevance" and search_ids is not None and not _narrows_a_search(filters):
        return list(search_ids), search_ids
    ids = products_filter(filters=filters, queryset=base, search_ids=search_ids).values_list(
        "pk", flat=True
    )
    if ordering == "relevance" and search_ids is not None:
        rank = {pk: position for position, pk in enumerate(search_ids)}
        return sorted(ids, key=rank.__getitem__), search_ids
    return ListingIds(ids, filters=filters), search_ids


def _narrows_a_search(filters: ProductFilters) -> bool:
    """Whether the listing of a search can leave out some of its results: a filter, or a
    view restriction (`live_products` leaves out restricted sections). Without either, the
    search's results, live products in relevance order, are the listing, with no query of
    their own."""
    return bool(
        filters.category is not None
        or filters.vendor_ids
        or filters.price_min is not None
        or filters.price_max is not None
        or filters.in_stock
        or restricted_sections()
    )


def product_listing_ids(*, filters: ProductFilters) -> list[int] | ListingIds:
    """Ids of every live, public product matching `filters`, in listing order (relevance by
    default with a search query, else newest first), to be counted (`len`) and sliced: a list
    for a search by relevance (its two queries, and one more when a filter or a view
    restriction may leave some of its results out); otherwise `ListingIds`, a count (kept) and
    a query per slice.

    The listing page and the GraphQL products connection both page through these ids, so they
    agree on what matches and in which order."""
    ids, _ = _listing_ids(filters=filters, base=live_products())
    return ids


def product_listing(
    *,
    filters: ProductFilters,
    category: CategoryPage | None = None,
    page_number=None,
    per_page: int = 24,
    with_facets: bool = False,
) -> ProductListing:
    """One page of live products for a category page or the search page.

    `category` (the category page being viewed) restricts to it and its descendants on top of
    `filters`. With a search query the order defaults to relevance. Facet counts (category and
    vendor) count the results under every filter except the facet's own.
    """
    if category is not None:
        filters = replace(filters, category=category)
    base = live_products()  # evaluated once: `public` reads the restricted sections
    ids, search_ids = _listing_ids(filters=filters, base=base)
    paginator, page = _paginate(ids, page_number=page_number, per_page=per_page)
    page_ids = page.object_list = list(page.object_list)
    listing = ProductListing(
        # The ids are already filtered to live, public products.
        products=product_cards(page_ids=page_ids, queryset=ProductPage.objects.all()),
        page=page,
        paginator=paginator,
        total=paginator.count,
    )
    if with_facets:
        facet_base = {"filters": filters, "ids": ids, "base": base, "search_ids": search_ids}
        listing.category_facets = _category_facets(_facet_products(skip="category", **facet_base))
        listing.vendor_facets = _vendor_facets(_facet_products(skip="vendor", **facet_base))
    return listing


def _facet_products(*, skip: str, filters: ProductFilters, ids, base, search_ids):
    """The products a facet counts: the listing under every filter but the facet's own. When
    that filter is not set and the listing's ids are a list (a search by relevance, at most
    SEARCH_MAX_RESULTS), they are those products: their ids, counted as they are instead of
    filtering the catalog again."""
    own_filter = filters.category if skip == "category" else filters.vendor_ids
    if isinstance(ids, list) and not own_filter:
        return ids
    return products_filter(filters=filters, queryset=base, search_ids=search_ids, skip=(skip,))


def _category_facets(products: QuerySet[ProductPage] | list[int]) -> list[tuple[CategoryPage, int]]:
    """Live categories with the number of `products` (or of the products of these ids) linked
    directly to them."""
    through = ProductPage.categories.through
    if isinstance(products, list):
        linked = through.objects.filter(IdIn(F("productpage_id"), products))
    else:
        linked = through.objects.filter(productpage_id__in=products.order_by().values("pk"))
    counts = dict(
        linked.values("categorypage_id")
        .annotate(count=Count("productpage_id", distinct=True))
        .values_list("categorypage_id", "count")
    )
    categories = live_categories().filter(pk__in=counts).order_by("path")
    return [(category, counts[category.pk]) for category in categories]


def _vendor_facets(products: QuerySet[ProductPage] | list[int]) -> list[tuple[object, int]]:
    if isinstance(products, list):
        products = ProductPage.objects.filter(IdIn(F("pk"), products))
    vendor_model = ProductPage.vendor_model()
    counts = dict(
        products.order_by()
        .filter(vendor__isnull=False)
        .values("vendor_id")
        .annotate(count=Count("pk"))
        .values_list("vendor_id", "count")
    )
    vendors = vendor_model.objects.filter(pk__in=counts).order_by("name")
    return [(vendor, counts[vendor.pk]) for vendor in vendors]
