"""Shoppers racing for the last units through GraphQL, against the real PostgreSQL: exactly as
many orders as units, the others refused with insufficient_stock, stock at zero, never below.

Run with DATABASE_URL=postgres://... (skipped otherwise; failing under REQUIRE_SERVICES=1).
Each thread has its own client and database connection, so the database's locking is tested.
"""

import json

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import UserFactory
from catalog import inventory
from commerce import cart as cart_services
from commerce.models import Order, OrderLine
from commerce.tests.conftest import stock_of
from commerce.tests.test_concurrency import _run_at_once
from graphql_api.tests.commerce.test_cart_checkout_orders import CHECKOUT, GQL_ADDRESS

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BUYERS = 16


def test_buyers_racing_for_the_last_units_over_graphql(postgres, transactional_db, shop):
    units = 4
    lamp = shop.variants["lamp"]
    inventory.stock_set(variant_id=lamp.pk, quantity=units)
    buyers = [UserFactory() for _ in range(BUYERS)]
    for user in buyers:
        cart = cart_services.cart_for_user(user=user)
        cart_services.cart_line_add(cart=cart, variant_id=lamp.pk, quantity=1)

    def checkout_as(user):
        token = str(RefreshToken.for_user(user).access_token)

        def call():
            response = Client().post(
                "/graphql/",
                json.dumps(
                    {
                        "query": CHECKOUT,
                        "variables": {"key": f"k-{user.pk}", "address": GQL_ADDRESS},
                    }
                ),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            return response.status_code, response.json()

        return call

    results = _run_at_once([checkout_as(user) for user in buyers])

    assert [r for r in results if isinstance(r, BaseException)] == []
    assert {status for status, _ in results} == {200}
    payloads = [body["data"]["checkoutComplete"] for _, body in results]
    placed = [payload for payload in payloads if payload["order"] is not None]
    refused = [payload for payload in payloads if payload["order"] is None]
    assert len(placed) == units
    assert len(refused) == BUYERS - units
    assert all(
        [error["code"] for error in payload["errors"]] == ["insufficient_stock"]
        for payload in refused
    )
    assert all(payload["errors"][0]["message"].startswith("Lamp: only") for payload in refused)
    assert stock_of(lamp) == 0
    assert Order.objects.count() == units
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == units
