"""Rendering and filters of the product, category and search pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductGalleryImage, ProductPage, ProductVariant
from catalog.selectors.listing import search_result_ids
from catalog.tests.conftest import make_image
from catalog.tests.factories import make_product
from vendors.models import Vendor
from vendors.tests.factories import make_vendor

pytestmark = pytest.mark.django_db


def product_titles(response) -> list[str]:
    return re.findall(r'<h3 class="product-card__title">([^<]+)</h3>', response.content.decode())


def test_product_page_is_routable_and_shows_variants_prices_and_availability(client, shop):
    response = client.get(shop.jacket.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Rain Jacket</h1>" in html
    assert "Sold by" in html and "Acme Outfitters" in html
    assert 'action="/cart/add/"' in html and 'method="post"' in html
    assert 'name="quantity"' in html
    variant_ids = [
        str(pk) for pk in shop.jacket.variants.order_by("sort_order").values_list("pk", flat=True)
    ]
    assert re.search(rf'name="variant" value="{variant_ids[0]}"\s+disabled', html)
    assert re.search(rf'name="variant" value="{variant_ids[1]}"\s+checked', html)
    assert "€80.00" in html and "€70.00" in html
    assert "Sold out" in html and "Only 3 left" in html
    assert "currently unavailable" not in html


def test_product_page_gallery_renders_renditions(client, shop):
    image = make_image("Jacket front")
    ProductGalleryImage.objects.create(page=shop.jacket, image=image, caption="Front", sort_order=0)

    html = client.get(shop.jacket.url).content.decode()

    assert 'alt="Front"' in html
    assert image.renditions.filter(filter_spec="max-1200x1200").exists()


def test_suspended_vendors_product_is_shown_but_marked_unavailable(client, shop):
    Vendor.objects.filter(pk=shop.vendor.pk).update(status=Vendor.Status.SUSPENDED)

    response = client.get(shop.jacket.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "This product is currently unavailable." in html
    assert "<fieldset disabled>" in html


def test_draft_and_private_products_are_not_served(client, shop):
    draft = ProductPage.objects.get(title="Draft Parka")
    private = ProductPage.objects.get(title="Secret Anorak")

    assert client.get(f"/vendors/acme-outfitters/{draft.slug}/").status_code == 404
    response = client.get(private.url)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_category_page_lists_products_of_its_descendants_newest_first(client, shop):
    response = client.get(shop.clothing.url)

    assert response.status_code == 200
    assert product_titles(response) == ["Linen Shirt", "Rain Jacket"]
    assert "2 products" in response.content.decode()


def test_category_page_of_a_leaf_lists_only_its_products(client, shop):
    assert product_titles(client.get(shop.jackets.url)) == ["Rain Jacket"]
    assert product_titles(client.get(shop.kitchen.url)) == ["Enamel Mug"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("in_stock=on", ["Rain Jacket"]),
        ("price_min=50", ["Rain Jacket"]),
        ("price_max=50", ["Linen Shirt"]),
        ("price_min=46&price_max=75", ["Rain Jacket"]),
        ("ordering=price_asc", ["Linen Shirt", "Rain Jacket"]),
        ("ordering=price_desc", ["Rain Jacket", "Linen Shirt"]),
        ("ordering=newest", ["Linen Shirt", "Rain Jacket"]),
    ],
)
def test_category_page_filters(client, shop, query, expected):
    assert product_titles(client.get(f"{shop.clothing.url}?{query}")) == expected


def test_category_page_filters_by_vendor(client, shop):
    make_product(vendor=shop.other, title="Apron", categories=[shop.clothing])

    response = client.get(f"{shop.clothing.url}?vendor={shop.other.pk}")

    assert product_titles(response) == ["Apron"]


def test_category_page_shows_errors_for_bad_filters_and_ignores_them(client, shop):
    response = client.get(f"{shop.clothing.url}?price_min=abc&ordering=cheapest")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a number." in html
    assert "Select a valid choice." in html
    assert product_titles(response) == ["Linen Shirt", "Rain Jacket"]


def test_category_page_paginates_24_per_page(client, categories, vendor):
    for number in range(26):
        make_product(vendor=vendor, title=f"Sock {number:02d}", categories=[categories.kitchen])

    first = client.get(categories.kitchen.url)
    second = client.get(f"{categories.kitchen.url}?page=2")

    assert len(product_titles(first)) == 24
    assert product_titles(second) == ["Sock 01", "Sock 00"]
    assert "Page 2 of 2" in second.content.decode()
    assert 'href="?page=2"' in first.content.decode()


@pytest.mark.search
def test_search_page_finds_by_title_summary_sku_vendor_and_category(client, shop):
    assert product_titles(client.get("/search/?q=jacket")) == ["Rain Jacket"]
    assert product_titles(client.get("/search/?q=RJ-M")) == ["Rain Jacket"]
    assert product_titles(client.get("/search/?q=rj-m")) == ["Rain Jacket"]
    assert product_titles(client.get("/search/?q=Bolt")) == ["Enamel Mug"]
    assert product_titles(client.get("/search/?q=kitchen")) == ["Enamel Mug"]


@pytest.mark.search
def test_search_ignores_words_the_index_leaves_out(client, shop):
    """A stop word ("of") or a one-letter word (from the SKU "RJ-M") narrows nothing away,
    although InnoDB's full-text index (MariaDB/MySQL) holds neither."""
    assert product_titles(client.get("/search/?q=summary+of+rain+jacket")) == ["Rain Jacket"]
    assert product_titles(client.get("/search/?q=rain+jacket+m")) == ["Rain Jacket"]


