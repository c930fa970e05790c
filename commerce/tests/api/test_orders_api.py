from decimal import Decimal

import pytest

from accounts.models import Address
from catalog import inventory
from commerce.models import Order
from commerce.orders import order_transition
from commerce.tests.conftest import ADDRESS, stock_of


def _fill(client, variant, quantity=1):
    response = client.post(
        "/api/v1/cart/lines/", {"variant": variant.pk, "quantity": quantity}, format="json"
    )
    assert response.status_code == 201, response.json()


def _checkout(client, key="key-1", payload=None, **headers):
    return client.post(
        "/api/v1/checkout/",
        payload if payload is not None else {"shipping_address": ADDRESS},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def test_checkout_creates_order(shopper_api, shop):
    _fill(shopper_api, shop.variants["mug"], 2)
    _fill(shopper_api, shop.variants["lamp"], 1)

    response = _checkout(shopper_api, payload={"shipping_address": ADDRESS, "total": "0.01"})

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending_payment"
    assert (body["subtotal"], body["shipping_total"], body["total"]) == ("54.00", "4.50", "58.50")
    assert body["is_cancellable"] is True
    assert body["shipping_address"]["city"] == "London"
    assert [(line["product_title"], line["quantity"]) for line in body["lines"]] == [
        ("Mug", 2),
        ("Lamp", 1),
    ]
    assert body["status_history"][0]["to_status"] == "pending_payment"
    assert shopper_api.get("/api/v1/cart/").json()["lines"] == []
    assert stock_of(shop.variants["mug"]) == 8


def test_checkout_is_idempotent(shopper_api, shop):
    _fill(shopper_api, shop.variants["mug"], 2)
    first = _checkout(shopper_api, key="abc")
    _fill(shopper_api, shop.variants["mug"], 1)
    second = _checkout(shopper_api, key="abc")
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["number"] == second.json()["number"]
    assert Order.objects.count() == 1
    assert stock_of(shop.variants["mug"]) == 8


def test_checkout_merges_anonymous_cart_sent_with_token(api, shopper_api, shop):
    response = api.post(
        "/api/v1/cart/lines/", {"variant": shop.variants["lamp"].pk, "quantity": 2}, format="json"
    )
    token = response.json()["token"]
    response = _checkout(shopper_api, HTTP_X_CART_TOKEN=token)
    assert response.status_code == 201
    assert [line["quantity"] for line in response.json()["lines"]] == [2]


def test_checkout_requires_authentication(api, shop):
    response = _checkout(api)
    assert response.status_code == 401
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("key", "payload", "status", "code"),
    [
        ("", {"shipping_address": ADDRESS}, 400, "invalid_idempotency_key"),
        ("k" * 300, {"shipping_address": ADDRESS}, 400, "invalid_idempotency_key"),
        ("k", {}, 400, "invalid"),
        ("k", {"address_id": 1, "shipping_address": ADDRESS}, 400, "invalid"),
        ("k", {"shipping_address": {**ADDRESS, "country": "ZZ"}}, 400, "invalid_shipping_address"),
        ("k", {"shipping_address": {**ADDRESS, "city": ""}}, 400, "invalid"),
        ("k", {"address_id": 999999}, 404, "address_not_found"),
    ],
)
def test_checkout_bad_input_changes_nothing(shopper_api, shop, key, payload, status, code):
    _fill(shopper_api, shop.variants["mug"], 1)
    response = _checkout(shopper_api, key=key, payload=payload)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert not Order.objects.exists()
    assert stock_of(shop.variants["mug"]) == 10
    assert shopper_api.get("/api/v1/cart/").json()["item_count"] == 1


def test_checkout_with_someone_elses_address_is_404(shopper_api, shop, other_shopper):
    theirs = Address.objects.create(user=other_shopper, **ADDRESS)
    _fill(shopper_api, shop.variants["mug"], 1)
    response = _checkout(shopper_api, payload={"address_id": theirs.pk})
    assert response.status_code == 404
    assert not Order.objects.exists()


def test_checkout_empty_cart_and_shortage(shopper_api, shop):
    response = _checkout(shopper_api)
    assert (response.status_code, response.json()["error"]["code"]) == (400, "cart_empty")

    _fill(shopper_api, shop.variants["lamp"], 2)
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=1)
    response = _checkout(shopper_api, key="k2")
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "insufficient_stock",
        "message": "Lamp: only 1 left (you asked for 2)",
    }
    assert not Order.objects.exists()


def test_checkout_price_change_uses_current_price(shopper_api, shop):
    _fill(shopper_api, shop.variants["mug"], 1)
    shop.mug.price = Decimal("20.00")
    shop.mug.save_revision().publish()
    response = _checkout(shopper_api)
    assert response.json()["lines"][0]["unit_price"] == "20.00"
    assert response.json()["total"] == "24.50"


