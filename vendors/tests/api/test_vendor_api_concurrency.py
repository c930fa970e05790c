"""Stock changes through the vendor API are safe under concurrency (a database server, real
threads)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from rest_framework.test import APIClient

from catalog.models import Stock
from catalog.tests.factories import make_product
from vendors.tests.conftest import authenticate

# serialized_rollback: the flush after a transactional test would drop Wagtail's root page,
# groups and workflow that migrations create; the next test needs them back.
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _in_thread(call):
    def run(*args):
        try:
            return call(*args)
        finally:
            connection.close()

    return run


def test_concurrent_removals_never_oversell(server_database, vendor_a, owner_a):
    product = make_product(vendor=vendor_a, stock=5)
    sku = product.variants.get().sku

    @_in_thread
    def remove_one(_):
        client = authenticate(APIClient(), owner_a)
        return client.post(
            f"/api/v1/vendor/stock/{sku}/adjust/", {"delta": -1}, format="json"
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(remove_one, range(12)))

    assert sorted(statuses) == [200] * 5 + [409] * 7
    assert Stock.objects.get(variant__sku=sku).quantity == 0


def test_concurrent_additions_all_count(server_database, vendor_a, owner_a):
    product = make_product(vendor=vendor_a, stock=0)
    sku = product.variants.get().sku

    @_in_thread
    def add_two(_):
        client = authenticate(APIClient(), owner_a)
        return client.post(
            f"/api/v1/vendor/stock/{sku}/adjust/", {"delta": 2}, format="json"
        ).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(add_two, range(10)))

    assert statuses == [200] * 10
    assert Stock.objects.get(variant__sku=sku).quantity == 20
