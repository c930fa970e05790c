from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from accounts.exceptions import AddressNotFound
from accounts.models import Address
from catalog import inventory
from catalog.exceptions import InsufficientStock
from commerce import cart as cart_services
from commerce import checkout as checkout_module
from commerce.checkout import checkout_complete
from commerce.exceptions import (
    CartEmpty,
    CartNotFound,
    InvalidIdempotencyKey,
    InvalidShippingAddress,
    ProductUnavailable,
)
from commerce.models import CartLine, Order, OrderLine
from commerce.tests.conftest import stock_of
from vendors.models import Vendor


def _cart_with(user, lines):
    cart = cart_services.cart_for_user(user=user)
    for variant, quantity in lines.items():
        cart_services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    return cart


@override_settings(ORDER_PAYMENT_TIMEOUT_MINUTES=45)
def test_checkout_places_order_with_snapshot_lines(shop, shopper, address_data):
    v = shop.variants
    cart = _cart_with(shopper, {v["mug"]: 2, v["shirt_m"]: 1, v["lamp"]: 2})
    before = timezone.now()

    order = checkout_complete(user=shopper, cart=cart, idempotency_key="k1", address=address_data)

    assert order.number.startswith("NX-") and len(order.number) == 11
    assert order.status == Order.Status.PENDING_PAYMENT
    assert (order.subtotal, order.shipping_total, order.total) == (
        Decimal("106.50"),
        Decimal("4.50"),
        Decimal("111.00"),
    )
    assert order.currency == "EUR"
    assert order.email == "shopper@example.com"
    assert (order.shipping_name, order.shipping_city, order.shipping_country) == (
        "Ada Lovelace",
        "London",
        "GB",
    )
    assert (
        before + timedelta(minutes=45) <= order.expires_at <= timezone.now() + timedelta(minutes=45)
    )
    lines = list(
        order.lines.values_list(
            "product_title",
            "variant_label",
            "sku",
            "vendor_name",
            "unit_price",
            "quantity",
            "line_total",
        )
    )
    assert sorted(lines) == [
        (
            "Lamp",
            "",
            shop.variants["lamp"].sku,
            "Bright Lights",
            Decimal("30.00"),
            2,
            Decimal("60.00"),
        ),
        ("Mug", "", shop.variants["mug"].sku, "Acme Goods", Decimal("12.00"), 2, Decimal("24.00")),
        ("Shirt", "M", "SHIRT-M", "Acme Goods", Decimal("22.50"), 1, Decimal("22.50")),
    ]
    assert (stock_of(v["mug"]), stock_of(v["shirt_m"]), stock_of(v["lamp"])) == (8, 2, 0)
    assert not CartLine.objects.filter(cart=cart).exists()
    assert list(order.status_changes.values_list("from_status", "to_status")) == [
        ("", "pending_payment")
    ]


def test_with_details_the_placed_order_carries_its_lines_and_history_as_written(
    shop, shopper, address_data, django_assert_num_queries
):
    v = shop.variants
    cart = _cart_with(shopper, {v["mug"]: 2, v["lamp"]: 1})

    order = checkout_complete(
        user=shopper, cart=cart, idempotency_key="d", address=address_data, with_details=True
    )

    with django_assert_num_queries(0):
        lines = [(line.sku, line.quantity, line.line_total) for line in order.lines.all()]
        history = [(c.from_status, c.to_status, c.actor) for c in order.status_changes.all()]
    assert lines == list(
        OrderLine.objects.filter(order=order)
        .order_by("pk")
        .values_list("sku", "quantity", "line_total")
    )
    assert history == [("", Order.Status.PENDING_PAYMENT, shopper)]
    # Without it (and for an order placed earlier with the key) nothing is prefetched.
    again = checkout_complete(
        user=shopper, cart=cart, idempotency_key="d", address=address_data, with_details=True
    )
    assert again.pk == order.pk
    assert not hasattr(again, "_prefetched_objects_cache")
    plain = checkout_complete(
        user=shopper,
        cart=_cart_with(shopper, {v["mug"]: 1}),
        idempotency_key="e",
        address=address_data,
    )
    assert not hasattr(plain, "_prefetched_objects_cache")


def test_order_survives_product_edits(shop, shopper, address_data):
    order = checkout_complete(
        user=shopper,
        cart=_cart_with(shopper, {shop.variants["mug"]: 1}),
        idempotency_key=None,
        address=address_data,
    )
    shop.mug.title = "Renamed mug"
    shop.mug.price = Decimal("99.00")
    shop.mug.save_revision().publish()
    line = order.lines.get()
    line.refresh_from_db()
    assert (line.product_title, line.unit_price) == ("Mug", Decimal("12.00"))


