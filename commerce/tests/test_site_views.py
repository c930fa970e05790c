import re
from decimal import Decimal

import pytest

from accounts.models import Address
from catalog import inventory
from commerce import cart as cart_services
from commerce.models import Cart, CartLine, Order, WishlistItem
from commerce.tests.conftest import ADDRESS, stock_of


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _add(client, variant, quantity=1, follow=True):
    return client.post("/cart/add/", {"variant": variant.pk, "quantity": quantity}, follow=follow)


def _checkout_key(client) -> str:
    html = client.get("/checkout/").content.decode()
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def test_add_to_cart_without_javascript_and_header_count(client, shop):
    response = _add(client, shop.variants["mug"], 2)
    assert response.redirect_chain == [("/cart/", 302)]
    assert _messages(response) == ["Added to your cart."]
    html = response.content.decode()
    assert "Mug" in html
    assert 'data-total="total">€28.50' in html
    assert response.context["cart_count"] == 2
    assert '<span class="cart-count" data-cart-count>2</span>' in html

    _add(client, shop.variants["lamp"], 1)
    assert Cart.objects.count() == 1
    assert client.get("/cart/").context["cart_count"] == 3


def test_add_to_cart_refusals_show_a_message_and_change_nothing(client, shop):
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=0)
    response = _add(client, shop.variants["lamp"])
    assert "Lamp is sold out." in _messages(response)
    response = client.post(
        "/cart/add/", {"variant": shop.variants["mug"].pk, "quantity": 0}, follow=True
    )
    assert response.status_code == 200
    assert any("Quantity" in message for message in _messages(response))
    response = client.post("/cart/add/", {"quantity": 1}, follow=True)
    assert any("Choose an option" in message for message in _messages(response))
    response = client.post("/cart/add/", {"variant": 999999, "quantity": 1}, follow=True)
    assert "No such product variant." in _messages(response)
    assert not CartLine.objects.exists()
    assert client.get("/cart/add/").status_code == 405


def test_add_redirects_back_to_the_product_on_error_only_within_the_site(client, shop):
    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=0)
    response = client.post(
        "/cart/add/",
        {"variant": shop.variants["lamp"].pk, "quantity": 1},
        HTTP_REFERER="https://evil.example.com/",
    )
    assert response["Location"] == "/cart/"
    response = client.post(
        "/cart/add/", {"variant": shop.variants["lamp"].pk, "quantity": 1, "next": "/shop/lamp/"}
    )
    assert response["Location"] == "/shop/lamp/"


def test_cart_page_edit_and_remove(client, shop):
    _add(client, shop.variants["mug"], 1)
    _add(client, shop.variants["lamp"], 1)
    mug_line, lamp_line = CartLine.objects.order_by("pk")

    response = client.post(f"/cart/lines/{mug_line.pk}/", {"quantity": 3}, follow=True)
    assert _messages(response) == ["Quantity updated."]
    assert CartLine.objects.get(pk=mug_line.pk).quantity == 3
    response = client.post(f"/cart/lines/{lamp_line.pk}/", {"quantity": 5}, follow=True)
    assert _messages(response) == ["Only 2 of Lamp left."]
    response = client.post(f"/cart/lines/{lamp_line.pk}/", {"quantity": -1}, follow=True)
    assert CartLine.objects.get(pk=lamp_line.pk).quantity == 1

    response = client.post(f"/cart/lines/{lamp_line.pk}/remove/", follow=True)
    assert _messages(response) == ["Removed from your cart."]
    assert list(CartLine.objects.values_list("pk", flat=True)) == [mug_line.pk]
    html = response.content.decode()
    assert "Acme Goods" in html and "Shipping (flat rate)" in html


def test_other_visitors_line_cannot_be_changed(client, shop, shopper):
    theirs = cart_services.cart_for_user(user=shopper)
    line = cart_services.cart_line_add(cart=theirs, variant_id=shop.variants["mug"].pk, quantity=1)
    _add(client, shop.variants["lamp"], 1)
    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": 3})
    assert response.status_code == 404
    assert client.post(f"/cart/lines/{line.pk}/remove/").status_code == 404
    assert CartLine.objects.get(pk=line.pk).quantity == 1


