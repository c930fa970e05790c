"""Vendor order lines, stock and shipping through GraphQL: a member works on their own vendor's
objects only; another vendor's are not found, a shopper is refused, and nothing changes."""

import pytest

from accounts.tests.factories import UserFactory
from catalog.models import Stock
from catalog.tests.factories import make_product
from commerce.models import Order, OrderLine
from commerce.tests.factories import make_order
from graphql_api.tests.conftest import data_of
from vendors.services import vendor_suspend
from vendors.tests.conftest import SHOPPER_ADDRESS

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor_shop(vendor_a, vendor_b):
    product_a = make_product(vendor=vendor_a, title="Alpha Mug", price="12.00", stock=5)
    product_b = make_product(vendor=vendor_b, title="Beta Bowl", price="20.00", stock=7)
    shopper = UserFactory(email="shopper@example.com")
    order = make_order(user=shopper, items=[(product_a, 2), (product_b, 1)], **SHOPPER_ADDRESS)
    return type(
        "VendorShop",
        (),
        {
            "shopper": shopper,
            "sku_a": product_a.variants.get().sku,
            "sku_b": product_b.variants.get().sku,
            "order": order,
            "line_a": order.lines.get(vendor=vendor_a),
            "line_b": order.lines.get(vendor=vendor_b),
        },
    )


LINES = """query($status: String) { vendorOrderLines(status: $status) { totalCount
  edges { node { id orderNumber orderStatus sku quantity lineTotal shopperName
  shippingAddressLines vendorName shippedAt carrier } } } }"""
STOCK_SET = """mutation($sku: String!, $quantity: Int!) { vendorStockSet(sku: $sku,
  quantity: $quantity) { stock { sku quantity availability } errors { code message field } } }"""
STOCK_ADJUST = """mutation($sku: String!, $delta: Int!) { vendorStockAdjust(sku: $sku,
  delta: $delta) { stock { sku quantity } errors { code message field } } }"""
SHIP = """mutation($ids: [ID!]!, $carrier: String!) { vendorOrderLinesShip(orderLineIds: $ids,
  carrier: $carrier, trackingNumber: "TR-1") { lines { id carrier shippedAt orderStatus }
  errors { code message field } } }"""


def quantity(sku) -> int:
    return Stock.objects.get(variant__sku=sku).quantity


def line_state(line):
    line = OrderLine.objects.get(pk=line.pk)
    return (line.shipped_at, line.carrier, line.tracking_number)


def test_a_member_sees_only_their_vendors_lines_and_stock(gql, vendor_shop, owner_a):
    lines = data_of(gql(LINES, user=owner_a))["vendorOrderLines"]
    stock = data_of(gql("{ vendorStock { sku quantity productTitle } }", user=owner_a))

    assert lines["totalCount"] == 1
    [node] = [edge["node"] for edge in lines["edges"]]
    assert node["id"] == str(vendor_shop.line_a.pk)
    assert (node["sku"], node["quantity"], node["lineTotal"]) == (vendor_shop.sku_a, 2, "24.00")
    assert node["orderStatus"] == "PAID"
    assert node["shopperName"] == "Sam Shopper"
    assert node["shippingAddressLines"] == ["Sam Shopper", "1 Main Street", "69001 Lyon", "FR"]
    assert stock["vendorStock"] == [
        {"sku": vendor_shop.sku_a, "quantity": 5, "productTitle": "Alpha Mug"}
    ]


def test_an_editor_sees_every_vendor(gql, vendor_shop, editor):
    lines = data_of(gql(LINES, user=editor))["vendorOrderLines"]

    assert lines["totalCount"] == 2


def test_shoppers_and_anonymous_are_refused(gql, vendor_shop):
    shopper = gql(LINES, user=vendor_shop.shopper)
    anonymous = gql(LINES)
    stock = data_of(
        gql(STOCK_SET, {"sku": vendor_shop.sku_a, "quantity": 0}, user=vendor_shop.shopper)
    )["vendorStockSet"]

    assert shopper["errors"][0]["extensions"] == {"code": "not_a_vendor_member"}
    assert anonymous["errors"][0]["extensions"] == {"code": "not_authenticated"}
    assert [error["code"] for error in stock["errors"]] == ["not_a_vendor_member"]
    assert quantity(vendor_shop.sku_a) == 5


def test_stock_set_and_adjust_own_variant(gql, vendor_shop, owner_a):
    set_ = data_of(gql(STOCK_SET, {"sku": vendor_shop.sku_a, "quantity": 3}, user=owner_a))
    added = data_of(gql(STOCK_ADJUST, {"sku": vendor_shop.sku_a, "delta": 4}, user=owner_a))
    too_many = data_of(gql(STOCK_ADJUST, {"sku": vendor_shop.sku_a, "delta": -10}, user=owner_a))

    assert set_["vendorStockSet"]["stock"] == {
        "sku": vendor_shop.sku_a,
        "quantity": 3,
        "availability": "LOW_STOCK",
    }
    assert added["vendorStockAdjust"]["stock"]["quantity"] == 7
    assert too_many["vendorStockAdjust"]["stock"] is None
    assert [e["code"] for e in too_many["vendorStockAdjust"]["errors"]] == ["insufficient_stock"]
    assert quantity(vendor_shop.sku_a) == 7


