"""The cart read (GET /api/v1/cart/) answers from the cache while nothing it shows changed
(`commerce.api.common.cart_read_response`): every change a cart shows is in the very next
read, whichever way it was made, and an answer is never kept for lines it does not show."""

from decimal import Decimal

import pytest
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import PageViewRestriction

from catalog import inventory
from catalog.models import ProductPage
from commerce import cart as cart_services
from commerce.api import common
from commerce.models import Cart, CartLine
from commerce.shipping import vendor_shipping_rate_set
from vendors.services import vendor_suspend

CART = "/api/v1/cart/"


@pytest.fixture
def reads(monkeypatch):
    """Counts the carts priced (answers computed rather than served from the cache)."""
    priced = []
    price = common._cart_payload

    def counting(request, cart):
        priced.append(cart.pk)
        return price(request, cart)

    monkeypatch.setattr(common, "_cart_payload", counting)
    return priced


@pytest.fixture
def filled(shopper_api, shopper, shop):
    """The shopper's cart with 2 mugs (vendor A) and a lamp (vendor B), read once."""
    cart = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=cart, variant_id=shop.variants["mug"].pk, quantity=2)
    cart_services.cart_line_add(cart=cart, variant_id=shop.variants["lamp"].pk, quantity=1)
    assert _read(shopper_api)["total"] == "58.50"
    return cart


def _read(client) -> dict:
    response = client.get(CART)
    assert response.status_code == 200, response.content
    return response.json()


def _publish(product, **changes):
    page = ProductPage.objects.get(pk=product.pk).get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def _fresh(client) -> dict:
    """The answer computed now, the cache left out."""
    from django.core.cache import cache

    cache.clear()
    return _read(client)


def test_a_second_read_is_served_and_is_the_answer_a_fresh_read_gives(shopper_api, filled, reads):
    served = _read(shopper_api)
    assert reads == []
    assert served == _fresh(shopper_api)
    assert reads == [filled.pk]


@pytest.mark.parametrize(
    "change",
    [
        "price",
        "title",
        "stock",
        "sold_out",
        "unpublished",
        "view_restriction",
        "vendor_suspended",
        "shipping_rate",
    ],
)
def test_a_change_the_cart_shows_is_in_the_next_read(
    change, shopper_api, shop, filled, reads, admin_user, django_capture_on_commit_callbacks
):
    before = _read(shopper_api)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "price":
            _publish(shop.mug, price=Decimal("13.00"))
        elif change == "title":
            _publish(shop.mug, title="Big Mug")
        elif change == "stock":
            inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=1)
        elif change == "sold_out":
            inventory.stock_set(variant_id=shop.variants["mug"].pk, quantity=1)
        elif change == "unpublished":
            UnpublishPageAction(ProductPage.objects.get(pk=shop.lamp.pk)).execute()
        elif change == "view_restriction":
            PageViewRestriction.objects.create(
                page=shop.mug, restriction_type=PageViewRestriction.LOGIN
            )
        elif change == "vendor_suspended":
            vendor_suspend(vendor=shop.vendor_b)
        elif change == "shipping_rate":
            vendor_shipping_rate_set(vendor_id=shop.vendor_a.pk, rate="6.00", actor=admin_user)

    after = _read(shopper_api)
    assert reads == [filled.pk]
    assert after != before
    assert after == _fresh(shopper_api)
    expected = {
        "price": ("60.50", []),
        "title": ("58.50", []),
        "stock": ("58.50", []),
        "sold_out": ("58.50", ["Only 1 of Mug left."]),
        "unpublished": ("28.50", ["Lamp is no longer available."]),
        "view_restriction": ("30.00", ["Mug is no longer available."]),
        "vendor_suspended": (
            "28.50",
            ["Lamp is not available: its seller is not taking orders."],
        ),
        "shipping_rate": ("60.00", []),
    }[change]
    assert (after["total"], after["problems"]) == expected


def test_a_stock_change_of_another_product_keeps_the_answer(
    shopper_api, shop, filled, reads, django_capture_on_commit_callbacks
):
    _read(shopper_api)
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=shop.variants["shirt_s"].pk, quantity=1)
    _read(shopper_api)
    assert reads == []


def test_lines_changed_by_any_path_are_in_the_next_read(shopper_api, shop, filled, reads):
    # Through the cart service (as the site and GraphQL do), not through this API.
    cart_services.cart_line_add(cart=filled, variant_id=shop.variants["shirt_m"].pk, quantity=1)
    assert [line["product"]["title"] for line in _read(shopper_api)["lines"]] == [
        "Mug",
        "Lamp",
        "Shirt",
    ]
    # A quantity written straight to the row, the cart's timestamp untouched.
    CartLine.objects.filter(cart=filled, variant=shop.variants["mug"]).update(quantity=3)
    assert _read(shopper_api)["item_count"] == 5
    CartLine.objects.filter(cart=filled, variant=shop.variants["lamp"]).delete()
    body = _read(shopper_api)
    assert (body["item_count"], body["total"]) == (4, "63.00")
    assert body == _fresh(shopper_api)


def test_an_answer_priced_after_its_lines_changed_is_not_kept(
    shopper_api, shop, filled, monkeypatch
):
    # Another request adds a line between the read of the lines and the pricing: the answer
    # shows it, so it is not kept for the lines read before.
    price = common._cart_payload

    def with_a_line_added_first(request, cart):
        monkeypatch.setattr(common, "_cart_payload", price)
        cart_services.cart_line_add(cart=cart, variant_id=shop.variants["shirt_s"].pk, quantity=1)
        return price(request, cart)

    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(common, "_cart_payload", with_a_line_added_first)
    assert _read(shopper_api)["item_count"] == 4
    CartLine.objects.filter(cart=filled, variant=shop.variants["shirt_s"]).delete()
    body = _read(shopper_api)
    assert (body["item_count"], [line["product"]["title"] for line in body["lines"]]) == (
        3,
        ["Mug", "Lamp"],
    )


def test_answers_are_per_cart_and_per_host(api, shopper_api, shop, filled, reads, settings):
    settings.ALLOWED_HOSTS = ["testserver", "shop.example.com"]
    token = api.post(
        "/api/v1/cart/lines/", {"variant": shop.variants["mug"].pk, "quantity": 2}, format="json"
    ).json()["token"]
    reads.clear()
    anonymous = api.get(CART, HTTP_X_CART_TOKEN=token)
    assert anonymous["X-Cart-Token"] == token
    assert (anonymous.json()["token"], anonymous.json()["total"]) == (token, "28.50")
    assert _read(shopper_api)["total"] == "58.50"
    other_host = shopper_api.get(CART, HTTP_HOST="shop.example.com")
    assert other_host.status_code == 200
    anonymous_cart = Cart.objects.get(token=token)
    assert reads == [anonymous_cart.pk, filled.pk]


def test_a_shopper_without_a_cart_or_lines_reads_an_empty_one(shopper_api, shopper, reads):
    assert not Cart.objects.filter(user=shopper).exists()
    body = _read(shopper_api)
    assert (body["lines"], body["total"], body["token"]) == ([], "0.00", None)
    cart = Cart.objects.get(user=shopper)
    assert _read(shopper_api) == body
    assert reads == [cart.pk]
