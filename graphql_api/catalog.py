"""Catalog queries: products (filters, cursor pagination), one product, categories, vendors.

Reads go through `catalog.selectors` and `vendors.selectors`, as the Wagtail API v2 does; a page
of products costs the same number of queries whatever its size (see the tests).
"""

import enum
from decimal import Decimal
from typing import Annotated

import strawberry
import strawberry_django
from strawberry import auto
from strawberry.types import Info

from catalog import models as catalog_models
from catalog import selectors
from catalog.api.serializers import ProductFilterInput as ProductFilterShape
from graphql_api.context import memo, request_of
from graphql_api.pagination import PageInfo, connection, window
from nexus.errors import DomainError
from vendors import models as vendor_models
from vendors import selectors as vendor_selectors

Availability = strawberry.enum(
    enum.Enum(
        "Availability", {choice.name: choice.value for choice in catalog_models.Availability}
    ),
    description="Derived from stock: IN_STOCK, LOW_STOCK (at or below the threshold), SOLD_OUT.",
)


@strawberry.enum(description="Listing order; RELEVANCE needs a search.")
class ProductOrdering(enum.Enum):
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    RELEVANCE = "relevance"


class InvalidFilter(DomainError):
    code = "invalid_filter"


# Products fetched by this request whose body images are not loaded yet.
BODY_IMAGES_PENDING = "products_without_body_images"


def _currency(info: Info) -> str:
    return memo(info, "currency", selectors.shop_currency)


# --- Images ----------------------------------------------------------------------------------


@strawberry.type
class Rendition:
    url: str
    width: int
    height: int


@strawberry.type
class Image:
    id: strawberry.ID
    title: str
    thumbnail: Rendition
    large: Rendition


def image_of(image) -> Image:
    """The API renditions of a Wagtail image (prefetched by `products_for_api` for galleries)."""
    renditions = image.get_renditions(*selectors.API_RENDITIONS.values())
    sizes = {
        name: Rendition(
            url=renditions[spec].full_url,
            width=renditions[spec].width,
            height=renditions[spec].height,
        )
        for name, spec in selectors.API_RENDITIONS.items()
    }
    return Image(id=strawberry.ID(str(image.pk)), title=image.title, **sizes)


@strawberry.type
class GalleryImage:
    caption: str
    image: Image


# --- StreamField body ------------------------------------------------------------------------


@strawberry.type
class HeadingBlock:
    id: str
    text: str


@strawberry.type
class ParagraphBlock:
    id: str
    html: str


@strawberry.type
class QuoteBlock:
    id: str
    text: str


@strawberry.type
class ImageBlock:
    id: str
    image: Image | None
    alt_text: str


ContentBlock = Annotated[
    HeadingBlock | ParagraphBlock | QuoteBlock | ImageBlock,
    strawberry.union("ContentBlock", description="One block of a StreamField body."),
]


def content_blocks(stream) -> list[ContentBlock]:
    blocks: list[ContentBlock] = []
    for block in stream:
        kind, value, block_id = block.block_type, block.value, block.id or ""
        if kind == "heading":
            blocks.append(HeadingBlock(id=block_id, text=str(value)))
        elif kind == "paragraph":
            blocks.append(ParagraphBlock(id=block_id, html=value.__html__()))
        elif kind == "quote":
            blocks.append(QuoteBlock(id=block_id, text=str(value)))
        elif kind == "image":
            blocks.append(
                ImageBlock(
                    id=block_id,
                    image=image_of(value) if value is not None else None,
                    alt_text=getattr(value, "contextual_alt_text", "") or "",
                )
            )
    return blocks


# --- Vendors and categories ------------------------------------------------------------------


@strawberry.type
class Storefront:
    title: str
    url: str | None
    intro_html: str


@strawberry_django.type(vendor_models.Vendor)
class Vendor:
    id: auto
    name: auto
    slug: auto
    shipping_flat_rate: Decimal = strawberry_django.field(
        description="Charged once per order for this vendor's items."
    )

    @strawberry.field(description="False while the vendor is suspended: nothing can be bought.")
    def is_active(self) -> bool:
        return self.is_active

    @strawberry.field
    def storefront(self, info: Info) -> Storefront | None:
        page = getattr(self, "storefront", None)
        if page is None or not page.live:
            return None
        return Storefront(
            title=page.title, url=page.get_url(request=request_of(info)), intro_html=page.intro
        )


