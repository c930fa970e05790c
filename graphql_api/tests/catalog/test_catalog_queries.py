"""Catalog queries: products with filters and cursor pagination, one product, categories,
vendors; query counts constant in the page size."""

from decimal import Decimal

import pytest
from wagtail.models import PageViewRestriction

from catalog.models import ProductGalleryImage, ProductPage
from catalog.tests.conftest import make_image
from catalog.tests.factories import make_product
from graphql_api.tests.conftest import data_of
from vendors.services import vendor_suspend

pytestmark = pytest.mark.django_db

PRODUCTS = """
query Products($filter: ProductFilter, $first: Int, $after: String) {
  products(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { title fromPrice availability } }
  }
}
"""

PRODUCT_FULL = """
fragment Full on Product {
  id title slug url price compareAtPrice fromPrice currency availability isOnSale isPurchasable
  vendor { id name isActive storefront { url } }
  categories { id title }
  variants { id sku label price availability isAvailable options { name value } }
  gallery { caption image { id title thumbnail { url width height } large { url } } }
}
"""


def titles(body) -> list[str]:
    return [edge["node"]["title"] for edge in data_of(body)["products"]["edges"]]


def test_products_lists_live_public_products_newest_first_with_total(gql, shop):
    body = gql(PRODUCTS)

    products = data_of(body)["products"]
    assert products["totalCount"] == 3
    assert titles(body) == ["Enamel Mug", "Linen Shirt", "Rain Jacket"]
    assert [edge["node"]["fromPrice"] for edge in products["edges"]] == ["12.00", "45.00", "70.00"]
    assert [edge["node"]["availability"] for edge in products["edges"]] == [
        "IN_STOCK",
        "SOLD_OUT",
        "LOW_STOCK",
    ]
    assert products["pageInfo"]["hasNextPage"] is False
    assert products["pageInfo"]["hasPreviousPage"] is False


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"inStock": True}, ["Enamel Mug", "Rain Jacket"]),
        ({"priceMin": "40", "priceMax": "75"}, ["Linen Shirt", "Rain Jacket"]),
        pytest.param({"search": "jacket"}, ["Rain Jacket"], marks=pytest.mark.search),
        ({"ordering": "PRICE_DESC"}, ["Rain Jacket", "Linen Shirt", "Enamel Mug"]),
        ({"ordering": "PRICE_ASC", "inStock": True}, ["Enamel Mug", "Rain Jacket"]),
    ],
)
def test_products_filters(gql, shop, filter, expected):
    assert titles(gql(PRODUCTS, {"filter": filter})) == expected


def test_products_filter_by_category_includes_subcategories_and_by_vendor(gql, shop):
    clothing = titles(gql(PRODUCTS, {"filter": {"category": str(shop.clothing.pk)}}))
    by_vendor = titles(gql(PRODUCTS, {"filter": {"vendors": [str(shop.other.pk)]}}))

    assert clothing == ["Linen Shirt", "Rain Jacket"]
    assert by_vendor == ["Enamel Mug"]


@pytest.mark.parametrize(
    ("filter", "code", "field"),
    [
        ({"priceMin": "50", "priceMax": "10"}, "invalid_filter", "price_max"),
        ({"ordering": "RELEVANCE"}, "invalid_filter", "ordering"),
        ({"category": "999999"}, "invalid_filter", "category"),
        ({"vendors": ["abc"]}, "invalid_filter", "vendors"),
    ],
)
def test_bad_filters_are_typed_errors(gql, shop, filter, code, field):
    body = gql(PRODUCTS, {"filter": filter})

    [error] = body["errors"]
    assert error["extensions"] == {"code": code, "field": field}
    assert body["data"] is None


def test_cursor_pagination_walks_every_product_once(gql, shop):
    first = data_of(gql(PRODUCTS, {"first": 2}))["products"]
    second = data_of(gql(PRODUCTS, {"first": 2, "after": first["pageInfo"]["endCursor"]}))[
        "products"
    ]

    assert [edge["node"]["title"] for edge in first["edges"]] == ["Enamel Mug", "Linen Shirt"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["totalCount"] == second["totalCount"] == 3
    assert [edge["node"]["title"] for edge in second["edges"]] == ["Rain Jacket"]
    assert second["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": second["edges"][0]["cursor"],
        "endCursor": second["edges"][0]["cursor"],
    }


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"first": 51}, "first"), ({"first": 0}, "first"), ({"after": "bm9wZQ=="}, "after")],
)
def test_page_size_and_cursor_are_checked(gql, shop, variables, field):
    body = gql(PRODUCTS, variables)

    [error] = body["errors"]
    assert error["extensions"] == {"code": "invalid_pagination", "field": field}


