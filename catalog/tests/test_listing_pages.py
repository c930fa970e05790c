"""Product listings paged in the database: a category page (and the API v2 list) counts the
products and reads one page of ids in the listing's order, and the count (and the vendors
with products on sale) is kept under the catalog's tokens, so that every change a listing
shows is in the very next answer."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import Page, PageViewRestriction

from catalog import inventory
from catalog.models import ProductListingPrice, ProductPage
from catalog.selectors.listing import ProductFilters, product_listing_ids
from catalog.tests.factories import make_product
from catalog.tests.test_site_pages import product_titles
from vendors.tests.factories import make_vendor

pytestmark = pytest.mark.django_db

PER_PAGE = 24


@pytest.fixture
def listing_cache(settings):
    settings.LISTING_CACHE_SECONDS = 3600
    return settings


@pytest.fixture
def many(vendor, categories):
    """30 products under Clothing (in Jackets and Shirts, one in both): prices with ties, some
    sold out, published at four moments (so that newest first has ties, broken by id)."""
    products = []
    for number in range(30):
        products.append(
            make_product(
                vendor=vendor,
                title=f"Item {number:02d}",
                price=Decimal(10 + number % 4),
                stock=0 if number % 5 == 0 else 3,
                categories=(
                    [categories.jackets, categories.shirts]
                    if number == 7
                    else [categories.jackets if number % 2 else categories.shirts]
                ),
            )
        )
    moment = timezone.now()
    for number, product in enumerate(products):
        Page.objects.filter(pk=product.pk).update(
            first_published_at=moment - datetime.timedelta(days=number % 4)
        )
    return [ProductPage.objects.get(pk=product.pk) for product in products]


def _expected(products, ordering: str, *, in_stock=False, price_max=None) -> list[str]:
    price = {row.product_id: row.from_price for row in ProductListingPrice.objects.all()}
    stock = {
        product.pk: sum(v.stock.quantity for v in product.variants.all()) for product in products
    }
    shown = [
        product
        for product in products
        if (not in_stock or stock[product.pk] > 0)
        and (price_max is None or price[product.pk] <= price_max)
    ]
    keys = {
        "newest": lambda p: (-p.first_published_at.timestamp(), -p.pk),
        "price_asc": lambda p: (price[p.pk], -p.pk),
        "price_desc": lambda p: (-price[p.pk], -p.pk),
    }
    return [product.title for product in sorted(shown, key=keys[ordering])]


def _pages(client, url: str) -> tuple[list[str], list[str], str]:
    first, second = client.get(url), client.get(f"{url}&page=2")
    return product_titles(first), product_titles(second), second.content.decode()


@pytest.mark.parametrize("ordering", ["newest", "price_asc", "price_desc"])
def test_the_pages_of_a_category_are_its_listing_in_order(client, categories, many, ordering):
    expected = _expected(many, ordering)

    first, second, html = _pages(client, f"{categories.clothing.url}?ordering={ordering}")

    assert len(expected) == 30
    assert first == expected[:PER_PAGE]
    assert second == expected[PER_PAGE:]
    assert "30 products" in html and "Page 2 of 2" in html


def test_the_pages_of_a_filtered_category_are_its_listing_in_order(client, categories, many):
    expected = _expected(many, "price_asc", in_stock=True, price_max=Decimal("12"))

    url = f"{categories.clothing.url}?in_stock=on&price_max=12&ordering=price_asc"
    response = client.get(url)

    # 30 products, 23 at 12.00 or less, of which 18 in stock (one page).
    assert len(expected) == 18
    assert product_titles(response) == expected
    assert "18 products" in response.content.decode()


def test_a_page_past_the_end_shows_the_last_and_a_bad_one_the_first(client, categories, many):
    expected = _expected(many, "newest")

    assert product_titles(client.get(f"{categories.clothing.url}?page=9")) == expected[PER_PAGE:]
    assert product_titles(client.get(f"{categories.clothing.url}?page=x")) == expected[:PER_PAGE]


def test_a_category_page_counts_and_reads_one_page_of_ids(client, categories, many):
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{categories.clothing.url}?page=2")

    product_reads = [
        query["sql"].replace("`", '"')
        for query in queries
        if 'FROM "catalog_productpage"' in query["sql"].replace("`", '"')
        and "IN (SELECT" in query["sql"]
    ]
    assert [sql.split(" FROM ")[0] for sql in product_reads] == [
        'SELECT COUNT(*) AS "__count"',
        'SELECT "catalog_productpage"."page_ptr_id" AS "pk"',
    ]
    # The second page of 30: the six after the first 24.
    assert product_reads[1].endswith("LIMIT 6 OFFSET 24")


def _count_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries if "COUNT(" in query["sql"]]


def test_a_kept_count_is_not_counted_again(client, categories, many, listing_cache):
    assert len(_count_queries(client, categories.clothing.url)) == 1

    assert _count_queries(client, f"{categories.clothing.url}?page=2") == []
    assert "30 products" in client.get(categories.clothing.url).content.decode()


def test_a_published_or_unpublished_product_is_counted_on_the_next_request(
    client, vendor, categories, many, listing_cache, django_capture_on_commit_callbacks
):
    client.get(categories.clothing.url)
    with django_capture_on_commit_callbacks(execute=True):
        new = make_product(vendor=vendor, title="Fresh Coat", categories=[categories.jackets])

    response = client.get(categories.clothing.url)
    assert "31 products" in response.content.decode()
    assert product_titles(response)[0] == "Fresh Coat"

    with django_capture_on_commit_callbacks(execute=True):
        UnpublishPageAction(ProductPage.objects.get(pk=new.pk)).execute()
    response = client.get(categories.clothing.url)
    assert "30 products" in response.content.decode()
    assert "Fresh Coat" not in product_titles(response)


def test_the_in_stock_count_follows_every_stock_change(
    client, categories, many, listing_cache, django_capture_on_commit_callbacks
):
    url = f"{categories.clothing.url}?in_stock=on"
    assert "24 products" in client.get(url).content.decode()
    sold = many[1]
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=sold.variants.get().pk, quantity=0)

    response = client.get(f"{url}&page=1")
    assert "23 products" in response.content.decode()
    assert sold.title not in product_titles(response)
    assert "Page 1 of 1" not in response.content.decode()  # 23 fit on one page: no pagination


def test_a_restricted_product_leaves_the_kept_count_on_the_next_request(
    client, categories, many, listing_cache, django_capture_on_commit_callbacks
):
    client.get(categories.clothing.url)
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=many[0], restriction_type=PageViewRestriction.LOGIN)

    response = client.get(categories.clothing.url)
    assert "29 products" in response.content.decode()
    assert many[0].title not in product_titles(response)


def _vendor_choices(client, url) -> list[str]:
    html = client.get(url).content.decode()
    return [name.strip() for name in html.split('name="vendor" value="')[1:]]


def test_vendor_choices_follow_publishing(
    client, categories, many, listing_cache, django_capture_on_commit_callbacks
):
    other = make_vendor(name="Zeta Goods")
    with django_capture_on_commit_callbacks(execute=True):
        only = make_product(vendor=other, title="Zeta Scarf", categories=[categories.shirts])
    assert len(_vendor_choices(client, categories.clothing.url)) == 2
    assert "Zeta Goods" in client.get(categories.clothing.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        UnpublishPageAction(ProductPage.objects.get(pk=only.pk)).execute()

    html = client.get(categories.clothing.url).content.decode()
    assert "Zeta Goods" not in html
    assert len(_vendor_choices(client, categories.clothing.url)) == 1


def _facets(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    return re.findall(r'=\d+">([^<]+)</a> <span class="facet-count">\((\d+)\)', html)


@pytest.mark.search
def test_a_plain_search_lists_its_results_as_a_filtered_search_does(client, vendor, categories):
    other = make_vendor(name="Bolt Kitchenware")
    make_product(vendor=other, title="Enamel Mug", categories=[categories.kitchen])
    make_product(vendor=other, title="Mug Mug Mug", categories=[categories.kitchen])
    make_product(vendor=vendor, title="Travel Mug", categories=[categories.jackets])
    make_product(vendor=vendor, title="Rain Jacket", categories=[categories.jackets])
    client.get("/search/?q=mug")  # what a process or a shop reads once
    # price_min=0 leaves nothing out, but is a filter: that listing is read from the catalog.
    with CaptureQueriesContext(connection) as plain_queries:
        plain = client.get("/search/?q=mug")
    with CaptureQueriesContext(connection) as filtered_queries:
        filtered = client.get("/search/?q=mug&price_min=0")

    assert product_titles(plain) == product_titles(filtered)
    assert sorted(product_titles(plain)) == ["Enamel Mug", "Mug Mug Mug", "Travel Mug"]
    assert _facets(plain) == _facets(filtered)
    assert sorted(_facets(plain)) == [
        (vendor.name, "1"),
        ("Bolt Kitchenware", "2"),
        ("Jackets", "1"),
        ("Kitchen", "2"),
    ]
    # The plain search's results are its listing: no query of their own.
    assert len(plain_queries) == len(filtered_queries) - 1


@pytest.mark.search
def test_a_search_leaves_out_a_product_made_private(
    client, vendor, categories, django_capture_on_commit_callbacks
):
    mug = make_product(vendor=vendor, title="Enamel Mug", categories=[categories.kitchen])
    assert product_titles(client.get("/search/?q=mug")) == ["Enamel Mug"]
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=mug, restriction_type=PageViewRestriction.LOGIN)

    assert product_titles(client.get("/search/?q=mug")) == []


def test_a_whole_sku_and_the_search_join_are_looked_up_through_indexes():
    postgresql_indexes = {
        "catalog_variant_sku_upper": "upper((sku)::text)",
        "catalog_product_search_join": "((page_ptr_id)::character varying(50))",
    }
    with connection.cursor() as cursor:
        variant_constraints = connection.introspection.get_constraints(
            cursor, "catalog_productvariant"
        )
        product_constraints = connection.introspection.get_constraints(
            cursor, "catalog_productpage"
        )
        definitions = {}
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s",
                [tuple(postgresql_indexes)],
            )
            definitions = dict(cursor.fetchall())
    # Everywhere the unique index on the SKU (MariaDB/MySQL compare a whole SKU with LIKE
    # under a case-insensitive collation, which it serves).
    assert any(
        constraint["columns"] == ["sku"] and constraint["unique"]
        for constraint in variant_constraints.values()
    )
    if connection.vendor == "postgresql":
        # `iexact` compares UPPER(sku); Wagtail's search joins on the id as text.
        assert sorted(definitions) == sorted(postgresql_indexes)
        for name, expression in postgresql_indexes.items():
            assert expression in definitions[name], definitions[name]
    else:
        assert not set(postgresql_indexes) & (set(variant_constraints) | set(product_constraints))


API = "/api/v2/pages/?type=catalog.ProductPage&fields=title&limit=10"


def test_the_api_pages_a_category_in_order_with_a_kept_count(
    client, categories, many, listing_cache, django_capture_on_commit_callbacks
):
    url = f"{API}&category={categories.clothing.pk}&ordering=price_desc"
    expected = _expected(many, "price_desc")
    pages = [client.get(f"{url}&offset={offset}").json() for offset in (0, 10, 20)]

    assert [page["meta"]["total_count"] for page in pages] == [30, 30, 30]
    assert [item["title"] for page in pages for item in page["items"]] == expected
    assert _count_queries(client, f"{url}&offset=10") == []

    with django_capture_on_commit_callbacks(execute=True):
        make_product(
            vendor=many[0].vendor,
            title="Fresh Coat",
            price="99.00",
            categories=[categories.jackets],
        )
    answer = client.get(url).json()
    assert answer["meta"]["total_count"] == 31
    assert answer["items"][0]["title"] == "Fresh Coat"


GRAPHQL_PRODUCTS = """query($filter: ProductFilter, $after: String) {
  products(filter: $filter, first: 12, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }"""


def _graphql_products(client, filters: dict, after=None) -> tuple[dict, list[str]]:
    """The products connection's answer and the SQL of the queries that read its ids."""
    body = {"query": GRAPHQL_PRODUCTS, "variables": {"filter": filters, "after": after}}
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/graphql/", body, content_type="application/json")
    assert response.status_code == 200 and "errors" not in response.json(), response.content
    quote = connection.ops.quote_name
    ids = f"SELECT {quote('catalog_productpage')}.{quote('page_ptr_id')}"
    reads = [query["sql"] for query in queries if query["sql"].startswith(ids)]
    return response.json()["data"]["products"], reads


def test_graphql_pages_a_category_in_the_database_with_a_kept_count(
    client, categories, many, listing_cache, django_capture_on_commit_callbacks
):
    filters = {"category": categories.clothing.pk, "ordering": "PRICE_ASC"}
    first, first_reads = _graphql_products(client, filters)
    rest, rest_reads = _graphql_products(client, filters, after=first["pageInfo"]["endCursor"])
    last, _ = _graphql_products(client, filters, after=rest["pageInfo"]["endCursor"])

    pages = [first, rest, last]
    assert [page["totalCount"] for page in pages] == [30, 30, 30]
    assert [edge["node"]["title"] for page in pages for edge in page["edges"]] == _expected(
        many, "price_asc"
    )
    assert [page["pageInfo"]["hasNextPage"] for page in pages] == [True, True, False]
    # One page of ids read, counted once: the second page reads its 12 ids and no count.
    assert first_reads[-1].endswith("LIMIT 12"), first_reads
    assert rest_reads[-1].endswith("LIMIT 12 OFFSET 12"), rest_reads
    assert [sql for sql in rest_reads if "COUNT(" in sql] == []

    with django_capture_on_commit_callbacks(execute=True):
        make_product(
            vendor=many[0].vendor, title="Cheap Socks", price="1.00", categories=[categories.shirts]
        )
    fresh, _ = _graphql_products(client, filters)
    assert fresh["totalCount"] == 31
    assert fresh["edges"][0]["node"]["title"] == "Cheap Socks"


def test_the_ids_of_a_listing_are_counted_sliced_and_read_whole_in_one_query_each(categories, many):
    ids = product_listing_ids(
        filters=ProductFilters(category=categories.clothing, ordering="price_desc")
    )
    expected = [ProductPage.objects.get(title=title).pk for title in _expected(many, "price_desc")]

    with CaptureQueriesContext(connection) as queries:
        assert len(ids) == 30
    assert len(queries) == 1 and "COUNT(" in queries[0]["sql"]
    with CaptureQueriesContext(connection) as queries:
        assert ids[24:30] == expected[24:30]
        assert ids[3] == expected[3]
    assert len(queries) == 2
    with CaptureQueriesContext(connection) as queries:
        assert list(ids) == expected
    assert len(queries) == 1


@pytest.mark.search
def test_a_search_gives_its_ids_to_its_facets_as_one_parameter_on_postgresql(
    client, vendor, categories
):
    for number in range(3):
        make_product(
            vendor=vendor, title=f"Stoneware Mug {number}", categories=[categories.kitchen]
        )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/?q=mug")
    assert sorted(product_titles(response)) == [f"Stoneware Mug {n}" for n in range(3)]
    facets = [query["sql"] for query in queries if "COUNT(" in query["sql"]]

    assert len(facets) == 2  # categories, vendors
    for sql in facets:
        if connection.vendor == "postgresql":
            assert " = ANY(" in sql and " IN (" not in sql, sql
        else:
            assert " IN (" in sql and "ANY" not in sql, sql


def test_the_api_in_stock_count_follows_every_stock_change(
    client, categories, many, listing_cache, django_capture_on_commit_callbacks
):
    url = f"{API}&category={categories.clothing.pk}&in_stock=true"
    assert client.get(url).json()["meta"]["total_count"] == 24
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=many[1].variants.get().pk, quantity=0)

    assert client.get(url).json()["meta"]["total_count"] == 23


def test_with_a_view_restriction_the_api_counts_every_time(
    client, categories, many, listing_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=many[0], restriction_type=PageViewRestriction.LOGIN)
    url = f"{API}&category={categories.clothing.pk}"
    client.get(url)

    assert len(_count_queries(client, url)) == 1
    assert client.get(url).json()["meta"]["total_count"] == 29