@strawberry_django.type(catalog_models.CategoryPage, name="Category")
class Category:
    id: auto
    title: auto
    slug: auto

    @strawberry.field
    def url(self, info: Info) -> str | None:
        return self.get_url(request=request_of(info))


@strawberry.type(name="CategoryTreeNode")
class CategoryTreeNode:
    category: Category
    children: list["CategoryTreeNode"]


def tree_node(node: selectors.CategoryNode) -> CategoryTreeNode:
    return CategoryTreeNode(
        category=node.category, children=[tree_node(child) for child in node.children]
    )


# --- Products --------------------------------------------------------------------------------


@strawberry.type
class VariantOption:
    name: str
    value: str


@strawberry_django.type(catalog_models.ProductVariant, name="Variant")
class Variant:
    id: auto
    sku: auto

    @strawberry.field(description='"Default" for a product without options.')
    def label(self) -> str:
        return self.label

    @strawberry.field
    def options(self) -> list[VariantOption]:
        return [VariantOption(name=name, value=str(value)) for name, value in self.options.items()]

    @strawberry.field(description="The variant's price: its override, else the product's.")
    def price(self) -> Decimal:
        return self.price

    @strawberry.field
    def availability(self) -> Availability:
        return Availability(catalog_models.availability_for(_quantity(self)))

    @strawberry.field
    def is_available(self) -> bool:
        return _quantity(self) > 0


def _quantity(variant) -> int:
    try:
        return variant.stock.quantity
    except catalog_models.Stock.DoesNotExist:
        return 0


@strawberry_django.type(catalog_models.ProductPage, name="Product")
class Product:
    id: auto
    title: auto
    slug: auto
    summary: auto
    price: auto
    compare_at_price: auto
    first_published_at: auto

    @strawberry.field
    def url(self, info: Info) -> str | None:
        return self.get_url(request=request_of(info))

    @strawberry.field(description="The lowest price among the variants.")
    def from_price(self) -> Decimal:
        return self.min_variant_price

    @strawberry.field(description="The shop's currency (ISO 4217).")
    def currency(self, info: Info) -> str:
        return _currency(info)

    @strawberry.field(description="From the summed stock of the variants.")
    def availability(self) -> Availability:
        return Availability(catalog_models.availability_for(self.total_stock))

    @strawberry.field
    def is_on_sale(self) -> bool:
        return self.is_on_sale

    @strawberry.field(description="False while the vendor is suspended.")
    def is_purchasable(self) -> bool:
        return self.is_purchasable

    @strawberry.field
    def vendor(self) -> Vendor | None:
        return self.vendor

    @strawberry.field(description="Live categories the product is in.")
    def categories(self) -> list[Category]:
        return [category for category in self.categories.all() if category.live]

    @strawberry.field
    def variants(self) -> list[Variant]:
        return list(self.variants.all())

    @strawberry.field
    def gallery(self) -> list[GalleryImage]:
        return [
            GalleryImage(caption=item.caption, image=image_of(item.image))
            for item in self.gallery_images.all()
        ]

    @strawberry.field(description="The description as typed blocks.")
    def body(self, info: Info) -> list[ContentBlock]:
        # The first body read of a request loads the images of every product it fetched.
        pending = memo(info, BODY_IMAGES_PENDING, list)
        if pending:
            selectors.product_body_images_prefetch(
                pending, renditions=selectors.API_RENDITIONS.values()
            )
            pending.clear()
        return content_blocks(self.body)


@strawberry.type
class ProductEdge:
    cursor: str
    node: Product


@strawberry.type
class ProductConnection:
    total_count: int
    edges: list[ProductEdge]
    page_info: PageInfo


