"""The anonymous page cache (nexus/cache.py) and its invalidation (catalog/cache.py).

The test settings turn the cache off; the `page_cache` fixture turns it on. Invalidation runs
after commit, so changes are made inside `django_capture_on_commit_callbacks(execute=True)`.
"""

from decimal import Decimal

import pytest
from wagtail.models import Page

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.cache import CSRF_PLACEHOLDER

pytestmark = pytest.mark.django_db


def _get(client, page_or_url):
    url = page_or_url if isinstance(page_or_url, str) else page_or_url.url
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def _form_token(response) -> str:
    return response.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def _state(client, *pages):
    return [_get(client, page).get("X-Page-Cache") for page in pages]


def test_second_anonymous_request_is_a_cache_hit_without_sql(
    page_cache, catalog, client, django_assert_num_queries
):
    first = _get(client, catalog.mug)
    assert first["X-Page-Cache"] == "miss"
    client.cookies.clear()

    with django_assert_num_queries(0):
        second = client.get(catalog.mug.url)

    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert "Blue Mug" in second.content.decode() and "12.50" in second.content.decode()
    assert second["Content-Type"] == first["Content-Type"]


def test_a_cached_page_gets_the_visitors_own_csrf_token(page_cache, catalog, client):
    first = _get(client, catalog.mug)
    first_secret = first.cookies["csrftoken"].value
    first_token = _form_token(first)
    other_visitor = type(client)()
    second = _get(other_visitor, catalog.mug)

    assert second["X-Page-Cache"] == "hit"
    assert CSRF_PLACEHOLDER not in second.content.decode()
    secret = second.cookies["csrftoken"].value
    assert secret != first_secret
    assert _form_token(second) not in (first_token, CSRF_PLACEHOLDER)
    assert second["X-Frame-Options"] == first["X-Frame-Options"] == "DENY"
    assert "Cookie" in second["Vary"]


def test_no_cached_page_holds_a_csrf_token(page_cache, catalog, client):
    from django.core.cache import cache

    from catalog.cache import page_cache_key

    response = _get(client, catalog.mug)
    assert response["X-Page-Cache"] == "miss"
    _version, _headers, content, has_placeholder = cache.get(
        page_cache_key(host="testserver", path=catalog.mug.url)
    )
    assert has_placeholder
    assert _form_token(response).encode() not in content
    assert f'name="csrfmiddlewaretoken" value="{CSRF_PLACEHOLDER}"'.encode() in content


