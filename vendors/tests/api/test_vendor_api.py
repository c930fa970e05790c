"""The vendor API: vendor A's member against vendor B's objects is refused (404) and nothing
changes; a non-member gets 403; A's own objects work."""

import json
from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.models import Stock
from commerce.models import Order, OrderLine
from conftest import shared_layer
from vendors.services import vendor_suspend
from vendors.tests.conftest import authenticate, vendor_order_read, vendor_order_rows

BASE = "/api/v1/vendor/"


@shared_layer(after=("vendor_pair_rows",))
def vendor_api_shop_rows(rows) -> dict:
    return vendor_order_rows(rows["vendor_pair_rows"], stock_a=5, stock_b=7)


@pytest.fixture
def shop(vendor_a, vendor_b, owner_a, api_client, vendor_api_shop_rows):
    """Alpha Mug (stock 5) of vendor A, Beta Bowl (stock 7) of vendor B, a shopper's order of
    2 mugs and a bowl; `client` is the API client of A's owner."""
    return vendor_order_read(vendor_api_shop_rows, authenticate(api_client, owner_a))


def _line_state(line):
    line = OrderLine.objects.get(pk=line.pk)
    return (line.shipped_at, line.carrier, line.tracking_number)


def _quantity(sku):
    return Stock.objects.get(variant__sku=sku).quantity


def test_anonymous_is_401_and_non_member_is_403(shop, api_client):
    api_client.credentials()
    assert api_client.get(BASE + "order-lines/").status_code == 401

    authenticate(api_client, UserFactory())
    response = api_client.get(BASE + "order-lines/")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert (
        api_client.put(BASE + f"stock/{shop.sku_a}/", {"quantity": 1}, format="json").status_code
        == 403
    )
    assert _quantity(shop.sku_a) == 5


def test_order_lines_lists_own_lines_only(shop):
    response = shop.client.get(BASE + "order-lines/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [line] = body["results"]
    assert line["id"] == shop.line_a.pk
    assert line["order_number"] == shop.order.number
    assert line["shopper_name"] == "Sam Shopper"
    assert line["shipping_address"]["city"] == "Lyon"
    assert (line["sku"], line["quantity"], line["line_total"]) == (shop.sku_a, 2, "24.00")


def test_order_lines_filter_by_status_and_date(shop):
    today = shop.order.created_at.date().isoformat()

    to_ship = shop.client.get(BASE + "order-lines/", {"status": "to_ship", "date_from": today})
    shipped = shop.client.get(BASE + "order-lines/", {"status": "shipped"})
    future = shop.client.get(BASE + "order-lines/", {"date_from": "2999-01-01"})
    bad = shop.client.get(BASE + "order-lines/", {"status": "lost", "date_to": "yesterday"})

    assert [line["id"] for line in to_ship.json()["results"]] == [shop.line_a.pk]
    assert shipped.json()["count"] == 0
    assert future.json()["count"] == 0
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"status", "date_to"}


def test_another_vendors_line_is_404(shop):
    response = shop.client.get(BASE + f"order-lines/{shop.line_b.pk}/")

    assert response.status_code == 404
    assert shop.client.get(BASE + f"order-lines/{shop.line_a.pk}/").status_code == 200


def test_shipping_another_vendors_line_is_404_and_changes_nothing(shop):
    before_a, before_b = _line_state(shop.line_a), _line_state(shop.line_b)

    response = shop.client.post(
        BASE + "order-lines/ship/",
        {
            "order_line_ids": [shop.line_a.pk, shop.line_b.pk],
            "carrier": "DHL",
            "tracking_number": "X1",
        },
        format="json",
    )

    assert response.status_code == 404
    assert (_line_state(shop.line_a), _line_state(shop.line_b)) == (before_a, before_b)
    assert Order.objects.get(pk=shop.order.pk).status == "paid"