@strawberry.input(description="The filters of the Wagtail API v2 product listing.")
class ProductFilter:
    category: strawberry.ID | None = strawberry.field(
        default=None, description="Products of this category and its sub-categories."
    )
    vendors: list[strawberry.ID] | None = None
    price_min: Decimal | None = strawberry.field(
        default=None, description="On the lowest variant price."
    )
    price_max: Decimal | None = None
    in_stock: bool | None = strawberry.field(
        default=None, description="At least one variant in stock."
    )
    search: str | None = strawberry.field(
        default=None,
        description="Full text: title, summary, body, SKU, vendor and category names.",
    )
    ordering: ProductOrdering | None = None


def _filters(filter: ProductFilter | None) -> selectors.ProductFilters:
    """Validated by the same input shape as /api/v2/pages/ product filters."""
    filter = filter or ProductFilter()
    data = {}
    if filter.category is not None:
        data["category"] = filter.category
    if filter.vendors:
        data["vendor"] = ",".join(str(vendor) for vendor in filter.vendors)
    for name in ("price_min", "price_max", "search"):
        if getattr(filter, name) is not None:
            data[name] = getattr(filter, name)
    if filter.in_stock is not None:
        data["in_stock"] = "true" if filter.in_stock else "false"
    if filter.ordering is not None:
        data["ordering"] = filter.ordering.value
    shape = ProductFilterShape(data=data)
    if not shape.is_valid():
        field, messages = next(iter(shape.errors.items()))
        message = messages[0] if isinstance(messages, list) else messages
        name = {"vendor": "vendors", "non_field_errors": None}.get(field, field)
        raise InvalidFilter(f"{field}: {message}", field=name)
    valid = shape.validated_data
    category = None
    if "category" in valid:
        category = selectors.live_categories().filter(pk=valid["category"]).first()
        if category is None:
            raise InvalidFilter(f"No category with id {valid['category']}.", field="category")
    return selectors.ProductFilters(
        query=(valid.get("search") or "").strip(),
        category=category,
        vendor_ids=valid.get("vendor", []),
        price_min=valid.get("price_min"),
        price_max=valid.get("price_max"),
        in_stock=valid.get("in_stock") in ("true", "1"),
        ordering=valid.get("ordering", ""),
    )


def products_page(info: Info, ids: list[int]) -> list[catalog_models.ProductPage]:
    """These live products with everything the Product type reads, in the order of `ids`."""
    position = {pk: index for index, pk in enumerate(ids)}
    products = selectors.products_for_api(catalog_models.ProductPage.objects.filter(pk__in=ids))
    return body_images_later(info, sorted(products, key=lambda product: position[product.pk]))


def body_images_later(info: Info, products: list) -> list:
    """`products`, whose body images the first `body` read of the request loads at once."""
    memo(info, BODY_IMAGES_PENDING, list).extend(products)
    return products


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Live products, filtered, newest first by default.")
    def products(
        self,
        info: Info,
        filter: ProductFilter | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ProductConnection:
        ids = selectors.product_listing_ids(filters=_filters(filter))
        page = window(first=first, after=after, total=len(ids))
        return connection(
            connection_type=ProductConnection,
            edge_type=ProductEdge,
            page=page,
            nodes=products_page(info, ids[page.start : page.end]),
        )

    @strawberry.field(description="One live product by id or slug; null when there is none.")
    def product(
        self, info: Info, id: strawberry.ID | None = None, slug: str | None = None
    ) -> Product | None:
        if (id is None) == (slug is None):
            raise InvalidFilter("Give either id or slug.", field="id")
        products = selectors.live_products()
        if id is not None:
            if not str(id).isdigit():
                return None
            products = products.filter(pk=int(id))
        else:
            products = products.filter(slug=slug)
        product = selectors.products_for_api(products.order_by("pk")).first()
        return body_images_later(info, [product])[0] if product is not None else None

    @strawberry.field(description="The live category tree, from the shop's top categories.")
    def categories(self) -> list[CategoryTreeNode]:
        return [tree_node(node) for node in selectors.category_tree()]

    @strawberry.field(description="Vendors with a live storefront, by name.")
    def vendors(self) -> list[Vendor]:
        return vendor_selectors.vendors_with_storefront()
