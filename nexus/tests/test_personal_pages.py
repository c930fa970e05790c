"""Pages of shoppers with a session or a login: the shared part of product and category pages
comes from a cache (catalog.cache.shared_fragment), the header is theirs, and nothing stale is
ever shown; pages are found by a cached route (home/routing.py).

The page cache is on in these tests (`page_cache`); invalidation runs after commit, so changes
are made inside `django_capture_on_commit_callbacks(execute=True)`.
"""

from decimal import Decimal

import pytest
from wagtail.models import Page

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.cache import CSRF_PLACEHOLDER
from commerce.cart import cart_for_user, cart_line_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper_client(client):
    client.force_login(UserFactory(email="ada@example.com", first_name="Ada"))
    return client


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert "X-Page-Cache" not in response  # never the anonymous copy
    return response.content.decode()


def _form_token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_a_shopper_sees_a_published_price_change_on_the_next_request(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    assert "12.50" in _html(shopper_client, catalog.mug.url)
    assert "12.50" in _html(shopper_client, catalog.category.url)
    mug = catalog.mug
    mug.price = Decimal("9.99")
    with django_capture_on_commit_callbacks(execute=True):
        mug.save_revision().publish()

    product, category = _html(shopper_client, mug.url), _html(shopper_client, catalog.category.url)
    assert "9.99" in product and "12.50" not in product
    assert "9.99" in category and "12.50" not in category


def test_a_shopper_sees_a_stock_change_on_the_next_request(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    assert "Only 3 left" in _html(shopper_client, catalog.lamp.url)
    assert "Sold out" not in _html(shopper_client, catalog.other_category.url)
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=catalog.lamp.variants.get().pk, quantity=0)

    product = _html(shopper_client, catalog.lamp.url)
    assert "Sold out" in product and "Only 3 left" not in product
    assert "Sold out" in _html(shopper_client, catalog.other_category.url)


def test_a_reservation_by_checkout_shows_on_the_next_request(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    assert "Only 3 left" in _html(shopper_client, catalog.lamp.url)
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_reserve(quantities={catalog.lamp.variants.get().pk: 2})

    assert "Only 1 left" in _html(shopper_client, catalog.lamp.url)


def test_the_cart_count_is_the_shopper_s_own_and_current(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    cart = cart_for_user(user=_user(shopper_client.session["_auth_user_id"]))
    assert '<span class="cart-count" data-cart-count>0</span>' in _html(
        shopper_client, catalog.mug.url
    )
    cart_line_add(cart=cart, variant_id=catalog.mug.variants.get().pk, quantity=2)

    assert '<span class="cart-count" data-cart-count>2</span>' in _html(
        shopper_client, catalog.mug.url
    )
    other = type(shopper_client)()
    other.force_login(UserFactory(email="bo@example.com", first_name="Bo", last_name="Brown"))
    html = _html(other, catalog.mug.url)
    assert '<span class="cart-count" data-cart-count>0</span>' in html
    assert "Bo" in html and "Ada" not in html


def _user(pk):
    from accounts.models import User

    return User.objects.get(pk=pk)


def test_the_shared_fragment_holds_no_csrf_token_and_each_shopper_gets_their_own(
    page_cache, catalog, shopper_client
):
    first = _html(shopper_client, catalog.mug.url)
    other = type(shopper_client)(enforce_csrf_checks=True)
    other.force_login(UserFactory(email="bo@example.com"))
    second = _html(other, catalog.mug.url)

    assert CSRF_PLACEHOLDER not in first and CSRF_PLACEHOLDER not in second
    assert _form_token(first) != _form_token(second)
    added = other.post(
        "/cart/add/",
        {
            "variant": catalog.mug.variants.get().pk,
            "quantity": 1,
            "csrfmiddlewaretoken": _form_token(second),
        },
    )
    assert added.status_code == 302


def test_a_repeated_personal_request_renders_only_the_personal_part(
    page_cache, catalog, shopper_client, django_assert_max_num_queries
):
    _html(shopper_client, catalog.mug.url)
    _html(shopper_client, catalog.category.url)
    # User, the page by its cached route, view restrictions, shop settings,
    # the cart count, and the admin userbar's permission check.
    with django_assert_max_num_queries(PRODUCT_PAGE_QUERIES):
        _html(shopper_client, catalog.mug.url)
    with django_assert_max_num_queries(CATEGORY_PAGE_QUERIES):
        _html(shopper_client, catalog.category.url)


PRODUCT_PAGE_QUERIES = 11
CATEGORY_PAGE_QUERIES = 11


def test_a_cached_route_follows_unpublish_move_and_rename(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    url = catalog.plate.url
    _html(shopper_client, url)
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=catalog.plate.pk).move(catalog.lamp.get_parent(), pos="last-child")
    moved = Page.objects.get(pk=catalog.plate.pk)
    assert shopper_client.get(url).status_code == 301  # Wagtail's redirect, not the old route
    assert "Plate" in _html(shopper_client, moved.url)

    mug_url = catalog.mug.url
    _html(shopper_client, mug_url)
    with django_capture_on_commit_callbacks(execute=True):
        catalog.mug.unpublish()
    assert shopper_client.get(mug_url).status_code == 404


def test_a_stale_route_entry_is_never_served(page_cache, catalog, shopper_client):
    """Even when the signals did not reach the cache (a change made with an update query), the
    remembered route is checked against the page row before it is used."""
    url = catalog.mug.url
    _html(shopper_client, url)
    Page.objects.filter(pk=catalog.mug.pk).update(live=False)

    assert shopper_client.get(url).status_code == 404


def test_saving_or_deleting_a_site_forgets_remembered_sites_and_routes(page_cache, catalog):
    from wagtail.models import Site

    from home.routing import routes_version

    before = routes_version()
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Renamed"
    site.save()
    after_save = routes_version()
    Site.objects.create(hostname="other.example.com", root_page=site.root_page).delete()

    assert len({before, after_save, routes_version()}) == 3


@pytest.mark.search
def test_search_results_show_a_price_and_stock_change_on_the_next_request(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    html = _html(shopper_client, "/search/?q=lamp")
    assert "40.00" in html and "Sold out" not in html
    lamp = catalog.lamp
    lamp.price = Decimal("35.00")
    with django_capture_on_commit_callbacks(execute=True):
        lamp.save_revision().publish()
    html = _html(shopper_client, "/search/?q=lamp")
    assert "35.00" in html and "40.00" not in html

    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=lamp.variants.get().pk, quantity=0)
    assert "Sold out" in _html(shopper_client, "/search/?q=lamp")


@pytest.mark.search
def test_search_results_drop_an_unpublished_product_on_the_next_request(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    assert "Desk Lamp" in _html(shopper_client, "/search/?q=lamp")
    with django_capture_on_commit_callbacks(execute=True):
        catalog.lamp.unpublish()

    html = _html(shopper_client, "/search/?q=lamp")
    assert "Desk Lamp" not in html and "0 products" in html