@pytest.mark.search
def test_search_never_shows_drafts_or_private_products(client, shop):
    assert product_titles(client.get("/search/?q=parka")) == []
    assert product_titles(client.get("/search/?q=anorak")) == []
    for title in ("Draft Parka", "Secret Anorak"):
        sku = ProductVariant.objects.get(page__title=title).sku
        assert product_titles(client.get(f"/search/?q={sku}")) == []
    titles = product_titles(client.get("/search/"))
    assert sorted(titles) == ["Enamel Mug", "Linen Shirt", "Rain Jacket"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("in_stock=on", ["Enamel Mug", "Rain Jacket"]),
        ("price_max=20", ["Enamel Mug"]),
        ("price_min=40&ordering=price_asc", ["Linen Shirt", "Rain Jacket"]),
        ("ordering=price_desc", ["Rain Jacket", "Linen Shirt", "Enamel Mug"]),
        ("ordering=price_asc", ["Enamel Mug", "Linen Shirt", "Rain Jacket"]),
    ],
)
def test_search_page_filters(client, shop, query, expected):
    assert product_titles(client.get(f"/search/?{query}")) == expected


def test_search_page_filters_by_category_including_subcategories_and_vendor(client, shop):
    assert sorted(product_titles(client.get(f"/search/?category={shop.clothing.pk}"))) == [
        "Linen Shirt",
        "Rain Jacket",
    ]
    assert product_titles(client.get(f"/search/?vendor={shop.other.pk}")) == ["Enamel Mug"]


@pytest.mark.search
def test_search_page_shows_facet_counts_for_category_and_vendor(client, shop):
    make_product(vendor=shop.other, title="Jacket Hanger", categories=[shop.kitchen])

    html = client.get("/search/?q=jacket").content.decode()

    categories = dict(
        re.findall(r'category=\d+">([^<]+)</a> <span class="facet-count">\((\d+)\)', html)
    )
    vendors = dict(re.findall(r'vendor=\d+">([^<]+)</a> <span class="facet-count">\((\d+)\)', html))
    assert categories == {"Jackets": "1", "Kitchen": "1"}
    assert vendors == {"Acme Outfitters": "1", "Bolt Kitchenware": "1"}


@pytest.mark.search
def test_search_orders_by_relevance_with_a_query(client, shop):
    make_product(vendor=shop.other, title="Mug Mug Mug", categories=[shop.kitchen])

    titles = product_titles(client.get("/search/?q=mug&ordering=relevance"))

    assert set(titles) == {"Mug Mug Mug", "Enamel Mug"}


