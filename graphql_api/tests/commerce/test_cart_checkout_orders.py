"""Cart, checkout, orders and payment through GraphQL: the DRF API's services and errors, and
every refusal leaves the data as it was."""

import pytest

from commerce.models import Cart, CartLine, Order
from commerce.tests.conftest import ADDRESS, stock_of
from graphql_api.tests.conftest import data_of

pytestmark = pytest.mark.django_db

CART_FIELDS = """token itemCount subtotal shippingTotal total currency problems
  lines { id quantity unitPrice lineTotal availability product { title } variant { sku } }
  vendors { vendor { name } subtotal shipping total }"""

ADD = f"""mutation($variant: ID!, $quantity: Int!, $token: String) {{
  cartLineAdd(variantId: $variant, quantity: $quantity, cartToken: $token) {{
    cart {{ {CART_FIELDS} }} errors {{ code message field }} }} }}"""
UPDATE = f"""mutation($line: ID!, $quantity: Int!, $token: String) {{
  cartLineUpdate(lineId: $line, quantity: $quantity, cartToken: $token) {{
    cart {{ {CART_FIELDS} }} errors {{ code message field }} }} }}"""
REMOVE = f"""mutation($line: ID!, $token: String) {{
  cartLineRemove(lineId: $line, cartToken: $token) {{
    cart {{ {CART_FIELDS} }} errors {{ code message field }} }} }}"""
CART = f"query($token: String) {{ cart(cartToken: $token) {{ {CART_FIELDS} }} }}"
CHECKOUT = """mutation($key: String!, $address: ShippingAddressInput, $addressId: ID) {
  checkoutComplete(idempotencyKey: $key, shippingAddress: $address, addressId: $addressId) {
    order { number status total subtotal shippingTotal isCancellable
      lines { sku quantity unitPrice lineTotal vendorName }
      statusHistory { toStatus note } shippingAddress { fullName country } }
    errors { code message field } } }"""
GQL_ADDRESS = {
    "fullName": ADDRESS["full_name"],
    "line1": ADDRESS["line1"],
    "city": ADDRESS["city"],
    "postalCode": ADDRESS["postal_code"],
    "country": ADDRESS["country"],
    "phone": ADDRESS["phone"],
}


def _add(gql, variant, quantity=1, **kwargs):
    token = kwargs.pop("token", None)
    return data_of(
        gql(ADD, {"variant": str(variant.pk), "quantity": quantity, "token": token}, **kwargs)
    )["cartLineAdd"]


def test_anonymous_cart_is_created_by_the_first_line_and_found_by_its_token(gql, shop):
    payload = _add(gql, shop.variants["mug"], 2)

    assert payload["errors"] == []
    cart = payload["cart"]
    assert cart["itemCount"] == 2
    assert (cart["subtotal"], cart["shippingTotal"], cart["total"]) == ("24.00", "4.50", "28.50")
    assert cart["currency"] == "EUR"
    assert cart["lines"][0]["product"]["title"] == "Mug"
    assert cart["vendors"] == [
        {
            "vendor": {"name": "Acme Goods"},
            "subtotal": "24.00",
            "shipping": "4.50",
            "total": "28.50",
        }
    ]
    token = cart["token"]
    assert Cart.objects.get(token=token).user is None

    by_argument = data_of(gql(CART, {"token": token}))["cart"]
    by_header = data_of(gql(CART, cart_token=token))["cart"]
    assert by_argument == by_header == cart
    assert data_of(gql(CART))["cart"] is None


def test_adding_more_than_in_stock_is_a_typed_error_and_changes_nothing(gql, shop):
    token = _add(gql, shop.variants["lamp"], 1)["cart"]["token"]

    payload = _add(gql, shop.variants["lamp"], 5, token=token)

    assert payload == {
        "cart": None,
        "errors": [
            {
                "code": "insufficient_stock",
                "message": "Only 2 of Lamp left (you already have 1 in your cart).",
                "field": "quantity",
            }
        ],
    }
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [1]


@pytest.mark.parametrize(("quantity", "code"), [(0, "invalid"), (100, "invalid")])
def test_bad_quantities_are_refused_with_the_drf_shape(gql, shop, quantity, code):
    payload = _add(gql, shop.variants["mug"], quantity)

    assert payload["cart"] is None
    assert [(error["code"], error["field"]) for error in payload["errors"]] == [(code, "quantity")]
    assert Cart.objects.count() == 0


def test_update_and_remove_lines(gql, shop):
    cart = _add(gql, shop.variants["mug"], 1)["cart"]
    token, line_id = cart["token"], cart["lines"][0]["id"]

    updated = data_of(gql(UPDATE, {"line": line_id, "quantity": 3, "token": token}))
    removed = data_of(gql(REMOVE, {"line": line_id, "token": token}))

    assert updated["cartLineUpdate"]["cart"]["itemCount"] == 3
    assert removed["cartLineRemove"]["cart"]["lines"] == []
    assert CartLine.objects.count() == 0


