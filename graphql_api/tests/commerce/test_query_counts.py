"""Lists cost the same number of queries whatever the page size or the number of items; the
page size is capped on every connection."""

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import make_product
from commerce import cart as cart_services
from commerce.tests.factories import make_order
from commerce.wishlist import wishlist_item_add
from graphql_api.tests.conftest import data_of
from vendors.models import VendorMembership

pytestmark = pytest.mark.django_db

ORDERS = """query($first: Int) { orders(first: $first) { totalCount edges { node {
  number status total shippingAddress { city } lines { sku quantity lineTotal }
  statusHistory { toStatus } } } } }"""
VENDOR_LINES = """query($first: Int) { vendorOrderLines(first: $first) { totalCount edges { node {
  id orderNumber orderStatus sku quantity shopperName shippingAddressLines vendorName } } } }"""


def test_orders_query_count_is_constant_in_page_size(
    gql, shop, shopper, django_assert_max_num_queries
):
    for _ in range(6):
        make_order(user=shopper, items=[(shop.mug, 1), (shop.lamp, 2)])

    with django_assert_max_num_queries(8) as small:
        two = data_of(gql(ORDERS, {"first": 2}, user=shopper))["orders"]
    with django_assert_max_num_queries(8) as large:
        six = data_of(gql(ORDERS, {"first": 6}, user=shopper))["orders"]

    assert (len(two["edges"]), len(six["edges"]), six["totalCount"]) == (2, 6, 6)
    assert all(len(edge["node"]["lines"]) == 2 for edge in six["edges"])
    assert len(small.captured_queries) == len(large.captured_queries)


def test_vendor_order_lines_query_count_is_constant_in_page_size(
    gql, shop, django_assert_max_num_queries
):
    member = UserFactory()
    VendorMembership.objects.create(user=member, vendor=shop.vendor_a)
    for _ in range(6):
        make_order(user=UserFactory(), items=[(shop.mug, 1)])

    with django_assert_max_num_queries(10) as small:
        two = data_of(gql(VENDOR_LINES, {"first": 2}, user=member))["vendorOrderLines"]
    with django_assert_max_num_queries(10) as large:
        six = data_of(gql(VENDOR_LINES, {"first": 6}, user=member))["vendorOrderLines"]

    assert (len(two["edges"]), len(six["edges"]), six["totalCount"]) == (2, 6, 6)
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.parametrize(
    "query",
    [
        "{ orders(first: 51) { totalCount } }",
        "{ vendorOrderLines(first: 51) { totalCount } }",
        "{ orders(first: 0) { totalCount } }",
        '{ vendorOrderLines(after: "bm9wZQ==") { totalCount } }',
    ],
)
def test_every_connection_caps_its_page_size(gql, shop, query):
    member = UserFactory()
    VendorMembership.objects.create(user=member, vendor=shop.vendor_a)

    body = gql(query, user=member)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "invalid_pagination"


CART = """{ cart { itemCount total lines { id quantity unitPrice lineTotal availableQuantity
  availability problem product { title url } variant { sku label } vendor { name } }
  vendors { vendor { name } lineIds subtotal shipping total } } }"""
WISHLIST = """{ wishlist { id price availability isAvailable product { title url }
  vendor { name } variants { sku label } } }"""
VENDOR_STOCK = "{ vendorStock { sku productTitle variantLabel vendorId quantity availability } }"


def _products(shop, count):
    return [
        make_product(vendor=shop.vendor_a, title=f"Extra {n}", price="3.00", stock=5)
        for n in range(count)
    ]


def _queries_for(gql, query, user, django_assert_max_num_queries, key):
    with django_assert_max_num_queries(30) as counted:
        items = data_of(gql(query, user=user))[key]
    return items, len(counted.captured_queries)


def test_cart_wishlist_and_vendor_stock_cost_the_same_for_few_or_many_items(
    gql, shop, django_assert_max_num_queries
):
    few, many = UserFactory(), UserFactory()
    member = UserFactory()
    VendorMembership.objects.create(user=member, vendor=shop.vendor_a)
    extra = _products(shop, 4)
    for user, products in ((few, [shop.mug]), (many, [shop.mug, shop.shirt, shop.lamp, *extra])):
        cart = cart_services.cart_for_user(user=user)
        for product in products:
            variant = product.variants.order_by("pk").first()
            cart_services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)
            wishlist_item_add(user=user, product_id=product.pk)

    # The first request of a process reads what later ones find cached (site, shop settings).
    data_of(gql(CART, user=many))
    counts = {}
    for name, query, key, users in (
        ("cart", CART, "cart", (few, many)),
        ("wishlist", WISHLIST, "wishlist", (few, many)),
    ):
        few_items, few_queries = _queries_for(
            gql, query, users[0], django_assert_max_num_queries, key
        )
        many_items, many_queries = _queries_for(
            gql, query, users[1], django_assert_max_num_queries, key
        )
        counts[name] = (few_queries, many_queries)
        sizes = (
            (len(few_items["lines"]), len(many_items["lines"]))
            if name == "cart"
            else (len(few_items), len(many_items))
        )
        assert sizes == (1, 7)
    stock_before, stock_queries_before = _queries_for(
        gql, VENDOR_STOCK, member, django_assert_max_num_queries, "vendorStock"
    )
    _products(shop, 5)
    stock_after, stock_queries_after = _queries_for(
        gql, VENDOR_STOCK, member, django_assert_max_num_queries, "vendorStock"
    )
    counts["vendorStock"] = (stock_queries_before, stock_queries_after)

    assert (len(stock_before), len(stock_after)) == (len(stock_before), len(stock_before) + 5)
    assert {name: few == many for name, (few, many) in counts.items()} == {
        "cart": True,
        "wishlist": True,
        "vendorStock": True,
    }, counts
