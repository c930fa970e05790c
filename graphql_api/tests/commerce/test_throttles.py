"""Registration, checkout and payment over GraphQL spend the same throttle budgets as the DRF
API and the site: over the rate the mutation answers the error `throttled` with the seconds to
wait, and nothing is created, placed or charged."""

import re

import pytest

from accounts.models import User
from commerce.models import CartLine, Order
from commerce.payments.models import Payment
from commerce.tests.api.test_throttles import rates  # noqa: F401
from commerce.tests.conftest import stock_of
from commerce.tests.factories import make_order
from graphql_api.tests.commerce.test_cart_checkout_orders import CHECKOUT, GQL_ADDRESS, _fill_cart
from graphql_api.tests.commerce.test_payments import _pay
from graphql_api.tests.conftest import data_of

pytestmark = pytest.mark.django_db

REGISTER = """mutation($email: String!) { register(email: $email,
  password: "a-long-passphrase-9") { user { email } errors { code message } } }"""
WAIT = re.compile(r"Too many attempts from your connection\. Please try again in \d+ seconds\.")


def _assert_throttled(payload: dict, result_field: str) -> None:
    assert payload[result_field] is None
    [error] = payload["errors"]
    assert error["code"] == "throttled"
    assert WAIT.fullmatch(error["message"]), error["message"]


def test_registration_is_throttled_and_creates_nothing(gql, rates):  # noqa: F811
    rates("auth", "2/min")
    registered = [
        data_of(gql(REGISTER, {"email": f"new-{n}@example.com"}))["register"] for n in range(2)
    ]

    throttled = data_of(gql(REGISTER, {"email": "new-3@example.com"}))["register"]

    assert [payload["errors"] for payload in registered] == [[], []]
    _assert_throttled(throttled, "user")
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "new-0@example.com",
        "new-1@example.com",
    ]


def test_checkout_is_throttled_and_places_nothing(gql, shop, shopper, rates):  # noqa: F811
    rates("checkout", "2/min")
    placed = []
    for key in ("k-1", "k-2"):
        _fill_cart(gql, shop, shopper, quantity=1)
        placed.append(data_of(gql(CHECKOUT, {"key": key, "address": GQL_ADDRESS}, user=shopper)))
    _fill_cart(gql, shop, shopper, quantity=1)

    throttled = data_of(gql(CHECKOUT, {"key": "k-3", "address": GQL_ADDRESS}, user=shopper))

    assert [payload["checkoutComplete"]["errors"] for payload in placed] == [[], []]
    _assert_throttled(throttled["checkoutComplete"], "order")
    assert Order.objects.count() == 2
    assert stock_of(shop.variants["mug"]) == 8
    assert CartLine.objects.get().quantity == 1


def test_payment_is_throttled_and_charges_nothing(gql, shop, shopper, rates):  # noqa: F811
    rates("payment", "2/min")
    order = make_order(user=shopper, items=[(shop.mug, 1)], status="pending_payment")
    declined = [_pay(gql, order, shopper, card="4000000000000002") for _ in range(2)]
    attempts = Payment.objects.count()

    throttled = _pay(gql, order, shopper, card="4242424242424242")

    assert [payload["errors"] for payload in declined] == [[], []]
    assert [payload["payment"]["payment"]["status"] for payload in declined] == ["failed", "failed"]
    _assert_throttled(throttled, "payment")
    assert Payment.objects.count() == attempts == 2
    assert Order.objects.get(pk=order.pk).status == "pending_payment"
