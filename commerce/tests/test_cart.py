from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from catalog import inventory
from commerce import cart as cart_services
from commerce.exceptions import (
    CartLineNotFound,
    InvalidQuantity,
    NotEnoughStock,
    ProductUnavailable,
    VariantNotFound,
)
from commerce.models import Cart, CartLine
from commerce.selectors import cart_count, cart_find, cart_summary
from vendors.models import Vendor


def _lines(cart):
    return {line.variant_id: line.quantity for line in cart.lines.all()}


def test_add_line_and_add_again_sums_quantity(shop, shopper):
    cart = cart_services.cart_for_user(user=shopper)
    mug = shop.variants["mug"]
    cart_services.cart_line_add(cart=cart, variant_id=mug.pk, quantity=2)
    line = cart_services.cart_line_add(cart=cart, variant_id=str(mug.pk), quantity="3")
    assert line.quantity == 5
    assert _lines(cart) == {mug.pk: 5}
    assert cart_count(cart=cart) == 5


def test_one_cart_per_user(shop, shopper):
    assert cart_services.cart_for_user(user=shopper) == cart_services.cart_for_user(user=shopper)
    assert Cart.objects.filter(user=shopper).count() == 1


@pytest.mark.parametrize("quantity", [0, -1, 100, 10**12, "two", None, 1.5, True, "1e3"])
def test_bad_quantities_are_refused(shop, shopper, quantity):
    cart = cart_services.cart_for_user(user=shopper)
    with pytest.raises(InvalidQuantity):
        cart_services.cart_line_add(
            cart=cart, variant_id=shop.variants["mug"].pk, quantity=quantity
        )
    assert not CartLine.objects.exists()


@override_settings(CART_MAX_LINE_QUANTITY=5)
def test_line_total_quantity_is_capped_by_setting(shop, shopper):
    cart = cart_services.cart_for_user(user=shopper)
    mug = shop.variants["mug"]
    cart_services.cart_line_add(cart=cart, variant_id=mug.pk, quantity=4)
    with pytest.raises(InvalidQuantity) as raised:
        cart_services.cart_line_add(cart=cart, variant_id=mug.pk, quantity=2)
    assert "at most 5" in raised.value.message
    assert _lines(cart) == {mug.pk: 4}


def test_more_than_stock_is_refused_naming_what_is_left(shop, shopper):
    cart = cart_services.cart_for_user(user=shopper)
    lamp = shop.variants["lamp"]
    cart_services.cart_line_add(cart=cart, variant_id=lamp.pk, quantity=1)
    with pytest.raises(NotEnoughStock) as raised:
        cart_services.cart_line_add(cart=cart, variant_id=lamp.pk, quantity=2)
    assert raised.value.message == "Only 2 of Lamp left (you already have 1 in your cart)."
    assert _lines(cart) == {lamp.pk: 1}


def test_sold_out_product_is_refused(shop, shopper):
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=0)
    cart = cart_services.cart_for_user(user=shopper)
    with pytest.raises(ProductUnavailable) as raised:
        cart_services.cart_line_add(cart=cart, variant_id=shop.variants["lamp"].pk, quantity=1)
    assert raised.value.message == "Lamp is sold out."
    assert not CartLine.objects.exists()


def test_unpublished_product_is_refused(shop, shopper):
    shop.mug.unpublish()
    cart = cart_services.cart_for_user(user=shopper)
    with pytest.raises(ProductUnavailable) as raised:
        cart_services.cart_line_add(cart=cart, variant_id=shop.variants["mug"].pk, quantity=1)
    assert raised.value.message == "Mug is no longer available."
    assert not CartLine.objects.exists()


def test_private_product_is_refused(shop, shopper):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=shop.mug, restriction_type=PageViewRestriction.LOGIN)
    cart = cart_services.cart_for_user(user=shopper)
    with pytest.raises(ProductUnavailable):
        cart_services.cart_line_add(cart=cart, variant_id=shop.variants["mug"].pk, quantity=1)
    assert not CartLine.objects.exists()


def test_suspended_vendor_product_is_refused(shop, shopper):
    Vendor.objects.filter(pk=shop.vendor_b.pk).update(status=Vendor.Status.SUSPENDED)
    cart = cart_services.cart_for_user(user=shopper)
    with pytest.raises(ProductUnavailable) as raised:
        cart_services.cart_line_add(cart=cart, variant_id=shop.variants["lamp"].pk, quantity=1)
    assert "seller is not taking orders" in raised.value.message
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("variant_id", [999999, "abc", None, -5])
def test_unknown_variant_is_not_found(shop, shopper, variant_id):
    cart = cart_services.cart_for_user(user=shopper)
    with pytest.raises(VariantNotFound):
        cart_services.cart_line_add(cart=cart, variant_id=variant_id, quantity=1)