def test_login_merges_the_session_cart(client, shop, shopper):
    users = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=users, variant_id=shop.variants["mug"].pk, quantity=1)
    _add(client, shop.variants["mug"], 2)
    _add(client, shop.variants["lamp"], 1)

    response = client.post(
        "/account/login/", {"username": "shopper@example.com", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302

    assert Cart.objects.count() == 1
    assert {line.variant_id: line.quantity for line in users.lines.all()} == {
        shop.variants["mug"].pk: 3,
        shop.variants["lamp"].pk: 1,
    }
    assert client.get("/cart/").context["cart_count"] == 4


def test_checkout_requires_login(client, shop):
    response = client.get("/checkout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_checkout_with_new_address_then_double_submit(client, shop, shopper):
    client.force_login(shopper)
    _add(client, shop.variants["mug"], 2)
    key = _checkout_key(client)
    form = {"idempotency_key": key, "address": "new", **ADDRESS}

    response = client.post("/checkout/", form)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.number}/"
    again = client.post("/checkout/", form)
    assert again["Location"] == f"/orders/{order.number}/"
    assert Order.objects.count() == 1
    assert stock_of(shop.variants["mug"]) == 8

    page = client.get(f"/orders/{order.number}/")
    html = page.content.decode()
    assert order.number in html and "Pending payment" in html and "Ada Lovelace" in html
    assert "Cancel order" in html


def test_checkout_with_saved_address(client, shop, shopper):
    address = Address.objects.create(user=shopper, **{**ADDRESS, "city": "Leeds"})
    client.force_login(shopper)
    _add(client, shop.variants["lamp"], 1)
    key = _checkout_key(client)
    response = client.post("/checkout/", {"idempotency_key": key, "address": str(address.pk)})
    assert response.status_code == 302
    assert Order.objects.get().shipping_city == "Leeds"


def test_checkout_errors_rerender_the_form(client, shop, shopper):
    client.force_login(shopper)
    _add(client, shop.variants["lamp"], 2)
    key = _checkout_key(client)
    response = client.post(
        "/checkout/", {"idempotency_key": key, "address": "new", **ADDRESS, "country": "QQ"}
    )
    assert response.status_code == 200
    assert "Select a valid choice. QQ is not one of the available choices." in (
        response.content.decode()
    )

    inventory.stock_set(variant_id=shop.variants["lamp"].pk, quantity=1)
    response = client.post("/checkout/", {"idempotency_key": key, "address": "new", **ADDRESS})
    assert response.status_code == 200
    assert "Lamp: only 1 left (you asked for 2)" in response.content.decode()
    assert not Order.objects.exists()
    assert stock_of(shop.variants["lamp"]) == 1


def test_empty_cart_checkout_redirects_to_cart(client, shopper, shop):
    client.force_login(shopper)
    response = client.get("/checkout/", follow=True)
    assert response.redirect_chain == [("/cart/", 302)]
    assert _messages(response) == ["Your cart is empty."]


def test_orders_pages_and_cancel(client, shop, shopper, other_shopper, place_order):
    order = place_order(shopper, {shop.variants["lamp"]: 2})
    client.force_login(shopper)
    listing = client.get("/orders/")
    assert order.number in listing.content.decode()

    response = client.post(f"/orders/{order.number}/cancel/", follow=True)
    assert _messages(response) == [f"Order {order.number} cancelled."]
    assert stock_of(shop.variants["lamp"]) == 2
    response = client.post(f"/orders/{order.number}/cancel/", follow=True)
    assert "only orders awaiting payment can be cancelled" in _messages(response)[0]
    assert stock_of(shop.variants["lamp"]) == 2

    client.force_login(other_shopper)
    assert client.get(f"/orders/{order.number}/").status_code == 404
    assert client.post(f"/orders/{order.number}/cancel/").status_code == 404
    assert order.number not in client.get("/orders/").content.decode()


@pytest.mark.parametrize("path", ["/orders/", "/wishlist/"])
def test_pages_require_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_wishlist_pages(client, shop, shopper, other_shopper):
    client.force_login(shopper)
    response = client.post("/wishlist/add/", {"product": shop.shirt.pk}, follow=True)
    assert _messages(response) == ["Saved to your wishlist."]
    response = client.post("/wishlist/add/", {"product": shop.mug.pk}, follow=True)
    html = client.get("/wishlist/").content.decode()
    assert "Shirt" in html and "Mug" in html and "from €20.00" in html

    mug_item = WishlistItem.objects.get(product=shop.mug)
    shirt_item = WishlistItem.objects.get(product=shop.shirt)
    response = client.post(
        f"/wishlist/{shirt_item.pk}/move-to-cart/",
        {"variant": shop.variants["shirt_s"].pk},
        follow=True,
    )
    assert _messages(response) == ["Moved to your cart."]
    assert CartLine.objects.get().variant == shop.variants["shirt_s"]

    client.force_login(other_shopper)
    assert client.post(f"/wishlist/{mug_item.pk}/remove/").status_code == 404
    assert client.post(f"/wishlist/{mug_item.pk}/move-to-cart/").status_code == 404
    assert WishlistItem.objects.filter(pk=mug_item.pk).exists()

    client.force_login(shopper)
    client.post(f"/wishlist/{mug_item.pk}/remove/")
    assert not WishlistItem.objects.exists()


def test_checkout_saves_the_new_address_when_asked_and_preselects_it_next_time(
    client, shop, shopper
):
    client.force_login(shopper)
    _add(client, shop.variants["mug"], 1)
    html = client.get("/checkout/").content.decode()
    assert re.search(r'<input type="checkbox" name="save_address"[^>]* checked', html)
    key = _checkout_key(client)
    form = {"idempotency_key": key, "address": "new", **ADDRESS, "save_address": "on"}

    assert client.post("/checkout/", form).status_code == 302
    assert client.post("/checkout/", form).status_code == 302  # a double submission

    saved = Address.objects.get(user=shopper)
    assert (saved.full_name, saved.line1, saved.city, saved.country, saved.is_default) == (
        "Ada Lovelace",
        "12 Analytical Row",
        "London",
        "GB",
        True,
    )
    _add(client, shop.variants["lamp"], 1)
    html = client.get("/checkout/").content.decode()
    assert re.search(rf'<input type="radio" name="address" value="{saved.pk}"[^>]* checked', html)
    assert not re.search(r'<input type="radio" name="address" value="new"[^>]* checked', html)


def test_checkout_without_saving_keeps_the_address_book_unchanged(client, shop, shopper):
    client.force_login(shopper)
    _add(client, shop.variants["mug"], 1)
    key = _checkout_key(client)

    response = client.post("/checkout/", {"idempotency_key": key, "address": "new", **ADDRESS})

    assert response.status_code == 302
    assert Order.objects.get().shipping_name == "Ada Lovelace"
    assert not Address.objects.filter(user=shopper).exists()


def test_account_page_and_menus_lead_to_the_orders(client, shop, shopper):
    client.force_login(shopper)
    _add(client, shop.variants["mug"], 1)
    key = _checkout_key(client)
    client.post("/checkout/", {"idempotency_key": key, "address": "new", **ADDRESS})
    order = Order.objects.get()

    html = client.get("/account/").content.decode()

    assert '<a href="/orders/">Orders</a>' in html.split("<main", 1)[0]  # the header menu
    nav = re.search(r'<nav class="account-nav".*?</nav>', html, re.S).group(0)
    assert '<a href="/orders/">Orders</a>' in nav
    recent = re.search(r'<section class="recent-orders".*?</section>', html, re.S).group(0)
    assert f'<a href="/orders/{order.number}/">Order {order.number}</a>' in recent
    assert "Pending payment" in recent
    assert '<a href="/orders/">Your order history</a>' in recent


def test_checkout_country_is_a_select_of_exactly_the_codes_the_api_accepts(client, shop, shopper):
    from accounts.countries import COUNTRIES
    from commerce.checkout import shipping_address_validate
    from commerce.exceptions import InvalidShippingAddress

    client.force_login(shopper)
    _add(client, shop.variants["mug"], 1)
    html = client.get("/checkout/").content.decode()

    select = re.search(r'<select name="country" id="id_country">(.*?)</select>', html, re.S)
    options = re.findall(r'<option value="([A-Z]*)"[^>]*>([^<]*)</option>', select.group(1))
    assert options[0] == ("", "Choose a country")
    assert ("GB", "United Kingdom") in options and ("DE", "Germany") in options
    codes = [code for code, _ in options[1:]]
    assert len(codes) == 249 and set(codes) == set(COUNTRIES)
    for code in codes:
        assert shipping_address_validate({**ADDRESS, "country": code}).country == code
    with pytest.raises(InvalidShippingAddress):
        shipping_address_validate({**ADDRESS, "country": "QQ"})


def test_checkout_shows_each_vendors_shipping_and_the_order_is_charged_exactly_that(
    client, shop, shopper
):
    shop.vendor_b.shipping_flat_rate = Decimal("3.20")
    shop.vendor_b.save(update_fields=["shipping_flat_rate"])
    client.force_login(shopper)
    _add(client, shop.variants["mug"], 2)
    _add(client, shop.variants["shirt_m"], 1)
    _add(client, shop.variants["lamp"], 1)

    html = client.get("/checkout/").content.decode()
    shown = dict(re.findall(r'data-vendor-shipping="(\d+)">([^<]+)<', html))
    assert shown == {str(shop.vendor_a.pk): "€4.50", str(shop.vendor_b.pk): "€3.20"}
    assert "<dt>Shipping from Acme Goods</dt>" in html
    assert "<dt>Shipping from Bright Lights</dt>" in html
    assert 'data-total="shipping">€7.70<' in html
    assert 'data-total="total">€84.20<' in html

    key = _checkout_key(client)
    client.post("/checkout/", {"idempotency_key": key, "address": "new", **ADDRESS})
    order = Order.objects.get()
    assert order.subtotal == Decimal("76.50")
    assert order.shipping_total == Decimal("7.70")
    assert order.total == Decimal("84.20")
