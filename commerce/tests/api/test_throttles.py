"""Checkout and payment are throttled per shopper on the API and on the site: over the rate a
write gets 429 with `Retry-After` and nothing is placed or charged; reads are not counted."""

import pytest

from commerce.models import Order
from commerce.payments.models import Payment
from commerce.tests.conftest import ADDRESS, stock_of
from commerce.tests.factories import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rate(scope, rate):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                scope: rate,
            },
        }

    return set_rate


def _api_checkout(client, key):
    return client.post(
        "/api/v1/checkout/",
        {"shipping_address": ADDRESS},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_api_checkout_is_throttled_and_places_nothing(shopper_api, shop, rates):
    rates("checkout", "2/min")
    shopper_api.post("/api/v1/cart/lines/", {"variant": shop.variants["mug"].pk}, format="json")
    first = _api_checkout(shopper_api, "key-1")
    shopper_api.post("/api/v1/cart/lines/", {"variant": shop.variants["mug"].pk}, format="json")
    second = _api_checkout(shopper_api, "key-2")
    shopper_api.post("/api/v1/cart/lines/", {"variant": shop.variants["mug"].pk}, format="json")

    throttled = _api_checkout(shopper_api, "key-3")

    assert (first.status_code, second.status_code, throttled.status_code) == (201, 201, 429)
    assert throttled.json()["error"]["code"] == "throttled"
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert Order.objects.count() == 2
    assert stock_of(shop.variants["mug"]) == 8
    assert shopper_api.get("/api/v1/orders/").status_code == 200


def test_api_payment_is_throttled_reads_are_not(shopper_api, shopper, shop, rates):
    rates("payment", "2/min")
    order = make_order(user=shopper, items=[(shop.mug, 1)], status="pending_payment")
    url = f"/api/v1/orders/{order.number}/payment/"
    declined = [
        shopper_api.post(url, {"card_number": "4000000000000002"}, format="json").status_code
        for _ in range(2)
    ]
    attempts = Payment.objects.count()

    throttled = shopper_api.post(url, {"card_number": "4242424242424242"}, format="json")

    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert 429 not in declined
    assert Payment.objects.count() == attempts
    assert Order.objects.get(pk=order.pk).status == "pending_payment"
    assert [shopper_api.get(url).status_code for _ in range(3)] == [200, 200, 200]


def test_site_checkout_is_throttled_with_the_sites_page(client, shopper, shop, rates):
    rates("checkout", "1/min")
    client.force_login(shopper)
    client.post("/cart/add/", {"variant": shop.variants["mug"].pk, "quantity": 1})
    form = {"idempotency_key": "k1", "address": "new", **ADDRESS}
    assert client.post("/checkout/", form).status_code == 302
    orders = Order.objects.count()
    client.post("/cart/add/", {"variant": shop.variants["mug"].pk, "quantity": 1})

    throttled = client.post("/checkout/", {**form, "idempotency_key": "k2"})

    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert b"Too many attempts" in throttled.content
    assert b"site-header" in throttled.content
    assert Order.objects.count() == orders == 1
    assert client.get("/checkout/").status_code == 200


def test_site_payment_is_throttled(client, shopper, shop, rates):
    rates("payment", "1/min")
    client.force_login(shopper)
    order = make_order(user=shopper, items=[(shop.mug, 1)], status="pending_payment")
    url = f"/orders/{order.number}/pay/"
    client.post(url, {"card_number": "4000000000000002"})
    attempts = Payment.objects.count()

    throttled = client.post(url, {"card_number": "4242424242424242"})

    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert Payment.objects.count() == attempts
    assert Order.objects.get(pk=order.pk).status == "pending_payment"
