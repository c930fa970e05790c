"""Saving a product to the wishlist from its page, as a shopper would."""

import pytest

from commerce.models import WishlistItem

pytestmark = pytest.mark.django_db


def test_a_logged_in_shopper_saves_the_product_from_its_page(client, shop, shopper):
    client.force_login(shopper)

    page = client.get(shop.mug.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'action="/wishlist/add/"' in html
    assert f'name="product" value="{shop.mug.pk}"' in html

    response = client.post("/wishlist/add/", {"product": shop.mug.pk, "next": shop.mug.url})

    assert response.status_code == 302
    assert response.headers["Location"] == shop.mug.url
    assert list(WishlistItem.objects.values_list("user__email", "product_id")) == [
        ("shopper@example.com", shop.mug.pk)
    ]


def test_an_anonymous_visitor_is_offered_a_login_and_cannot_save(client, shop):
    html = client.get(shop.mug.url).content.decode()

    assert 'action="/wishlist/add/"' not in html
    assert f'href="/account/login/?next={shop.mug.url}"' in html

    response = client.post("/wishlist/add/", {"product": shop.mug.pk})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login/")
    assert WishlistItem.objects.count() == 0
