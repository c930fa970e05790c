"""Checkouts racing for the last units, against the real PostgreSQL.

Run with DATABASE_URL=postgres://... (skipped otherwise; failing under REQUIRE_SERVICES=1).
Each thread has its own database connection, so the database's locking is what is tested.
"""

import random
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.exceptions import InsufficientStock
from commerce import cart as cart_services
from commerce.checkout import checkout_complete
from commerce.models import Order, OrderLine
from commerce.orders import orders_expire
from commerce.tests.conftest import ADDRESS, stock_of

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREADS = 24


def _run_at_once(functions):
    """Run each function in its own thread, released together; returns results in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except BaseException as error:  # recorded and asserted on by the test
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a checkout hung (deadlock?)"
    return results


def test_threads_checking_out_last_units_over_the_api(server_database, transactional_db, shop):
    units = 5
    lamp = shop.variants["lamp"]
    inventory.stock_set(variant_id=lamp.pk, quantity=units)
    shoppers = [UserFactory() for _ in range(THREADS)]
    for user in shoppers:
        cart = cart_services.cart_for_user(user=user)
        cart_services.cart_line_add(cart=cart, variant_id=lamp.pk, quantity=1)

    def checkout_as(user):
        def call():
            client = APIClient()
            client.force_authenticate(user)
            response = client.post(
                "/api/v1/checkout/",
                {"shipping_address": ADDRESS},
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"key-{user.pk}",
            )
            return response.status_code, response.json()

        return call

    results = _run_at_once([checkout_as(user) for user in shoppers])

    errors = [r for r in results if isinstance(r, BaseException)]
    assert errors == []
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] * units + [409] * (THREADS - units)
    refused = [body for status, body in results if status == 409]
    assert all(body["error"]["code"] == "insufficient_stock" for body in refused)
    assert all(body["error"]["message"].startswith("Lamp: only") for body in refused)
    assert stock_of(lamp) == 0
    assert Order.objects.count() == units
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == units


def test_carts_with_several_variants_in_different_orders(server_database, transactional_db, shop):
    units = 6
    variants = [shop.variants["mug"], shop.variants["shirt_s"], shop.variants["shirt_m"]]
    for variant in variants:
        inventory.stock_set(variant_id=variant.pk, quantity=units)
    shoppers = [UserFactory() for _ in range(THREADS)]
    generator = random.Random(20)
    for user in shoppers:
        cart = cart_services.cart_for_user(user=user)
        for variant in generator.sample(variants, k=len(variants)):
            cart_services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)

    def checkout_as(user):
        def call():
            return checkout_complete(
                user=user,
                cart=cart_services.cart_for_user(user=user),
                idempotency_key=f"k-{user.pk}",
                address=ADDRESS,
            )

        return call

    results = _run_at_once([checkout_as(user) for user in shoppers])

    orders = [r for r in results if isinstance(r, Order)]
    shortages = [r for r in results if isinstance(r, InsufficientStock)]
    others = [r for r in results if not isinstance(r, Order | InsufficientStock)]
    assert others == []
    assert len(orders) == units
    assert len(shortages) == THREADS - units
    assert [stock_of(variant) for variant in variants] == [0, 0, 0]
    assert OrderLine.objects.count() == units * len(variants)


def test_same_key_retried_concurrently_places_one_order(server_database, transactional_db, shop):
    mug = shop.variants["mug"]
    user = UserFactory()
    cart = cart_services.cart_for_user(user=user)
    cart_services.cart_line_add(cart=cart, variant_id=mug.pk, quantity=3)

    def attempt():
        return checkout_complete(user=user, cart=cart, idempotency_key="double", address=ADDRESS)

    results = _run_at_once([attempt for _ in range(8)])

    assert all(isinstance(r, Order) for r in results), results
    assert len({order.pk for order in results}) == 1
    assert Order.objects.count() == 1
    assert stock_of(mug) == 7


def test_overlapping_expiry_runs_release_stock_once(server_database, transactional_db, shop):
    mug = shop.variants["mug"]
    users = [UserFactory() for _ in range(5)]
    for user in users:
        cart = cart_services.cart_for_user(user=user)
        cart_services.cart_line_add(cart=cart, variant_id=mug.pk, quantity=2)
        checkout_complete(user=user, cart=cart, idempotency_key="e", address=ADDRESS)
    assert stock_of(mug) == 0
    now = timezone.now()
    Order.objects.update(expires_at=now - timedelta(minutes=1))

    results = _run_at_once([lambda: orders_expire(now=now) for _ in range(4)])

    assert sum(results) == 5
    assert stock_of(mug) == 10
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.CANCELLED}
