import uuid

import pytest

from catalog import inventory
from commerce import cart as cart_services
from commerce.models import Cart, CartLine


def _add(client, variant, quantity=1, token=None, **extra):
    headers = {"HTTP_X_CART_TOKEN": str(token)} if token else {}
    return client.post(
        "/api/v1/cart/lines/",
        {"variant": variant.pk, "quantity": quantity, **extra},
        format="json",
        **headers,
    )


def test_anonymous_cart_is_created_on_first_line_and_found_by_token(api, shop):
    response = _add(api, shop.variants["mug"], 2)

    assert response.status_code == 201
    body = response.json()
    token = body["token"]
    assert response["X-Cart-Token"] == token
    assert body["item_count"] == 2
    assert body["subtotal"] == "24.00"
    assert body["shipping_total"] == "4.50"
    assert body["total"] == "28.50"
    assert body["currency"] == "EUR"
    assert body["lines"][0]["product"]["title"] == "Mug"
    assert body["lines"][0]["unit_price"] == "12.00"
    assert body["lines"][0]["availability"] == "in_stock"
    assert body["vendors"] == [
        {
            "vendor": {"id": shop.vendor_a.pk, "name": "Acme Goods"},
            "line_ids": [body["lines"][0]["id"]],
            "subtotal": "24.00",
            "shipping": "4.50",
            "total": "28.50",
        }
    ]

    response = _add(api, shop.variants["lamp"], 1, token=token)
    assert response.status_code == 201
    assert response.json()["token"] == token
    assert Cart.objects.count() == 1

    body = api.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token).json()
    assert body["item_count"] == 3
    assert body["total"] == "58.50"


def test_get_without_token_is_an_empty_cart_and_creates_nothing(api, shop):
    response = api.get("/api/v1/cart/")
    assert response.status_code == 200
    assert response.json()["token"] is None
    assert response.json()["lines"] == []
    assert response.json()["total"] == "0.00"
    assert not Cart.objects.exists()


def test_unknown_token_is_404_and_creates_nothing(api, shop):
    token = str(uuid.uuid4())
    for response in (
        api.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token),
        _add(api, shop.variants["mug"], token=token),
        api.delete("/api/v1/cart/", HTTP_X_CART_TOKEN=token),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "cart_not_found"
    assert not Cart.objects.exists()


@pytest.mark.parametrize("token", ["garbage", "null", "1234", str(uuid.uuid4())[:-1]])
def test_a_malformed_token_is_a_400_for_anyone_and_changes_nothing(
    api, shopper_api, shopper, shop, token
):
    mug = shop.variants["mug"]
    assert _add(shopper_api, mug).status_code == 201
    for client in (api, shopper_api):
        for response in (
            client.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token),
            _add(client, mug, token=token),
            client.delete("/api/v1/cart/", HTTP_X_CART_TOKEN=token),
        ):
            assert response.status_code == 400
            error = response.json()["error"]
            assert error["code"] == "invalid_cart_token"
            assert error["message"].startswith("X-Cart-Token must be the cart's token")
    assert Cart.objects.count() == 1
    assert list(Cart.objects.get(user=shopper).lines.values_list("quantity", flat=True)) == [1]


def test_users_cart_token_is_not_usable_anonymously(api, shop, shopper):
    users = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=users, variant_id=shop.variants["mug"].pk, quantity=1)
    assert api.get("/api/v1/cart/", HTTP_X_CART_TOKEN=str(users.token)).status_code == 404


def test_client_prices_and_totals_are_ignored(api, shop):
    response = _add(api, shop.variants["mug"], 1, unit_price="0.01", total="0.01", price="0")
    assert response.status_code == 201
    assert response.json()["total"] == "16.50"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -3}, "quantity"),
        ({"quantity": 100}, "quantity"),
        ({"quantity": 10**20}, "quantity"),
        ({"quantity": "many"}, "quantity"),
        ({"variant": "x"}, "variant"),
        ({"variant": None}, "variant"),
    ],
)
def test_bad_line_input_is_400_and_creates_nothing(api, shop, payload, field):
    response = api.post(
        "/api/v1/cart/lines/",
        {"variant": shop.variants["mug"].pk, "quantity": 1, **payload},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]
    assert not Cart.objects.exists()


def test_malformed_json_and_wrong_content_type(api, shop):
    response = api.post("/api/v1/cart/lines/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
    response = api.post(
        "/api/v1/cart/lines/",
        "variant=1&quantity=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not Cart.objects.exists()


def test_unavailable_products_are_refused_with_a_message(api, shop):
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=0)
    response = _add(api, shop.variants["lamp"])
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "product_unavailable",
        "message": "Lamp is sold out.",
        "fields": {"variant": ["Lamp is sold out."]},
    }
    response = _add(api, shop.variants["mug"], 11)
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Only 10 of Mug left."
    response = api.post("/api/v1/cart/lines/", {"variant": 987654, "quantity": 1}, format="json")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "variant_not_found"
    assert not Cart.objects.exists()