def test_product_by_id_with_variants_availability_vendor_categories_gallery(gql, shop):
    image = make_image("Jacket front")
    ProductGalleryImage.objects.create(page=shop.jacket, image=image, caption="Front", sort_order=0)

    query = PRODUCT_FULL + "query($id: ID) { product(id: $id) { ...Full } }"
    product = data_of(gql(query, {"id": str(shop.jacket.pk)}))["product"]

    assert product["title"] == "Rain Jacket"
    assert product["price"] == "80.00"
    assert product["fromPrice"] == "70.00"
    assert product["currency"] == "EUR"
    assert product["availability"] == "LOW_STOCK"
    assert product["isPurchasable"] is True
    assert product["url"] == shop.jacket.url
    assert product["vendor"] == {
        "id": str(shop.vendor.pk),
        "name": "Acme Outfitters",
        "isActive": True,
        "storefront": {"url": "/vendors/acme-outfitters/"},
    }
    assert product["categories"] == [{"id": str(shop.jackets.pk), "title": "Jackets"}]
    assert [
        (v["sku"], v["label"], v["price"], v["availability"], v["isAvailable"], v["options"])
        for v in product["variants"]
    ] == [
        ("RJ-S", "S", "80.00", "SOLD_OUT", False, [{"name": "size", "value": "S"}]),
        ("RJ-M", "M", "70.00", "LOW_STOCK", True, [{"name": "size", "value": "M"}]),
    ]
    [picture] = product["gallery"]
    assert picture["caption"] == "Front"
    assert picture["image"]["title"] == "Jacket front"
    assert picture["image"]["thumbnail"]["url"].endswith(".png")
    assert picture["image"]["thumbnail"]["width"] <= 300


def test_product_by_slug_and_body_blocks(gql, shop):
    shop.mug.body = [
        ("heading", "Made to last"),
        ("paragraph", "<p>Enamel on <b>steel</b>.</p>"),
        ("quote", "Best mug ever"),
    ]
    shop.mug.save_revision().publish()

    query = """query($slug: String) { product(slug: $slug) { title body {
      __typename ... on HeadingBlock { text } ... on ParagraphBlock { html }
      ... on QuoteBlock { text } } } }"""
    product = data_of(gql(query, {"slug": shop.mug.slug}))["product"]

    assert product["title"] == "Enamel Mug"
    assert product["body"] == [
        {"__typename": "HeadingBlock", "text": "Made to last"},
        {"__typename": "ParagraphBlock", "html": "<p>Enamel on <b>steel</b>.</p>"},
        {"__typename": "QuoteBlock", "text": "Best mug ever"},
    ]


def test_drafts_private_and_unknown_products_are_null(gql, shop):
    draft = ProductPage.objects.get(title="Draft Parka")
    private = ProductPage.objects.get(title="Secret Anorak")
    query = "query($id: ID) { product(id: $id) { title } }"

    for product_id in (draft.pk, private.pk, 999999, "abc"):
        assert data_of(gql(query, {"id": str(product_id)}))["product"] is None
    assert "Secret Anorak" not in titles(gql(PRODUCTS, {"filter": {"search": "anorak"}}))


def test_suspended_vendor_product_is_listed_but_not_purchasable(gql, shop):
    vendor_suspend(vendor=shop.vendor)

    query = "query($id: ID) { product(id: $id) { isPurchasable vendor { isActive } } }"
    product = data_of(gql(query, {"id": str(shop.jacket.pk)}))["product"]

    assert product == {"isPurchasable": False, "vendor": {"isActive": False}}


def test_category_tree_leaves_out_unpublished_and_private_branches(gql, shop):
    from catalog.tests.factories import make_category

    make_category(title="Hidden", publish=False)
    private = make_category(title="Members", parent=shop.clothing)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    query = """{ categories { category { title url } children { category { title }
      children { category { title } } } } }"""
    tree = data_of(gql(query))["categories"]

    assert tree == [
        {
            "category": {"title": "Clothing", "url": "/shop/clothing/"},
            "children": [
                {"category": {"title": "Jackets"}, "children": []},
                {"category": {"title": "Shirts"}, "children": []},
            ],
        },
        {"category": {"title": "Kitchen", "url": "/shop/kitchen/"}, "children": []},
    ]