def test_a_line_of_another_cart_is_not_found_and_stays(gql, shop):
    theirs = _add(gql, shop.variants["mug"], 2)["cart"]
    mine = _add(gql, shop.variants["lamp"], 1)["cart"]
    their_line = theirs["lines"][0]["id"]

    update = data_of(gql(UPDATE, {"line": their_line, "quantity": 1, "token": mine["token"]}))
    remove = data_of(gql(REMOVE, {"line": their_line, "token": mine["token"]}))

    for payload in (update["cartLineUpdate"], remove["cartLineRemove"]):
        assert payload["cart"] is None
        assert [error["code"] for error in payload["errors"]] == ["cart_line_not_found"]
    assert CartLine.objects.get(pk=their_line).quantity == 2


def test_unknown_cart_token_is_an_error(gql, shop):
    body = gql(CART, {"token": "00000000-0000-0000-0000-000000000000"})

    assert body["data"] == {"cart": None}
    assert body["errors"][0]["extensions"] == {"code": "cart_not_found"}


def test_logged_in_cart_merges_the_anonymous_cart(gql, shop, shopper):
    token = _add(gql, shop.variants["mug"], 2)["cart"]["token"]

    cart = data_of(gql(CART, {"token": token}, user=shopper))["cart"]

    assert cart["token"] is None
    assert cart["itemCount"] == 2
    assert Cart.objects.get().user == shopper


def _fill_cart(gql, shop, user, quantity=2):
    return _add(gql, shop.variants["mug"], quantity, user=user)


def test_checkout_places_one_order_per_idempotency_key(gql, shop, shopper):
    _fill_cart(gql, shop, shopper)

    first = data_of(gql(CHECKOUT, {"key": "k-1", "address": GQL_ADDRESS}, user=shopper))
    again = data_of(gql(CHECKOUT, {"key": "k-1", "address": GQL_ADDRESS}, user=shopper))

    order = first["checkoutComplete"]["order"]
    assert first["checkoutComplete"]["errors"] == []
    assert order["status"] == "PENDING_PAYMENT"
    assert (order["subtotal"], order["shippingTotal"], order["total"]) == ("24.00", "4.50", "28.50")
    assert order["lines"] == [
        {
            "sku": shop.variants["mug"].sku,
            "quantity": 2,
            "unitPrice": "12.00",
            "lineTotal": "24.00",
            "vendorName": "Acme Goods",
        }
    ]
    assert order["statusHistory"] == [{"toStatus": "PENDING_PAYMENT", "note": "Order placed."}]
    assert order["shippingAddress"] == {"fullName": "Ada Lovelace", "country": "GB"}
    assert again["checkoutComplete"]["order"]["number"] == order["number"]
    assert Order.objects.count() == 1
    assert stock_of(shop.variants["mug"]) == 8
    assert CartLine.objects.count() == 0


def test_anonymous_checkout_is_refused_and_places_nothing(gql, shop):
    token = _add(gql, shop.variants["mug"], 2)["cart"]["token"]

    payload = data_of(gql(CHECKOUT, {"key": "k", "address": GQL_ADDRESS}, cart_token=token))[
        "checkoutComplete"
    ]

    assert payload["order"] is None
    assert [error["code"] for error in payload["errors"]] == ["not_authenticated"]
    assert Order.objects.count() == 0
    assert stock_of(shop.variants["mug"]) == 10
    assert CartLine.objects.get().quantity == 2


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"key": " "}, "invalid_idempotency_key", "idempotency_key"),
        ({"key": "k"}, "invalid", None),
        (
            {"key": "k", "address": {**GQL_ADDRESS, "country": "XX"}},
            "invalid_shipping_address",
            "country",
        ),
        ({"key": "k", "addressId": "999999"}, "address_not_found", None),
    ],
)
def test_bad_checkouts_are_typed_errors_and_change_nothing(
    gql, shop, shopper, variables, code, field
):
    _fill_cart(gql, shop, shopper)

    payload = data_of(gql(CHECKOUT, variables, user=shopper))["checkoutComplete"]

    assert payload["order"] is None
    assert [(error["code"], error["field"]) for error in payload["errors"]] == [(code, field)]
    assert Order.objects.count() == 0
    assert stock_of(shop.variants["mug"]) == 10
    assert CartLine.objects.get().quantity == 2


def test_checkout_of_an_empty_cart(gql, shop, shopper):
    payload = data_of(gql(CHECKOUT, {"key": "k", "address": GQL_ADDRESS}, user=shopper))

    assert payload["checkoutComplete"]["errors"][0]["code"] == "cart_empty"


ORDERS = """query($first: Int, $after: String) { orders(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { number status lines { sku } } } } }"""
ORDER = "query($number: String!) { order(number: $number) { number status total } }"
CANCEL = """mutation($number: String!) { orderCancel(number: $number) {
  order { number status isCancellable } errors { code message } } }"""