def test_change_quantity_remove_and_clear(api, shop):
    token = _add(api, shop.variants["mug"], 1).json()["token"]
    body = _add(api, shop.variants["lamp"], 1, token=token).json()
    mug_line, lamp_line = (line["id"] for line in body["lines"])

    response = api.patch(
        f"/api/v1/cart/lines/{mug_line}/", {"quantity": 4}, format="json", HTTP_X_CART_TOKEN=token
    )
    assert response.status_code == 200
    assert [line["quantity"] for line in response.json()["lines"]] == [4, 1]

    response = api.patch(
        f"/api/v1/cart/lines/{mug_line}/", {"quantity": 0}, format="json", HTTP_X_CART_TOKEN=token
    )
    assert response.status_code == 400
    response = api.patch(
        f"/api/v1/cart/lines/{lamp_line}/", {"quantity": 3}, format="json", HTTP_X_CART_TOKEN=token
    )
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "Only 2 of Lamp left."

    response = api.delete(f"/api/v1/cart/lines/{lamp_line}/", HTTP_X_CART_TOKEN=token)
    assert response.status_code == 200
    assert [line["id"] for line in response.json()["lines"]] == [mug_line]

    response = api.delete("/api/v1/cart/", HTTP_X_CART_TOKEN=token)
    assert response.status_code == 200
    assert response.json()["lines"] == []
    assert not CartLine.objects.exists()


def test_another_carts_line_is_404_and_unchanged(api, shop):
    mine = _add(api, shop.variants["mug"], 1).json()["token"]
    theirs = _add(api, shop.variants["lamp"], 1).json()
    their_line = theirs["lines"][0]["id"]

    patch = api.patch(
        f"/api/v1/cart/lines/{their_line}/", {"quantity": 2}, format="json", HTTP_X_CART_TOKEN=mine
    )
    delete = api.delete(f"/api/v1/cart/lines/{their_line}/", HTTP_X_CART_TOKEN=mine)
    no_cart = api.delete(f"/api/v1/cart/lines/{their_line}/")

    assert (patch.status_code, delete.status_code, no_cart.status_code) == (404, 404, 404)
    assert patch.json()["error"]["code"] == "cart_line_not_found"
    assert CartLine.objects.get(pk=their_line).quantity == 1


def test_authenticated_cart_merges_anonymous_token(api, shopper_api, shop, shopper):
    v = shop.variants
    token = _add(api, v["mug"], 2).json()["token"]
    _add(api, v["lamp"], 2, token=token)
    _add(shopper_api, v["lamp"], 1)

    response = shopper_api.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token)

    assert response.status_code == 200
    body = response.json()
    assert body["token"] is None
    assert "X-Cart-Token" not in response
    assert {line["variant"]["id"]: line["quantity"] for line in body["lines"]} == {
        v["lamp"].pk: 2,  # 1 + 2, capped by the stock of 2
        v["mug"].pk: 2,
    }
    assert Cart.objects.count() == 1
    # The merged token is gone: sending it again changes nothing.
    again = shopper_api.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token).json()
    assert again["item_count"] == 4
    assert api.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token).status_code == 404


def test_expired_or_tampered_jwt_is_401(api, shop):
    api.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")
    response = api.get("/api/v1/cart/")
    assert response.status_code == 401
    assert "error" in response.json()


def test_cart_answer_is_exactly_what_its_documented_serializer_renders(api, shopper_api, shop):
    # The cart endpoints build their answer without the serializer (`cart_payload`); the
    # serializer documents it (OpenAPI). Rendering the answer through it changes nothing: no
    # field missing or extra, amounts with two places, nulls where the schema allows them.
    from commerce.api.serializers import CartSerializer

    token = _add(api, shop.variants["mug"], 2).json()["token"]
    _add(api, shop.variants["shirt_m"], 3, token=token)
    _add(api, shop.variants["lamp"], 1, token=token)
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=0)
    inventory.stock_set(variant_id=shop.variants["shirt_m"].pk, quantity=1)

    anonymous = api.get("/api/v1/cart/", HTTP_X_CART_TOKEN=token).json()
    assert anonymous["token"] == token
    assert anonymous["problems"] == ["Only 1 of Shirt left.", "Lamp is sold out."]
    assert [line["availability"] for line in anonymous["lines"]] == [
        "in_stock",
        "low_stock",
        "sold_out",
    ]
    assert anonymous["vendors"][1]["shipping"] == "0.00"
    assert CartSerializer(anonymous).data == anonymous

    _add(shopper_api, shop.variants["mug"])
    mine = shopper_api.get("/api/v1/cart/").json()
    assert mine["token"] is None
    assert mine["total"] == "16.50"
    assert CartSerializer(mine).data == mine


def test_a_changed_shop_currency_shows_on_the_very_next_cart_read(
    shopper_api, shop, django_capture_on_commit_callbacks
):
    # The cart read takes the shop's settings from the cache, with the site, in one round trip.
    from wagtail.models import Site

    from catalog.models import ShopSettings

    _add(shopper_api, shop.variants["mug"])
    assert shopper_api.get("/api/v1/cart/").json()["currency"] == "EUR"
    assert shopper_api.get("/api/v1/cart/").json()["currency"] == "EUR"
    settings_row = ShopSettings.for_site(Site.objects.get(is_default_site=True))
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.currency_code = "USD"
        settings_row.save()

    body = shopper_api.get("/api/v1/cart/").json()
    assert (body["currency"], body["total"]) == ("USD", "16.50")
