"""What every page asks and the cache now answers: view restrictions (nexus.page_restrictions),
whether the admin userbar shows (accounts.admin_access), the shop settings
(ShopSettings.for_site) and the default site (catalog.selectors.default_site). Each answer is remembered, and each is retired by the change that
would make it wrong: the next request sees the change."""

from decimal import Decimal

import pytest
from wagtail.models import PageViewRestriction, Site

from accounts.tests.factories import UserFactory
from catalog.models import ShopSettings
from catalog.selectors import shop_currency
from nexus.money import money_format
from nexus.site_tree import editors_group_ensure

pytestmark = pytest.mark.django_db

USERBAR = "<wagtail-userbar"


@pytest.fixture
def shopper(client):
    user = UserFactory(email="ada@example.com")
    client.force_login(user)
    return user


def _get(client, url):
    response = client.get(url)
    assert response.status_code in (200, 302), url
    return response


def test_a_restriction_added_to_a_served_page_applies_on_the_next_request(
    catalog, client, django_capture_on_commit_callbacks
):
    assert _get(client, catalog.mug.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=catalog.mug, restriction_type=PageViewRestriction.LOGIN
        )

    response = _get(client, catalog.mug.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_a_restriction_on_an_ancestor_applies_to_the_pages_below_it(
    catalog, client, django_capture_on_commit_callbacks
):
    assert _get(client, catalog.category.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=catalog.parent_category, restriction_type=PageViewRestriction.LOGIN
        )

    assert _get(client, catalog.category.url).status_code == 302


def test_a_page_moved_under_a_restricted_page_is_restricted(
    catalog, client, django_capture_on_commit_callbacks
):
    PageViewRestriction.objects.create(
        page=catalog.parent_category, restriction_type=PageViewRestriction.LOGIN
    )
    assert _get(client, catalog.other_category.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        catalog.other_category.move(catalog.parent_category, pos="last-child")

    catalog.other_category.refresh_from_db()
    assert _get(client, catalog.other_category.url).status_code == 302


def test_a_removed_restriction_stops_applying(catalog, client, django_capture_on_commit_callbacks):
    restriction = PageViewRestriction.objects.create(
        page=catalog.mug, restriction_type=PageViewRestriction.LOGIN
    )
    assert _get(client, catalog.mug.url).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()

    assert _get(client, catalog.mug.url).status_code == 200


def test_a_shopper_gets_no_userbar_and_gets_it_once_made_an_editor(
    catalog, client, shopper, django_capture_on_commit_callbacks
):
    assert USERBAR not in _get(client, catalog.mug.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        shopper.groups.add(editors_group_ensure())

    assert USERBAR in _get(client, catalog.mug.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        shopper.groups.clear()
    assert USERBAR not in _get(client, catalog.mug.url).content.decode()


def test_a_group_losing_admin_access_hides_the_userbar_of_its_members(
    catalog, client, shopper, django_capture_on_commit_callbacks
):
    editors = editors_group_ensure()
    shopper.groups.add(editors)
    assert USERBAR in _get(client, catalog.mug.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        editors.permissions.clear()

    assert USERBAR not in _get(client, catalog.mug.url).content.decode()


def test_a_superuser_made_from_a_shopper_gets_the_userbar(
    catalog, client, shopper, django_capture_on_commit_callbacks
):
    assert USERBAR not in _get(client, catalog.mug.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        shopper.is_superuser = True
        shopper.save()

    assert USERBAR in _get(client, catalog.mug.url).content.decode()


def test_a_renamed_shop_shows_its_new_name_on_the_next_request(
    catalog, client, shopper, django_capture_on_commit_callbacks
):
    settings_row = ShopSettings.for_site(catalog.home.get_site())
    assert "· Nexus</title>" in _get(client, catalog.mug.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.shop_name = "Corner Store"
        settings_row.save()

    assert "· Corner Store</title>" in _get(client, catalog.mug.url).content.decode()


def test_a_page_made_private_is_no_longer_served_from_the_anonymous_cache(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    _get(client, catalog.category.url)
    assert _get(client, catalog.category.url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=catalog.parent_category, restriction_type=PageViewRestriction.LOGIN
        )

    response = _get(client, catalog.category.url)
    assert response.status_code == 302
    assert "X-Page-Cache" not in response


def test_a_shop_settings_change_shows_on_the_next_anonymous_request_to_cached_pages(
    page_cache, catalog, client, django_capture_on_commit_callbacks
):
    settings_row = ShopSettings.for_site(catalog.home.get_site())
    for page in (catalog.mug, catalog.category):
        _get(client, page.url)
        cached = _get(client, page.url)
        assert cached["X-Page-Cache"] == "hit"
        assert "· Nexus</title>" in cached.content.decode()
        assert money_format(Decimal("12.50"), "EUR") in cached.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        settings_row.shop_name = "Corner Store"
        settings_row.currency_code = "USD"
        settings_row.save()

    for page in (catalog.mug, catalog.category):
        response = _get(client, page.url)
        assert response["X-Page-Cache"] == "miss"
        assert "· Corner Store</title>" in response.content.decode()
        assert money_format(Decimal("12.50"), "USD") in response.content.decode()
        assert money_format(Decimal("12.50"), "EUR") not in response.content.decode()
    assert _get(client, catalog.mug.url)["X-Page-Cache"] == "hit"


def test_a_new_default_site_s_shop_settings_are_used_from_the_next_call(
    catalog, django_capture_on_commit_callbacks
):
    assert shop_currency() == "EUR"
    other = Site.objects.create(hostname="other.example.com", root_page=catalog.home)
    ShopSettings.objects.create(site=other, currency_code="GBP")
    assert shop_currency() == "EUR"
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.exclude(pk=other.pk).update(is_default_site=False)
        other.is_default_site = True
        other.save()

    assert shop_currency() == "GBP"