def test_order_list_and_detail_are_the_users_own(shopper_api, other_api, shop):
    _fill(shopper_api, shop.variants["mug"], 1)
    number = _checkout(shopper_api).json()["number"]

    listing = shopper_api.get("/api/v1/orders/")
    assert listing.status_code == 200
    assert listing.json()["count"] == 1
    assert listing.json()["results"][0]["number"] == number
    detail = shopper_api.get(f"/api/v1/orders/{number}/")
    assert detail.status_code == 200
    assert detail.json()["number"] == number
    assert shopper_api.get(f"/api/v1/orders/{number.lower()}/").status_code == 200

    assert other_api.get("/api/v1/orders/").json()["count"] == 0
    response = other_api.get(f"/api/v1/orders/{number}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "order_not_found"
    assert shopper_api.get("/api/v1/orders/NX-NOPE0000/").status_code == 404


def test_orders_require_authentication(api):
    assert api.get("/api/v1/orders/").status_code == 401
    assert api.get("/api/v1/orders/NX-AAAAAAAA/").status_code == 401
    assert api.post("/api/v1/orders/NX-AAAAAAAA/cancel/").status_code == 401


def test_cancel_releases_stock_once(shopper_api, other_api, shop):
    _fill(shopper_api, shop.variants["lamp"], 2)
    number = _checkout(shopper_api).json()["number"]
    assert stock_of(shop.variants["lamp"]) == 0

    response = other_api.post(f"/api/v1/orders/{number}/cancel/")
    assert response.status_code == 404
    assert stock_of(shop.variants["lamp"]) == 0

    response = shopper_api.post(f"/api/v1/orders/{number}/cancel/")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert stock_of(shop.variants["lamp"]) == 2

    response = shopper_api.post(f"/api/v1/orders/{number}/cancel/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_order_transition"
    assert stock_of(shop.variants["lamp"]) == 2


def test_cancel_of_paid_order_is_409(shopper_api, shop):
    _fill(shopper_api, shop.variants["mug"], 1)
    number = _checkout(shopper_api).json()["number"]
    order_transition(order=Order.objects.get(number=number), to_status=Order.Status.PAID)
    response = shopper_api.post(f"/api/v1/orders/{number}/cancel/")
    assert response.status_code == 409
    assert Order.objects.get(number=number).status == Order.Status.PAID


def test_a_nested_field_error_is_named_with_dots_as_the_schema_documents(shopper_api, shop):
    _fill(shopper_api, shop.variants["mug"], 1)

    response = _checkout(shopper_api, payload={"shipping_address": {**ADDRESS, "city": "Lon\x00"}})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "shipping_address: city: Null characters are not allowed.",
        "fields": {"shipping_address.city": ["Null characters are not allowed."]},
    }
    assert not Order.objects.exists()
    assert stock_of(shop.variants["mug"]) == 10


def test_checkout_answers_the_order_exactly_as_it_is_read_back(shopper_api, shopper, shop):
    # Checkout answers with the order as it wrote it, without reading it back; the order's
    # endpoint reads it back. Both give the same answer, which is what the documented
    # serializer renders of the order read afresh.
    from commerce.api.serializers import OrderSerializer
    from commerce.selectors import order_get_for_user

    _fill(shopper_api, shop.variants["mug"], 2)
    _fill(shopper_api, shop.variants["shirt_m"], 1)
    _fill(shopper_api, shop.variants["lamp"], 1)

    placed = _checkout(shopper_api, key="read-back").json()

    assert [line["sku"] for line in placed["lines"]] == [
        shop.variants[name].sku for name in ("mug", "shirt_m", "lamp")
    ]
    assert [line["id"] for line in placed["lines"]] == sorted(
        line["id"] for line in placed["lines"]
    )
    assert shopper_api.get(f"/api/v1/orders/{placed['number']}/").json() == placed
    order = order_get_for_user(user=shopper, number=placed["number"])
    assert OrderSerializer(order).data == placed
    # A retry with the key answers the same, read from the database this time.
    assert _checkout(shopper_api, key="read-back").json() == placed


def test_order_answer_is_exactly_what_its_documented_serializer_renders(shopper_api, shopper, shop):
    # Paid, a line shipped, partly refunded and its variant deleted since (null ids), a
    # history of two rows: the order's answer is built without the serializer (`order_payload`)
    # and equals what the serializer renders, nulls and date-times included.
    from django.utils import timezone

    from commerce.api.serializers import OrderSerializer
    from commerce.models import OrderLine, OrderStatusChange
    from commerce.selectors import order_get_for_user

    _fill(shopper_api, shop.variants["mug"], 2)
    _fill(shopper_api, shop.variants["lamp"], 1)
    number = _checkout(shopper_api).json()["number"]
    order = Order.objects.get(number=number)
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, paid_at=now)
    OrderStatusChange.objects.create(
        order=order, from_status="pending_payment", to_status="paid", note="Paid."
    )
    line = order.lines.order_by("pk").first()
    OrderLine.objects.filter(pk=line.pk).update(
        shipped_at=now, carrier="DHL", tracking_number="T-1", refunded_quantity=1, variant=None
    )

    body = shopper_api.get(f"/api/v1/orders/{number}/").json()

    assert body["status"] == "paid" and body["is_cancellable"] is False
    assert body["paid_at"] is not None
    assert body["lines"][0]["variant_id"] is None
    assert body["lines"][0]["refunded_quantity"] == 1
    assert [change["to_status"] for change in body["status_history"]] == [
        "pending_payment",
        "paid",
    ]
    assert OrderSerializer(order_get_for_user(user=shopper, number=number)).data == body