@pytest.mark.search
@pytest.mark.parametrize("ranked", [True, False], ids=["by relevance", "unranked"])
def test_search_result_ids_are_the_results_in_their_order(shop, ranked):
    for number in range(3):
        make_product(vendor=shop.other, title=f"Mug {'Mug ' * number}{number}")
    results = ProductPage.objects.live().only("id").search("mug", order_by_relevance=ranked)

    ids = search_result_ids(results[:1000])

    assert ids == [page.pk for page in results[:1000]]
    assert len(ids) == 4 and len(set(ids)) == 4
    assert search_result_ids(results[:2]) == ids[:2]


@pytest.mark.search
def test_the_ranked_search_computes_its_query_once_on_postgresql(settings, shop):
    """PostgreSQL computes `to_tsquery()` again for every match it ranks unless the text search
    configuration is named: then the query is a constant, planned once. The shop names it
    (SEARCH_CONFIG), for indexing and searching alike."""
    make_product(vendor=shop.other, title="Leather Gloves")
    results = ProductPage.objects.live().only("id").search("gloves", order_by_relevance=True)
    ranked = results[:1000]

    assert search_result_ids(ranked)  # stemmed: "gloves" finds the indexed "glove"
    config = settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG")
    if connection.vendor == "postgresql":
        assert config == "english"
        plan = ranked.get_queryset().values_list("pk").explain(verbose=True)
        assert "'''glove'''::tsquery" in plan, plan
        assert "to_tsquery" not in plan, plan
    else:
        assert config is None


def test_search_page_with_bad_filters_answers_200_with_messages(client, shop):
    response = client.get("/search/?price_max=-3&category=999999")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 0." in html
    assert "Select a valid choice." in html


def test_product_queries_are_constant_for_the_product_page(
    client, vendor, categories, django_assert_max_num_queries
):
    small = make_product(vendor=vendor, title="Small", categories=[categories.kitchen])
    big = make_product(
        vendor=vendor,
        title="Big",
        categories=[categories.kitchen, categories.jackets],
        variants=[{"sku": f"BIG-{n}", "options": {"size": str(n)}} for n in range(12)],
    )
    for number in range(6):
        ProductGalleryImage.objects.create(
            page=big, image=make_image(f"big {number}"), sort_order=number
        )
    ProductGalleryImage.objects.create(page=small, image=make_image("small"), sort_order=0)
    client.get(small.url), client.get(big.url)  # renditions are generated on the first view

    with CaptureQueriesContext(connection) as small_queries:
        client.get(small.url)
    with CaptureQueriesContext(connection) as big_queries:
        client.get(big.url)
    assert len(big_queries) == len(small_queries)
    with django_assert_max_num_queries(PRODUCT_PAGE_MAX_QUERIES):
        assert client.get(big.url).status_code == 200


PRODUCT_PAGE_MAX_QUERIES = 18
CATEGORY_PAGE_MAX_QUERIES = 18


def test_category_page_with_24_products_runs_a_constant_number_of_queries(
    client, vendor, categories, django_assert_max_num_queries
):
    other = make_vendor(name="Other Vendor")
    lonely = make_product(vendor=vendor, title="Lonely", categories=[categories.jackets])
    ProductGalleryImage.objects.create(page=lonely, image=make_image("lonely"), sort_order=0)
    client.get(categories.clothing.url)
    with CaptureQueriesContext(connection) as one_product:
        client.get(categories.clothing.url)
    for number in range(24):
        product = make_product(
            vendor=vendor if number % 2 else other,
            title=f"Item {number}",
            categories=[categories.jackets],
            variants=[{"sku": f"IT-{number}-{n}", "options": {"n": str(n)}} for n in range(3)],
        )
        ProductGalleryImage.objects.create(
            page=product, image=make_image(f"item {number}"), sort_order=0
        )
    client.get(categories.clothing.url)  # generate renditions once

    with django_assert_max_num_queries(CATEGORY_PAGE_MAX_QUERIES):
        response = client.get(f"{categories.clothing.url}?in_stock=on&ordering=price_asc")
    assert len(product_titles(response)) == 24
    with CaptureQueriesContext(connection) as many_products:
        client.get(categories.clothing.url)
    assert len(many_products) == len(one_product)