def test_price_change_between_cart_and_checkout_uses_new_price(shop, shopper, address_data):
    cart = _cart_with(shopper, {shop.variants["mug"]: 3})
    shop.mug.price = Decimal("13.25")
    shop.mug.save_revision().publish()
    # A draft (unpublished) price is not what shoppers pay.
    shop.mug.price = Decimal("1.00")
    shop.mug.save_revision()

    order = checkout_complete(user=shopper, cart=cart, idempotency_key="p", address=address_data)

    line = order.lines.get()
    assert (line.unit_price, line.line_total) == (Decimal("13.25"), Decimal("39.75"))
    assert (order.subtotal, order.total) == (Decimal("39.75"), Decimal("44.25"))


def test_same_idempotency_key_returns_same_order_and_reserves_once(shop, shopper, address_data):
    mug = shop.variants["mug"]
    cart = _cart_with(shopper, {mug: 2})
    first = checkout_complete(user=shopper, cart=cart, idempotency_key="same", address=address_data)
    # The shopper fills the cart again; a retry of the first request must not buy it.
    cart_services.cart_line_add(cart=cart, variant_id=mug.pk, quantity=1)

    again = checkout_complete(user=shopper, cart=cart, idempotency_key="same", address=address_data)

    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert stock_of(mug) == 8
    assert cart.lines.get().quantity == 1


def test_same_key_from_another_user_is_a_different_order(
    shop, shopper, other_shopper, address_data
):
    mug = shop.variants["mug"]
    mine = checkout_complete(
        user=shopper, cart=_cart_with(shopper, {mug: 1}), idempotency_key="k", address=address_data
    )
    theirs = checkout_complete(
        user=other_shopper,
        cart=_cart_with(other_shopper, {mug: 1}),
        idempotency_key="k",
        address=address_data,
    )
    assert mine.pk != theirs.pk
    assert stock_of(mug) == 8


def test_unique_constraint_race_returns_existing_order(shop, shopper, address_data, monkeypatch):
    """The retry got past the check under the cart lock before the first attempt committed:
    the unique constraint refuses its order, its reservation rolls back and it answers with
    the first."""
    mug = shop.variants["mug"]
    first = checkout_complete(
        user=shopper,
        cart=_cart_with(shopper, {mug: 2}),
        idempotency_key="race",
        address=address_data,
    )
    cart = _cart_with(shopper, {mug: 1})
    from commerce import checkout as checkout_module

    calls = []

    def blind_lookup(**kwargs):
        # The look-up by key under the lock sees nothing.
        calls.append(kwargs)
        return None

    monkeypatch.setattr(checkout_module, "_order_with_key", blind_lookup)
    again = checkout_complete(user=shopper, cart=cart, idempotency_key="race", address=address_data)

    assert calls == [{"user_id": shopper.pk, "idempotency_key": "race"}]
    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert stock_of(mug) == 8
    assert cart.lines.get().quantity == 1


def test_shortage_fails_whole_checkout_naming_product_and_left(shop, shopper, address_data):
    v = shop.variants
    cart = _cart_with(shopper, {v["mug"]: 2, v["lamp"]: 2})
    inventory.stock_set(variant_id=v["lamp"].pk, quantity=1)

    with pytest.raises(InsufficientStock) as raised:
        checkout_complete(user=shopper, cart=cart, idempotency_key="x", address=address_data)

    assert raised.value.status == 409
    assert raised.value.message == "Lamp: only 1 left (you asked for 2)"
    assert not Order.objects.exists()
    assert not OrderLine.objects.exists()
    assert (stock_of(v["mug"]), stock_of(v["lamp"])) == (10, 1)
    assert cart.lines.count() == 2


def test_unavailable_product_fails_checkout(shop, shopper, address_data):
    cart = _cart_with(shopper, {shop.variants["mug"]: 1, shop.variants["lamp"]: 1})
    Vendor.objects.filter(pk=shop.vendor_b.pk).update(status=Vendor.Status.SUSPENDED)
    with pytest.raises(ProductUnavailable) as raised:
        checkout_complete(user=shopper, cart=cart, idempotency_key="x", address=address_data)
    assert "Lamp" in raised.value.message
    assert not Order.objects.exists()
    assert stock_of(shop.variants["mug"]) == 10


