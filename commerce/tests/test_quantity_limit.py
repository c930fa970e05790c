"""The most a cart line may hold is the CART_MAX_LINE_QUANTITY setting, read by every form,
serializer and quantity input, and refused in the cart service's words."""

import pytest
from rest_framework.test import APIClient

from commerce import cart as cart_services
from commerce.api.serializers import CartLineAddInputSerializer, CartLineUpdateInputSerializer
from commerce.exceptions import InvalidQuantity
from commerce.forms import CartAddForm, CartLineQuantityForm, WishlistMoveForm
from commerce.models import Cart, CartLine


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("limit", [99, 5])
def test_forms_and_serializers_take_their_maximum_from_the_setting(settings, limit):
    settings.CART_MAX_LINE_QUANTITY = limit
    for form_class in (CartAddForm, CartLineQuantityForm, WishlistMoveForm):
        field = form_class().fields["quantity"]
        assert field.max_value == limit
        assert field.widget.attrs["max"] == limit
    for serializer_class in (CartLineAddInputSerializer, CartLineUpdateInputSerializer):
        assert serializer_class().fields["quantity"].max_value == limit


def test_a_lower_setting_lowers_the_inputs_and_the_site_refuses_above_it(
    client, settings, shop, shopper
):
    settings.CART_MAX_LINE_QUANTITY = 5
    product_html = client.get(shop.mug.url).content.decode()
    assert 'name="quantity" value="1" min="1" max="5" required' in product_html

    response = client.post(
        "/cart/add/", {"variant": shop.variants["mug"].pk, "quantity": 6}, follow=True
    )
    assert _messages(response) == ["Quantity can be at most 5 per item."]
    assert not CartLine.objects.exists()

    client.post("/cart/add/", {"variant": shop.variants["mug"].pk, "quantity": 5})
    line = CartLine.objects.get()
    cart_html = client.get("/cart/").content.decode()
    assert f'id="quantity-{line.pk}" type="number" name="quantity" value="5" min="1" max="5"' in (
        cart_html
    )
    response = client.post(f"/cart/lines/{line.pk}/", {"quantity": 6}, follow=True)
    assert _messages(response) == ["Quantity can be at most 5 per item."]
    assert CartLine.objects.get(pk=line.pk).quantity == 5


def test_the_default_setting_shows_99_on_the_product_page(client, shop):
    html = client.get(shop.mug.url).content.decode()
    assert 'name="quantity" value="1" min="1" max="99" required' in html


def test_the_api_and_the_service_refuse_above_the_setting(settings, shop, shopper):
    settings.CART_MAX_LINE_QUANTITY = 5
    response = APIClient().post(
        "/api/v1/cart/lines/",
        {"variant": shop.variants["mug"].pk, "quantity": 6},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "quantity": ["Quantity can be at most 5 per item."]
    }
    assert not Cart.objects.exists()

    cart = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=cart, variant_id=shop.variants["mug"].pk, quantity=4)
    with pytest.raises(InvalidQuantity) as refused:
        cart_services.cart_line_add(cart=cart, variant_id=shop.variants["mug"].pk, quantity=2)
    assert refused.value.message == (
        "Quantity can be at most 5 per item (you already have 4 in your cart)."
    )
    assert CartLine.objects.get(cart=cart).quantity == 4