def test_quantity_change_and_remove_and_clear(shop, shopper):
    cart = cart_services.cart_for_user(user=shopper)
    mug, lamp = shop.variants["mug"], shop.variants["lamp"]
    line = cart_services.cart_line_add(cart=cart, variant_id=mug.pk, quantity=1)
    cart_services.cart_line_add(cart=cart, variant_id=lamp.pk, quantity=1)

    cart_services.cart_line_quantity_set(cart=cart, line_id=line.pk, quantity=7)
    assert _lines(cart) == {mug.pk: 7, lamp.pk: 1}
    with pytest.raises(NotEnoughStock):
        cart_services.cart_line_quantity_set(cart=cart, line_id=line.pk, quantity=11)
    with pytest.raises(InvalidQuantity):
        cart_services.cart_line_quantity_set(cart=cart, line_id=line.pk, quantity=0)
    assert _lines(cart) == {mug.pk: 7, lamp.pk: 1}

    cart_services.cart_line_remove(cart=cart, line_id=line.pk)
    assert _lines(cart) == {lamp.pk: 1}
    cart_services.cart_clear(cart=cart)
    assert _lines(cart) == {}


def test_lowering_quantity_is_allowed_even_when_stock_fell(shop, shopper):
    cart = cart_services.cart_for_user(user=shopper)
    line = cart_services.cart_line_add(cart=cart, variant_id=shop.variants["mug"].pk, quantity=8)
    inventory.stock_set(variant_id=shop.variants["mug"].pk, quantity=3)
    cart_services.cart_line_quantity_set(cart=cart, line_id=line.pk, quantity=5)
    assert _lines(cart) == {shop.variants["mug"].pk: 5}


def test_another_carts_line_is_not_found(shop, shopper, other_shopper):
    mine = cart_services.cart_for_user(user=shopper)
    theirs = cart_services.cart_for_user(user=other_shopper)
    their_line = cart_services.cart_line_add(
        cart=theirs, variant_id=shop.variants["mug"].pk, quantity=2
    )
    with pytest.raises(CartLineNotFound):
        cart_services.cart_line_quantity_set(cart=mine, line_id=their_line.pk, quantity=1)
    with pytest.raises(CartLineNotFound):
        cart_services.cart_line_remove(cart=mine, line_id=their_line.pk)
    assert _lines(theirs) == {shop.variants["mug"].pk: 2}


def test_summary_prices_live_groups_per_vendor_with_flat_shipping(shop, shopper):
    cart = cart_services.cart_for_user(user=shopper)
    v = shop.variants
    cart_services.cart_line_add(cart=cart, variant_id=v["mug"].pk, quantity=2)  # 24.00
    cart_services.cart_line_add(cart=cart, variant_id=v["shirt_m"].pk, quantity=1)  # 22.50
    cart_services.cart_line_add(cart=cart, variant_id=v["lamp"].pk, quantity=1)  # 30.00

    summary = cart_summary(cart=cart)
    assert [(g.vendor.name, g.subtotal, g.shipping, g.total) for g in summary.vendor_groups] == [
        ("Acme Goods", Decimal("46.50"), Decimal("4.50"), Decimal("51.00")),
        ("Bright Lights", Decimal("30.00"), Decimal("0.00"), Decimal("30.00")),
    ]
    assert (summary.subtotal, summary.shipping_total, summary.total) == (
        Decimal("76.50"),
        Decimal("4.50"),
        Decimal("81.00"),
    )
    assert summary.item_count == 4
    assert summary.problems == []

    # A price change is visible at the next read: nothing is stored on the cart.
    shop.mug.price = Decimal("15.00")
    shop.mug.save_revision().publish()
    assert cart_summary(cart=cart).subtotal == Decimal("82.50")


def test_summary_flags_lines_that_cannot_be_bought(shop, shopper):
    cart = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=cart, variant_id=shop.variants["mug"].pk, quantity=1)
    cart_services.cart_line_add(cart=cart, variant_id=shop.variants["lamp"].pk, quantity=2)
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=1)
    shop.mug.unpublish()

    summary = cart_summary(cart=cart)
    assert summary.problems == ["Mug is no longer available.", "Only 1 of Lamp left."]
    # The unavailable mug is left out of the totals (and so is its vendor's shipping).
    assert (summary.subtotal, summary.shipping_total) == (Decimal("60.00"), Decimal("0.00"))