def test_orders_are_the_viewers_own_newest_first(gql, shop, shopper, other_shopper, place_order):
    older = place_order(shopper, {shop.variants["mug"]: 1})
    newer = place_order(shopper, {shop.variants["lamp"]: 1})
    place_order(other_shopper, {shop.variants["mug"]: 1})

    page = data_of(gql(ORDERS, {"first": 1}, user=shopper))["orders"]
    rest = data_of(gql(ORDERS, {"after": page["pageInfo"]["endCursor"]}, user=shopper))["orders"]

    assert page["totalCount"] == 2
    assert [edge["node"]["number"] for edge in page["edges"]] == [newer.number]
    assert page["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["number"] for edge in rest["edges"]] == [older.number]
    detail = data_of(gql(ORDER, {"number": older.number}, user=shopper))["order"]
    assert detail == {"number": older.number, "status": "PENDING_PAYMENT", "total": "16.50"}


def test_orders_need_a_login(gql, shop):
    body = gql(ORDERS)

    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "not_authenticated"}


def test_another_shoppers_order_is_not_found_and_cannot_be_cancelled(
    gql, shop, shopper, other_shopper, place_order
):
    theirs = place_order(other_shopper, {shop.variants["lamp"]: 2})
    assert stock_of(shop.variants["lamp"]) == 0

    read = gql(ORDER, {"number": theirs.number}, user=shopper)
    cancel = data_of(gql(CANCEL, {"number": theirs.number}, user=shopper))["orderCancel"]

    assert read["data"] is None
    assert read["errors"][0]["extensions"] == {"code": "order_not_found"}
    assert cancel == {
        "order": None,
        "errors": [{"code": "order_not_found", "message": f"No order {theirs.number}."}],
    }
    theirs.refresh_from_db()
    assert theirs.status == Order.Status.PENDING_PAYMENT
    assert stock_of(shop.variants["lamp"]) == 0


def test_cancel_releases_stock_once(gql, shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["lamp"]: 2})

    first = data_of(gql(CANCEL, {"number": order.number}, user=shopper))["orderCancel"]
    second = data_of(gql(CANCEL, {"number": order.number}, user=shopper))["orderCancel"]

    assert first["order"] == {"number": order.number, "status": "CANCELLED", "isCancellable": False}
    assert [error["code"] for error in second["errors"]] == ["invalid_order_transition"]
    assert stock_of(shop.variants["lamp"]) == 2


PAY = """mutation($number: String!, $card: String, $method: String) {
  paymentStart(orderNumber: $number, cardNumber: $card, paymentMethod: $method) {
    payment { orderNumber orderStatus isPayable total
      payment { provider status amount failureCode } }
    errors { code message field } } }"""


def test_paying_with_the_dummy_test_card_pays_the_order(
    gql, shop, shopper, place_order, django_capture_on_commit_callbacks
):
    order = place_order(shopper, {shop.variants["mug"]: 1})

    with django_capture_on_commit_callbacks(execute=True):
        payload = data_of(
            gql(PAY, {"number": order.number, "card": "4242 4242 4242 4242"}, user=shopper)
        )["paymentStart"]

    assert payload["errors"] == []
    assert payload["payment"]["orderNumber"] == order.number
    assert payload["payment"]["payment"]["provider"] == "dummy"
    assert payload["payment"]["payment"]["amount"] == "16.50"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    status = data_of(
        gql(
            "query($n: String!) { order(number: $n) { status payment { "
            "orderStatus payment { status } } } }",
            {"n": order.number},
            user=shopper,
        )
    )
    assert status["order"]["status"] == "PAID"
    assert status["order"]["payment"]["payment"]["status"] == "succeeded"


def test_a_declined_card_leaves_the_order_payable(gql, shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})

    payload = data_of(gql(PAY, {"number": order.number, "card": "4000000000000002"}, user=shopper))[
        "paymentStart"
    ]

    assert payload["payment"]["payment"]["status"] == "failed"
    assert payload["payment"]["payment"]["failureCode"] == "card_declined"
    assert payload["payment"]["isPayable"] is True
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_nobody_pays_another_shoppers_order(gql, shop, shopper, other_shopper, place_order):
    theirs = place_order(other_shopper, {shop.variants["mug"]: 1})

    payload = data_of(
        gql(PAY, {"number": theirs.number, "card": "4242424242424242"}, user=shopper)
    )["paymentStart"]
    both = data_of(
        gql(PAY, {"number": theirs.number, "card": "4242", "method": "pm_x"}, user=other_shopper)
    )["paymentStart"]

    assert [error["code"] for error in payload["errors"]] == ["order_not_found"]
    assert [error["code"] for error in both["errors"]] == ["invalid"]
    assert theirs.payments.count() == 0
    theirs.refresh_from_db()
    assert theirs.status == Order.Status.PENDING_PAYMENT