def test_ship_own_line_and_order_fulfils_when_all_shipped(shop, owner_b, api_client):
    response = shop.client.post(
        BASE + "order-lines/ship/",
        {"order_line_ids": [shop.line_a.pk], "carrier": "DHL", "tracking_number": "X1"},
        format="json",
    )

    assert response.status_code == 200
    [line] = response.json()
    assert (line["id"], line["carrier"], line["tracking_number"]) == (shop.line_a.pk, "DHL", "X1")
    assert line["shipped_at"] is not None
    assert Order.objects.get(pk=shop.order.pk).status == "paid"

    authenticate(api_client, owner_b)
    api_client.post(
        BASE + "order-lines/ship/",
        {"order_line_ids": [shop.line_b.pk], "carrier": "UPS"},
        format="json",
    )
    assert Order.objects.get(pk=shop.order.pk).status == "fulfilled"


def test_ship_invalid_input_is_400(shop):
    empty = shop.client.post(
        BASE + "order-lines/ship/", {"order_line_ids": [], "carrier": "DHL"}, format="json"
    )
    no_carrier = shop.client.post(
        BASE + "order-lines/ship/", {"order_line_ids": [shop.line_a.pk]}, format="json"
    )

    assert empty.status_code == 400
    assert no_carrier.status_code == 400
    assert _line_state(shop.line_a) == (None, "", "")


def test_stock_read_set_adjust_own_sku(shop):
    listing = shop.client.get(BASE + "stock/")
    assert [row["sku"] for row in listing.json()["results"]] == [shop.sku_a]

    assert shop.client.get(BASE + f"stock/{shop.sku_a}/").json()["quantity"] == 5
    put = shop.client.put(BASE + f"stock/{shop.sku_a}/", {"quantity": 9}, format="json")
    assert (put.status_code, put.json()["quantity"]) == (200, 9)
    adjust = shop.client.post(BASE + f"stock/{shop.sku_a}/adjust/", {"delta": -4}, format="json")
    assert (adjust.status_code, adjust.json()["quantity"]) == (200, 5)
    assert _quantity(shop.sku_a) == 5


def test_stock_of_another_vendors_sku_is_404_and_unchanged(shop):
    get = shop.client.get(BASE + f"stock/{shop.sku_b}/")
    put = shop.client.put(BASE + f"stock/{shop.sku_b}/", {"quantity": 0}, format="json")
    adjust = shop.client.post(BASE + f"stock/{shop.sku_b}/adjust/", {"delta": -7}, format="json")

    assert (get.status_code, put.status_code, adjust.status_code) == (404, 404, 404)
    assert _quantity(shop.sku_b) == 7


def test_stock_bad_input_is_400_and_over_removal_409(shop):
    negative = shop.client.put(BASE + f"stock/{shop.sku_a}/", {"quantity": -1}, format="json")
    text = shop.client.put(BASE + f"stock/{shop.sku_a}/", {"quantity": "many"}, format="json")
    zero = shop.client.post(BASE + f"stock/{shop.sku_a}/adjust/", {"delta": 0}, format="json")
    too_many = shop.client.post(BASE + f"stock/{shop.sku_a}/adjust/", {"delta": -6}, format="json")

    assert (negative.status_code, text.status_code, zero.status_code) == (400, 400, 400)
    assert too_many.status_code == 409
    assert "only 5" in too_many.json()["error"]["message"]
    assert _quantity(shop.sku_a) == 5


def test_suspended_vendors_token_is_403_on_every_vendor_endpoint_and_changes_nothing(
    shop, vendor_a
):
    vendor_suspend(vendor=vendor_a)
    client = shop.client
    ship = {"order_line_ids": [shop.line_a.pk], "carrier": "La Poste"}

    responses = [
        client.get(BASE + "order-lines/"),
        client.get(BASE + f"order-lines/{shop.line_a.pk}/"),
        client.post(BASE + "order-lines/ship/", ship, format="json"),
        client.get(BASE + "stock/"),
        client.get(BASE + f"stock/{shop.sku_a}/"),
        client.put(BASE + f"stock/{shop.sku_a}/", {"quantity": 1}, format="json"),
        client.post(BASE + f"stock/{shop.sku_a}/adjust/", {"delta": -1}, format="json"),
        client.get(BASE + "products/"),
    ]

    assert [r.status_code for r in responses] == [403] * 8
    assert {r.json()["error"]["code"] for r in responses} == {"vendor_suspended"}
    assert _quantity(shop.sku_a) == 5
    assert _line_state(shop.line_a) == (None, "", "")


