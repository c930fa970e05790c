"""Pages of shoppers with a session or a login: the page is shared but for their own parts
(catalog.shared_pages: their account links and cart count, their messages), the shared part of
product and category pages with filters comes from a cached fragment
(catalog.cache.shared_fragment), and nothing stale is ever shown; pages are found by a cached
route (home/routing.py).

The page cache is on in these tests (`page_cache`); invalidation runs after commit, so changes
are made inside `django_capture_on_commit_callbacks(execute=True)`.
"""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page, PageViewRestriction

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.cache import CSRF_PLACEHOLDER
from commerce.cart import cart_for_user, cart_line_add
from commerce.context_processors import SESSION_CART_TOKEN
from commerce.models import Cart
from nexus.site_tree import editors_group_ensure

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
    # User, the shared page's row (still live, at that path and revision) and the cart count.
    with django_assert_max_num_queries(PRODUCT_PAGE_QUERIES):
        _html(shopper_client, catalog.mug.url)
    with django_assert_max_num_queries(CATEGORY_PAGE_QUERIES):
        _html(shopper_client, catalog.category.url)


PRODUCT_PAGE_QUERIES = 3
CATEGORY_PAGE_QUERIES = 3


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


def _other_shopper_client(client_class, **names):
    other = client_class()
    other.force_login(UserFactory(email="bo@example.com", **names))
    return other


def test_a_shared_page_carries_nothing_of_the_shopper_who_rendered_it(
    page_cache, catalog, shopper_client, django_assert_num_queries
):
    """Ada renders the page with three items in her cart and a message; Bo is then served the
    same shared page (no page is rendered for him: three queries) with his own name, his empty
    cart, no message and his own CSRF token, and nothing else differs."""
    ada_user = _user(shopper_client.session["_auth_user_id"])
    cart_line_add(
        cart=cart_for_user(user=ada_user), variant_id=catalog.lamp.variants.get().pk, quantity=2
    )
    added = shopper_client.post(
        "/cart/add/", {"variant": catalog.mug.variants.get().pk, "quantity": 1}
    )
    assert added.status_code == 302
    ada = _html(shopper_client, catalog.mug.url)
    assert "Added to your cart." in ada and "Ada" in ada
    assert '<span class="cart-count" data-cart-count>3</span>' in ada

    bo_client = _other_shopper_client(type(shopper_client), first_name="Bo", last_name="Brown")
    _html(bo_client, catalog.category.url)  # whether Bo may use the admin is now remembered
    with django_assert_num_queries(PRODUCT_PAGE_QUERIES):
        bo = _html(bo_client, catalog.mug.url)

    assert "Bo Brown" in bo and "Ada" not in bo and "Added to your cart." not in bo
    assert '<span class="cart-count" data-cart-count>0</span>' in bo
    assert CSRF_PLACEHOLDER not in bo and _form_token(bo) != _form_token(ada)
    message = '<ul><li class="message message--success">Added to your cart.</li></ul>'
    assert _personal_parts_blanked(bo, "Bo Brown", 0) == _personal_parts_blanked(
        ada.replace(message, ""), ada_user.display_name, 3
    )


def _personal_parts_blanked(html: str, name: str, count: int) -> str:
    return (
        html.replace(_form_token(html), "TOKEN")
        .replace(f">{name}</a>", ">NAME</a>")
        .replace(f"data-cart-count>{count}<", "data-cart-count>COUNT<")
    )


def test_a_message_is_shown_once_to_its_shopper_only(page_cache, catalog, shopper_client):
    _html(shopper_client, catalog.mug.url)  # the shared page, before any message
    shopper_client.post("/cart/add/", {"variant": catalog.mug.variants.get().pk, "quantity": 1})

    assert "Added to your cart." in _html(shopper_client, catalog.mug.url)
    assert "Added to your cart." not in _html(shopper_client, catalog.mug.url)
    other = _other_shopper_client(type(shopper_client))
    assert "Added to your cart." not in _html(other, catalog.mug.url)


def test_an_editor_gets_the_userbar_and_a_shopper_never_does(page_cache, catalog, shopper_client):
    userbar = "<wagtail-userbar"
    assert userbar not in _html(shopper_client, catalog.mug.url)
    editor = _other_shopper_client(type(shopper_client))
    _user(editor.session["_auth_user_id"]).groups.add(editors_group_ensure())

    assert userbar in _html(editor, catalog.mug.url)
    assert userbar not in _html(shopper_client, catalog.mug.url)


def test_a_shopper_made_an_editor_gets_the_userbar_on_the_very_next_shared_page(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    # Whether the visitor may use the admin is read with the shared page, in one round trip.
    userbar = "<wagtail-userbar"
    user = _user(shopper_client.session["_auth_user_id"])
    for _ in range(2):
        assert userbar not in _html(shopper_client, catalog.mug.url)
    with django_capture_on_commit_callbacks(execute=True):
        user.groups.add(editors_group_ensure())

    assert userbar in _html(shopper_client, catalog.mug.url)
    with django_capture_on_commit_callbacks(execute=True):
        user.groups.clear()
    assert userbar not in _html(shopper_client, catalog.mug.url)


def test_a_visitor_with_a_session_cart_gets_the_logged_out_page_with_their_count(
    page_cache, catalog, shopper_client
):
    assert 'class="wishlist-add" action=' in _html(shopper_client, catalog.mug.url)
    cart = Cart.objects.create()
    cart_line_add(cart=cart, variant_id=catalog.lamp.variants.get().pk, quantity=2)
    visitor = type(shopper_client)()
    session = visitor.session
    session[SESSION_CART_TOKEN] = str(cart.token)
    session.save()
    visitor.cookies["sessionid"] = session.session_key

    html = _html(visitor, catalog.mug.url)

    assert "to save this product to your wishlist" in html
    assert 'class="wishlist-add" action=' not in html and "Ada" not in html
    assert '<span class="cart-count" data-cart-count>2</span>' in html


def test_a_restriction_added_above_a_shared_page_applies_on_the_next_request(
    page_cache, catalog, shopper_client, django_capture_on_commit_callbacks
):
    _html(shopper_client, catalog.category.url)
    _html(shopper_client, catalog.mug.url)
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=catalog.parent_category, restriction_type=PageViewRestriction.GROUPS
        )
        restriction.groups.add(Group.objects.create(name="Insiders"))

    response = shopper_client.get(catalog.category.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert "Blue Mug" in _html(shopper_client, catalog.mug.url)  # not below the category


def test_a_revision_made_live_without_signals_is_not_served_from_the_shared_page(
    page_cache, catalog, shopper_client
):
    """The shared page is served only while its page is live at the revision it was rendered
    from: even a change that reached no cache (an update query) shows on the next request."""
    assert "12.50" in _html(shopper_client, catalog.mug.url)
    mug = catalog.mug
    mug.price = Decimal("9.99")
    revision = mug.save_revision()
    type(mug).objects.filter(pk=mug.pk).update(price=Decimal("9.99"), live_revision=revision)

    html = _html(shopper_client, mug.url)
    assert "9.99" in html and "12.50" not in html