def test_empty_cart_is_refused(shop, shopper, address_data):
    with pytest.raises(CartEmpty):
        checkout_complete(
            user=shopper,
            cart=cart_services.cart_for_user(user=shopper),
            idempotency_key="x",
            address=address_data,
        )
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"line1": "   "}, "line1"),
        ({"country": "XX"}, "country"),
        ({"country": "GBR"}, "country"),
        ({"postal_code": "1" * 21}, "postal_code"),
        ({"city": 12}, "city"),
    ],
)
def test_invalid_address_is_refused(shop, shopper, address_data, change, field):
    cart = _cart_with(shopper, {shop.variants["mug"]: 1})
    with pytest.raises(InvalidShippingAddress) as raised:
        checkout_complete(
            user=shopper, cart=cart, idempotency_key="x", address={**address_data, **change}
        )
    assert raised.value.field == field
    assert not Order.objects.exists()
    assert stock_of(shop.variants["mug"]) == 10


def test_missing_address_is_refused(shop, shopper):
    cart = _cart_with(shopper, {shop.variants["mug"]: 1})
    with pytest.raises(InvalidShippingAddress):
        checkout_complete(user=shopper, cart=cart, idempotency_key="x")


def test_saved_address_is_copied_and_someone_elses_is_not_found(
    shop, shopper, other_shopper, address_data
):
    mine = Address.objects.create(
        user=shopper, **{**address_data, "country": "DE", "city": "Berlin"}
    )
    theirs = Address.objects.create(user=other_shopper, **address_data)
    cart = _cart_with(shopper, {shop.variants["mug"]: 1})

    with pytest.raises(AddressNotFound):
        checkout_complete(user=shopper, cart=cart, idempotency_key="a", address_id=theirs.pk)
    assert not Order.objects.exists()

    order = checkout_complete(user=shopper, cart=cart, idempotency_key="b", address_id=mine.pk)
    assert (order.shipping_city, order.shipping_country) == ("Berlin", "DE")


def test_overlong_idempotency_key_is_refused(shop, shopper, address_data):
    cart = _cart_with(shopper, {shop.variants["mug"]: 1})
    with pytest.raises(InvalidIdempotencyKey):
        checkout_complete(user=shopper, cart=cart, idempotency_key="k" * 256, address=address_data)
    assert not Order.objects.exists()


def test_checking_out_another_users_cart_is_refused_and_changes_nothing(
    shop, shopper, other_shopper, address_data
):
    mug = shop.variants["mug"]
    cart = _cart_with(shopper, {mug: 2})

    with pytest.raises(CartNotFound) as raised:
        checkout_complete(user=other_shopper, cart=cart, idempotency_key="k", address=address_data)

    assert raised.value.status == 404
    assert not Order.objects.exists()
    assert list(cart.lines.values_list("variant_id", "quantity")) == [(mug.pk, 2)]
    assert stock_of(mug) == 10


DEADLOCK = OperationalError(1213, "Deadlock found when trying to get lock; try restarting")


def _place_order_failing_first(monkeypatch, error, mug):
    """`_place_order` that reserves stock and fails with `error` on its first call."""
    real = checkout_module._place_order
    calls = []

    def place_order(**kwargs):
        calls.append(kwargs["idempotency_key"])
        if len(calls) == 1:
            inventory.stock_reserve(quantities={mug.pk: 2})
            raise error
        return real(**kwargs)

    monkeypatch.setattr(checkout_module, "_place_order", place_order)
    return calls


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deadlock_victim_is_placed_again_from_the_start(shop, shopper, address_data, monkeypatch):
    mug = shop.variants["mug"]
    cart = _cart_with(shopper, {mug: 2})
    calls = _place_order_failing_first(monkeypatch, DEADLOCK, mug)

    order = checkout_complete(user=shopper, cart=cart, idempotency_key="k", address=address_data)

    assert calls == ["k", "k"]
    assert list(Order.objects.values_list("pk", flat=True)) == [order.pk]
    assert list(order.lines.values_list("sku", "quantity")) == [(mug.sku, 2)]
    assert stock_of(mug) == 8  # the victim's reservation was rolled back with it


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_other_database_errors_are_not_retried_and_change_nothing(
    shop, shopper, address_data, monkeypatch
):
    mug = shop.variants["mug"]
    cart = _cart_with(shopper, {mug: 2})
    calls = _place_order_failing_first(monkeypatch, OperationalError(2006, "gone away"), mug)

    with pytest.raises(OperationalError):
        checkout_complete(user=shopper, cart=cart, idempotency_key="k", address=address_data)

    assert calls == ["k"]
    assert not Order.objects.exists()
    assert stock_of(mug) == 10
    assert cart.lines.get().quantity == 2