def test_tokens_issued_before_a_suspension_are_403_on_vendor_endpoints_even_once_refreshed(
    shop, vendor_a, owner_a
):
    """The member is a shopper too: the refresh token still works, but neither the old nor a
    refreshed access token opens the suspended vendor's endpoints."""
    from rest_framework_simplejwt.tokens import RefreshToken

    refresh = RefreshToken.for_user(owner_a)
    client = shop.client
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh.access_token}")
    assert client.get(BASE + "stock/").status_code == 200

    vendor_suspend(vendor=vendor_a)
    before = client.put(BASE + f"stock/{shop.sku_a}/", {"quantity": 1}, format="json")
    client.credentials()
    refreshed = client.post("/api/v1/auth/refresh/", {"refresh": str(refresh)}, format="json")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    after = client.put(BASE + f"stock/{shop.sku_a}/", {"quantity": 1}, format="json")
    as_shopper = client.get("/api/v1/auth/me/")

    assert (before.status_code, refreshed.status_code, after.status_code) == (403, 200, 403)
    assert {before.json()["error"]["code"], after.json()["error"]["code"]} == {"vendor_suspended"}
    assert as_shopper.status_code == 200
    assert _quantity(shop.sku_a) == 5


def test_member_of_an_active_and_a_suspended_vendor_cannot_ship_the_suspended_ones_lines(
    shop, vendor_a, vendor_b, owner_a
):
    from vendors.models import VendorMembership

    VendorMembership.objects.create(user=owner_a, vendor=vendor_b)
    vendor_suspend(vendor=vendor_a)

    response = shop.client.post(
        BASE + "order-lines/ship/",
        {"order_line_ids": [shop.line_a.pk], "carrier": "La Poste"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "vendor_suspended"
    assert _line_state(shop.line_a) == (None, "", "")
    assert (
        shop.client.put(BASE + f"stock/{shop.sku_a}/", {"quantity": 1}, format="json").status_code
        == 403
    )
    assert _quantity(shop.sku_a) == 5


def test_products_summary_lists_own_products(shop):
    response = shop.client.get(BASE + "products/")

    assert response.status_code == 200
    [product] = response.json()["results"]
    assert (product["id"], product["title"], product["price"]) == (
        shop.product_a.pk,
        "Alpha Mug",
        "12.00",
    )
    assert (product["variant_count"], product["total_stock"], product["live"]) == (1, 5, True)


def test_editor_sees_every_vendors_lines(shop, editor, api_client):
    authenticate(api_client, editor)

    response = api_client.get(BASE + "order-lines/")

    assert {line["id"] for line in response.json()["results"]} == {shop.line_a.pk, shop.line_b.pk}
    assert Decimal(response.json()["results"][0]["unit_price"]) > 0


def test_vendor_endpoints_are_documented(site_tree, api_client):
    response = api_client.get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    ship = paths["/api/v1/vendor/order-lines/ship/"]["post"]
    assert set(ship["responses"]) >= {"200", "400", "401", "403", "404", "409"}
    assert "requestBody" in ship
    for path in (
        "/api/v1/vendor/order-lines/",
        "/api/v1/vendor/order-lines/{line_id}/",
        "/api/v1/vendor/stock/",
        "/api/v1/vendor/stock/{sku}/",
        "/api/v1/vendor/stock/{sku}/adjust/",
        "/api/v1/vendor/products/",
    ):
        assert path in paths
    parameters = {p["name"] for p in paths["/api/v1/vendor/order-lines/"]["get"]["parameters"]}
    assert {"status", "date_from", "date_to"} <= parameters