def test_summary_flags_lines_under_a_view_restriction_on_the_product_or_above(shop, shopper):
    from wagtail.models import PageViewRestriction

    cart = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=cart, variant_id=shop.variants["mug"].pk, quantity=1)
    cart_services.cart_line_add(cart=cart, variant_id=shop.variants["lamp"].pk, quantity=1)
    assert cart_summary(cart=cart).problems == []
    PageViewRestriction.objects.create(
        page=shop.lamp.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    PageViewRestriction.objects.create(page=shop.mug, restriction_type=PageViewRestriction.LOGIN)

    summary = cart_summary(cart=cart)
    assert summary.problems == ["Mug is no longer available.", "Lamp is no longer available."]
    assert (summary.subtotal, summary.shipping_total) == (Decimal("0.00"), Decimal("0.00"))


def test_summary_query_count_is_constant(shop, shopper, django_assert_num_queries):
    cart = cart_services.cart_for_user(user=shopper)
    for variant in shop.variants.values():
        cart_services.cart_line_add(cart=cart, variant_id=variant.pk, quantity=1)
    cart_summary(cart=cart)  # creates the shop settings row once (then read from the cache)
    # The lines (with variants, products, vendors, stock, liveness and view restrictions in
    # one query; the default site and its shop settings come from the cache): the same one
    # whatever the number of lines.
    with django_assert_num_queries(1):
        cart_summary(cart=cart)


def test_merge_adds_quantities_capped_by_stock_and_deletes_source(shop, shopper):
    v = shop.variants
    anonymous = cart_services.cart_create()
    cart_services.cart_line_add(cart=anonymous, variant_id=v["lamp"].pk, quantity=2)
    cart_services.cart_line_add(cart=anonymous, variant_id=v["mug"].pk, quantity=3)
    cart_services.cart_line_add(cart=anonymous, variant_id=v["shirt_s"].pk, quantity=1)
    users = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=users, variant_id=v["lamp"].pk, quantity=1)
    cart_services.cart_line_add(cart=users, variant_id=v["mug"].pk, quantity=4)

    merged = cart_services.cart_for_request_user(user=shopper, anonymous_token=str(anonymous.token))

    assert merged.pk == users.pk
    # lamp: 1 + 2 capped at stock 2; mug: 4 + 3; shirt S: new line.
    assert _lines(merged) == {v["lamp"].pk: 2, v["mug"].pk: 7, v["shirt_s"].pk: 1}
    assert not Cart.objects.filter(pk=anonymous.pk).exists()


def test_merge_drops_unavailable_lines(shop, shopper):
    anonymous = cart_services.cart_create()
    cart_services.cart_line_add(cart=anonymous, variant_id=shop.variants["lamp"].pk, quantity=1)
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=0)
    merged = cart_services.cart_for_request_user(user=shopper, anonymous_token=anonymous.token)
    assert _lines(merged) == {}


def test_token_finds_only_anonymous_carts(shop, shopper):
    users = cart_services.cart_for_user(user=shopper)
    anonymous = cart_services.cart_create()
    assert cart_find(token=str(anonymous.token)) == anonymous
    assert cart_find(token=str(users.token)) is None
    assert cart_find(token="not-a-uuid") is None
    assert cart_find(user=AnonymousUser(), token=None) is None


def test_a_refused_first_line_leaves_no_cart(shop):
    with pytest.raises(InvalidQuantity):
        cart_services.cart_create_with_line(variant_id=shop.variants["mug"].pk, quantity=0)
    with pytest.raises(NotEnoughStock):
        cart_services.cart_create_with_line(variant_id=shop.variants["lamp"].pk, quantity=3)
    assert not Cart.objects.exists()


def test_items_count_for_the_header(shop, shopper, django_assert_num_queries):
    from commerce.selectors import cart_items_count

    users = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=users, variant_id=shop.variants["mug"].pk, quantity=2)
    cart_services.cart_line_add(cart=users, variant_id=shop.variants["lamp"].pk, quantity=1)
    anonymous = cart_services.cart_create_with_line(variant_id=shop.variants["mug"].pk, quantity=4)
    with django_assert_num_queries(1):
        assert cart_items_count(user=shopper) == 3
    with django_assert_num_queries(1):
        assert cart_items_count(token=str(anonymous.token)) == 4
    with django_assert_num_queries(0):
        assert cart_items_count(token="bad") == 0
    assert cart_items_count(token=str(users.token)) == 0