def test_vendors_with_storefronts(gql, shop):
    body = gql("{ vendors { name slug isActive shippingFlatRate storefront { title url } } }")

    assert data_of(body)["vendors"] == [
        {
            "name": "Acme Outfitters",
            "slug": "acme-outfitters",
            "isActive": True,
            "shippingFlatRate": "0.00",
            "storefront": {"title": "Acme Outfitters", "url": "/vendors/acme-outfitters/"},
        },
        {
            "name": "Bolt Kitchenware",
            "slug": "bolt-kitchenware",
            "isActive": True,
            "shippingFlatRate": "0.00",
            "storefront": {"title": "Bolt Kitchenware", "url": "/vendors/bolt-kitchenware/"},
        },
    ]


def _many_products(owner, tree, count):
    for number in range(count):
        product = make_product(
            vendor=owner,
            title=f"Bulk {number}",
            price=Decimal("5.00") + number,
            categories=[tree.kitchen],
            variants=[
                {"sku": f"BULK-{number}-A", "options": {"size": "A"}},
                {"sku": f"BULK-{number}-B", "options": {"size": "B"}},
            ],
        )
        ProductGalleryImage.objects.create(page=product, image=make_image(f"Bulk {number}"))


def test_products_query_count_is_constant_in_page_size(gql, shop, django_assert_max_num_queries):
    _many_products(shop.vendor, shop, 8)
    query = (
        PRODUCT_FULL
        + """
    query($first: Int) { products(first: $first) { totalCount edges { node { ...Full } } } }"""
    )
    # Renditions are made on first use; warm them so both runs read the same rows.
    gql(query, {"first": 11})

    with django_assert_max_num_queries(12) as small:
        small_page = data_of(gql(query, {"first": 2}))["products"]
    with django_assert_max_num_queries(12) as large:
        large_page = data_of(gql(query, {"first": 11}))["products"]

    assert len(small_page["edges"]) == 2
    assert len(large_page["edges"]) == 11
    assert len(small.captured_queries) == len(large.captured_queries), [
        query["sql"] for query in large.captured_queries
    ]


BODY_AND_GALLERY = """query($first: Int) { products(first: $first) { edges { node { title
  gallery { caption image { title thumbnail { url width } large { url } } }
  body { __typename ... on HeadingBlock { text }
    ... on ImageBlock { altText image { title thumbnail { url width } large { url } } } } } } } }"""


def _products_with_pictures(owner, count):
    """`count` products, each with two image blocks in its body and two gallery images."""
    for number in range(count):
        product = make_product(vendor=owner, title=f"Pictured {number}", price="9.00")
        front, back = make_image(f"Front {number}"), make_image(f"Back {number}")
        product.body = [
            ("heading", f"Look {number}"),
            ("image", {"image": front, "alt_text": f"Front of {number}", "decorative": False}),
            ("image", {"image": back, "alt_text": "", "decorative": True}),
        ]
        product.save_revision().publish()
        for order, caption in enumerate(("Side", "Top")):
            ProductGalleryImage.objects.create(
                page=product,
                image=make_image(f"{caption} {number}"),
                caption=caption,
                sort_order=order,
            )


def test_body_image_blocks_and_gallery_renditions_cost_no_query_per_image(
    gql, shop, django_assert_max_num_queries
):
    from django.core.cache import cache

    _products_with_pictures(shop.vendor, 8)
    # Renditions are made on first use; make them, then read them from the database (the
    # rendition cache is emptied, or it would hide a query per image).
    gql(BODY_AND_GALLERY, {"first": 11})
    cache.clear()
    with django_assert_max_num_queries(16) as small:
        small_page = data_of(gql(BODY_AND_GALLERY, {"first": 2}))["products"]
    cache.clear()
    with django_assert_max_num_queries(16) as large:
        large_page = data_of(gql(BODY_AND_GALLERY, {"first": 11}))["products"]

    assert len(small_page["edges"]) == 2
    assert len(large_page["edges"]) == 11
    assert len(small.captured_queries) == len(large.captured_queries), [
        query["sql"] for query in large.captured_queries
    ]
    newest = large_page["edges"][0]["node"]
    assert newest["title"] == "Pictured 7"
    heading, front, back = newest["body"]
    assert heading == {"__typename": "HeadingBlock", "text": "Look 7"}
    assert (front["__typename"], front["altText"], front["image"]["title"]) == (
        "ImageBlock",
        "Front of 7",
        "Front 7",
    )
    assert (back["altText"], back["image"]["title"]) == ("", "Back 7")
    assert front["image"]["thumbnail"]["url"].endswith(".png")
    assert front["image"]["thumbnail"]["width"] == 48  # 64x48 cropped square, never enlarged
    assert [item["caption"] for item in newest["gallery"]] == ["Side", "Top"]
    assert [item["image"]["title"] for item in newest["gallery"]] == ["Side 7", "Top 7"]