def test_another_vendors_stock_is_not_found_and_unchanged(gql, vendor_shop, owner_a):
    set_ = data_of(gql(STOCK_SET, {"sku": vendor_shop.sku_b, "quantity": 0}, user=owner_a))
    adjust = data_of(gql(STOCK_ADJUST, {"sku": vendor_shop.sku_b, "delta": -1}, user=owner_a))

    for payload in (set_["vendorStockSet"], adjust["vendorStockAdjust"]):
        assert payload["stock"] is None
        assert [error["code"] for error in payload["errors"]] == ["vendor_not_found"]
    assert quantity(vendor_shop.sku_b) == 7


def test_a_suspended_vendor_cannot_change_stock(gql, vendor_shop, owner_a, vendor_a):
    vendor_suspend(vendor=vendor_a)

    payload = data_of(gql(STOCK_SET, {"sku": vendor_shop.sku_a, "quantity": 0}, user=owner_a))

    assert [e["code"] for e in payload["vendorStockSet"]["errors"]] == ["vendor_suspended"]
    assert quantity(vendor_shop.sku_a) == 5


def test_shipping_own_lines_and_refusing_another_vendors(gql, vendor_shop, owner_a):
    mixed = data_of(
        gql(
            SHIP,
            {"ids": [str(vendor_shop.line_a.pk), str(vendor_shop.line_b.pk)], "carrier": "DHL"},
            user=owner_a,
        )
    )["vendorOrderLinesShip"]

    assert mixed["lines"] == []
    assert mixed["errors"] == [
        {
            "code": "vendor_not_found",
            "message": f"No order line {vendor_shop.line_b.pk} for your vendor.",
            "field": "order_line_ids",
        }
    ]
    assert line_state(vendor_shop.line_a) == (None, "", "")
    assert line_state(vendor_shop.line_b) == (None, "", "")

    own = data_of(gql(SHIP, {"ids": [str(vendor_shop.line_a.pk)], "carrier": "DHL"}, user=owner_a))[
        "vendorOrderLinesShip"
    ]

    assert own["errors"] == []
    [line] = own["lines"]
    assert (line["id"], line["carrier"], line["orderStatus"]) == (
        str(vendor_shop.line_a.pk),
        "DHL",
        "PAID",
    )
    assert line["shippedAt"] is not None
    assert line_state(vendor_shop.line_b) == (None, "", "")
    assert Order.objects.get(pk=vendor_shop.order.pk).status == Order.Status.PAID


VENDOR_FIELDS = {
    "vendorOrderLines": ("query", LINES, lambda shop: {}),
    "vendorStock": ("query", "{ vendorStock { sku quantity } }", lambda shop: {}),
    "vendorStockSet": ("mutation", STOCK_SET, lambda shop: {"sku": shop.sku_a, "quantity": 0}),
    "vendorStockAdjust": ("mutation", STOCK_ADJUST, lambda shop: {"sku": shop.sku_a, "delta": -5}),
    "vendorOrderLinesShip": (
        "mutation",
        SHIP,
        lambda shop: {"ids": [str(shop.line_a.pk), str(shop.line_b.pk)], "carrier": "DHL"},
    ),
}


def _everything(shop):
    """What a vendor field could change: stock, the lines' shipping, the order's status."""
    return (
        quantity(shop.sku_a),
        quantity(shop.sku_b),
        line_state(shop.line_a),
        line_state(shop.line_b),
        Order.objects.get(pk=shop.order.pk).status,
    )


@pytest.mark.parametrize("field", sorted(VENDOR_FIELDS))
@pytest.mark.parametrize(
    ("who", "code"), [("shopper", "not_a_vendor_member"), ("anonymous", "not_authenticated")]
)
def test_every_vendor_field_refuses_shoppers_and_anonymous_and_changes_nothing(
    gql, vendor_shop, field, who, code
):
    kind, query, variables = VENDOR_FIELDS[field]
    before = _everything(vendor_shop)
    user = vendor_shop.shopper if who == "shopper" else None

    body = gql(query, variables(vendor_shop), user=user)

    if kind == "query":
        assert body["data"] is None
        assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    else:
        payload = data_of(body)[field]
        assert [error["code"] for error in payload["errors"]] == [code]
        assert payload.get("stock") is None and payload.get("lines") in (None, [])
    assert _everything(vendor_shop) == before
