"""Lists cost the same number of queries whatever the page size."""

import pytest

from accounts.tests.factories import UserFactory
from commerce.tests.factories import make_order
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