def test_the_form_of_a_cached_page_passes_the_csrf_check(page_cache, catalog, client):
    _get(client, catalog.mug)
    visitor = type(client)(enforce_csrf_checks=True)
    cached = _get(visitor, catalog.mug)
    assert cached["X-Page-Cache"] == "hit"
    token = _form_token(cached)

    response = visitor.post(
        "/cart/add/",
        {"variant": catalog.mug.variants.get().pk, "quantity": 1, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    forged = type(client)(enforce_csrf_checks=True).post(
        "/cart/add/", {"variant": catalog.mug.variants.get().pk, "quantity": 1}
    )
    assert forged.status_code == 403


def test_publishing_a_price_change_shows_on_the_next_request(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    assert _state(client, catalog.mug, catalog.mug) == ["miss", "hit"]
    mug = catalog.mug
    mug.price = Decimal("9.99")
    with django_capture_on_commit_callbacks(execute=True):
        mug.save_revision().publish()

    response = _get(client, mug)
    assert response["X-Page-Cache"] == "miss"
    assert "9.99" in response.content.decode()
    assert "12.50" not in response.content.decode()


def test_a_stock_change_shows_on_the_next_request(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    assert _state(client, catalog.lamp, catalog.lamp) == ["miss", "hit"]
    assert "Only 3 left" in _get(client, catalog.lamp).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=catalog.lamp.variants.get().pk, quantity=0)

    response = _get(client, catalog.lamp)
    assert response["X-Page-Cache"] == "miss"
    assert "Sold out" in response.content.decode()


def test_a_product_change_invalidates_exactly_the_pages_that_show_it(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    home = catalog.home
    home.body = [("featured_products", {"heading": "Picks", "products": [catalog.mug]})]
    home.save_revision().publish()
    storefront = catalog.mug.get_parent()
    other_storefront = catalog.lamp.get_parent()
    pages = [
        catalog.mug,
        catalog.category,
        catalog.parent_category,
        storefront,
        home,
        catalog.lamp,
        catalog.other_category,
        other_storefront,
    ]
    assert _state(client, *pages) == ["miss"] * len(pages)
    assert _state(client, *pages) == ["hit"] * len(pages)

    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_adjust(variant_id=catalog.mug.variants.get().pk, delta=-9)

    assert _state(client, *pages) == ["miss"] * 5 + ["hit"] * 3
    assert "Only 1 left" in _get(client, catalog.mug).content.decode()


def test_the_home_page_is_left_cached_when_it_does_not_feature_the_product(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    assert _state(client, catalog.home, catalog.home) == ["miss", "hit"]
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=catalog.mug.variants.get().pk, quantity=1)
    assert _state(client, catalog.home) == ["hit"]


def test_a_changed_category_list_invalidates_the_old_and_the_new_category(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    assert _state(client, catalog.category, catalog.other_category) == ["miss", "miss"]
    mug = catalog.mug
    mug.categories = [catalog.other_category]
    with django_capture_on_commit_callbacks(execute=True):
        mug.save_revision().publish()

    mugs = _get(client, catalog.category)
    lamps = _get(client, catalog.other_category)
    assert (mugs["X-Page-Cache"], lamps["X-Page-Cache"]) == ("miss", "miss")
    assert "Blue Mug" not in mugs.content.decode()
    assert "Blue Mug" in lamps.content.decode()


def test_unpublishing_a_product_removes_it_from_the_cache(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    url = catalog.mug.url
    assert _state(client, url, catalog.category) == ["miss", "miss"]
    with django_capture_on_commit_callbacks(execute=True):
        catalog.mug.unpublish()

    assert client.get(url).status_code == 404
    assert "Blue Mug" not in _get(client, catalog.category).content.decode()


def test_moving_a_product_invalidates_its_old_place(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    old_url = catalog.plate.url
    old_storefront = catalog.plate.get_parent()
    new_storefront = catalog.lamp.get_parent()
    assert _state(client, old_url, old_storefront, new_storefront) == ["miss"] * 3
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=catalog.plate.pk).move(new_storefront, pos="last-child")

    # Not the cached page: Wagtail's redirect to where the product is now.
    moved = client.get(old_url)
    assert (moved.status_code, moved["Location"]) == (
        301,
        Page.objects.get(pk=catalog.plate.pk).url,
    )
    assert "Plate" not in _get(client, old_storefront).content.decode()
    assert "Plate" in _get(client, new_storefront).content.decode()


def test_a_suspended_vendor_s_product_pages_are_invalidated(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    assert _state(client, catalog.mug, catalog.lamp) == ["miss", "miss"]
    vendor = catalog.vendor
    vendor.status = vendor.Status.SUSPENDED
    with django_capture_on_commit_callbacks(execute=True):
        vendor.save(update_fields=["status"])

    assert _state(client, catalog.mug, catalog.lamp) == ["miss", "hit"]
    assert "currently unavailable" in _get(client, catalog.mug).content.decode()


def test_a_logged_in_shopper_sees_their_own_header_and_never_the_shared_copy(
    page_cache, catalog, client
):
    shopper = UserFactory(email="ada@example.com", first_name="Ada", last_name="Lovelace")
    anonymous = _get(client, catalog.mug)
    assert anonymous["X-Page-Cache"] == "miss"

    client.force_login(shopper)
    logged_in = _get(client, catalog.mug)
    assert "X-Page-Cache" not in logged_in
    assert "Log in" not in logged_in.content.decode()

    visitor = type(client)()
    shared = _get(visitor, catalog.mug)
    assert shared["X-Page-Cache"] == "hit"
    assert "Log in" in shared.content.decode()
    assert shopper.email not in shared.content.decode()
    assert "Ada" not in shared.content.decode()


def test_a_visitor_with_a_session_cart_gets_their_own_cart_count(page_cache, catalog, client):
    from commerce.cart import cart_line_add
    from commerce.context_processors import SESSION_CART_TOKEN
    from commerce.models import Cart

    cart = Cart.objects.create()
    cart_line_add(cart=cart, variant_id=catalog.lamp.variants.get().pk, quantity=2)
    assert _get(type(client)(), catalog.mug)["X-Page-Cache"] == "miss"

    session = client.session
    session[SESSION_CART_TOKEN] = str(cart.token)
    session.save()
    client.cookies["sessionid"] = session.session_key
    with_cart = _get(client, catalog.mug)

    assert "X-Page-Cache" not in with_cart
    assert '<span class="cart-count" data-cart-count>2</span>' in with_cart.content.decode()
    shared = _get(type(client)(), catalog.mug)
    assert shared["X-Page-Cache"] == "hit"
    assert '<span class="cart-count" data-cart-count>0</span>' in shared.content.decode()


def test_requests_with_a_query_string_are_not_cached(page_cache, catalog, client):
    assert _state(client, catalog.category.url + "?sort=price_asc") == [None]
    assert _state(client, catalog.category.url + "?sort=price_asc") == [None]


def test_api_product_listing_is_cached_and_invalidated_by_a_stock_change(
    page_cache, catalog, client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    url = "/api/v2/pages/?type=catalog.ProductPage&fields=price,availability&in_stock=true"
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    assert first.json()["meta"]["total_count"] == 3

    with django_assert_num_queries(0):
        second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert second.json() == first.json()

    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=catalog.lamp.variants.get().pk, quantity=0)
    third = client.get(url)
    assert third["X-Page-Cache"] == "miss"
    assert third.json()["meta"]["total_count"] == 2


def test_the_cache_is_off_when_its_lifetime_is_zero(catalog, client):
    assert _state(client, catalog.mug, catalog.mug) == [None, None]


def test_frontend_cache_is_purged_for_the_same_urls(
    page_cache, catalog, django_capture_on_commit_callbacks, monkeypatch
):
    page_cache.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://127.0.0.1:1",
        }
    }
    purged = []
    monkeypatch.setattr(
        "wagtail.contrib.frontend_cache.utils.purge_urls_from_cache",
        lambda urls, **kwargs: purged.extend(urls),
    )
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=catalog.lamp.variants.get().pk, quantity=1)

    root = catalog.home.get_site().root_url
    storefront = catalog.lamp.get_parent()
    assert sorted(purged) == sorted(
        [
            root + catalog.lamp.url,
            root + catalog.other_category.url,
            root + storefront.url,
            root + "/api/v2/pages/",
        ]
    )


def test_cache_hit_through_redis(redis_url, page_cache, catalog, client, django_assert_num_queries):
    page_cache.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "nexus-test-page-cache",
        }
    }
    from django.core.cache import cache

    cache.clear()
    assert _get(client, catalog.mug)["X-Page-Cache"] == "miss"
    client.cookies.clear()
    with django_assert_num_queries(0):
        assert client.get(catalog.mug.url)["X-Page-Cache"] == "hit"
    cache.clear()


@pytest.mark.parametrize("which", ["category", "home", "storefront"])
def test_publishing_a_curated_page_shows_on_the_next_request(
    page_cache, catalog, client, django_capture_on_commit_callbacks, which
):
    page = {
        "category": catalog.category,
        "home": catalog.home,
        "storefront": catalog.mug.get_parent(),
    }[which].specific
    assert _state(client, page, page) == ["miss", "hit"]

    page.title = "Freshly Renamed"
    page.seo_title = "Freshly Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    response = _get(client, page)
    assert response["X-Page-Cache"] == "miss"
    assert "Freshly Renamed" in response.content.decode()


def test_a_renamed_category_shows_where_it_is_listed(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    """A category's title also shows on its parent category and on the home page that features
    it; those are refreshed, pages that do not show it stay cached."""
    category = catalog.category.specific
    home = catalog.home
    home.body = [("featured_categories", {"heading": "Aisles", "categories": [category]})]
    home.save_revision().publish()
    pages = [catalog.parent_category, home, catalog.mug, catalog.lamp, catalog.other_category]
    assert _state(client, *pages) == ["miss"] * 5
    assert _state(client, *pages) == ["hit"] * 5

    category.title = "Cups"
    with django_capture_on_commit_callbacks(execute=True):
        category.save_revision().publish()

    responses = [_get(client, page) for page in pages]
    assert [response["X-Page-Cache"] for response in responses] == ["miss"] * 2 + ["hit"] * 3
    assert all("Cups" in response.content.decode() for response in responses[:2])


def test_a_checkout_and_its_cancellation_refresh_the_product_page(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    from commerce import cart as cart_services
    from commerce.checkout import checkout_complete
    from commerce.orders import order_cancel

    lamp = catalog.lamp
    shopper = UserFactory()
    cart = cart_services.cart_for_user(user=shopper)
    cart_services.cart_line_add(cart=cart, variant_id=lamp.variants.get().pk, quantity=3)
    assert _state(client, lamp, lamp) == ["miss", "hit"]
    address = {
        "full_name": "Ada Lovelace",
        "line1": "12 Analytical Row",
        "city": "London",
        "postal_code": "N1 7AA",
        "country": "GB",
    }

    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_complete(user=shopper, cart=cart, idempotency_key="k", address=address)

    sold_out = _get(client, lamp)
    assert sold_out["X-Page-Cache"] == "miss"
    assert "Sold out" in sold_out.content.decode()
    assert _state(client, lamp) == ["hit"]

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=order, actor=shopper)

    back = _get(client, lamp)
    assert back["X-Page-Cache"] == "miss"
    assert "Only 3 left" in back.content.decode()
