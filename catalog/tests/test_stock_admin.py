"""The admin stock screen at /admin/stock/: lists variants, sets and adjusts through
catalog.inventory, and refuses (changing nothing) what the user may not touch."""

import pytest

from accounts.tests.factories import UserFactory
from catalog import selectors
from catalog.models import ProductVariant, Stock
from catalog.permissions import stock_vendor_scope
from catalog.tests.factories import make_product
from vendors.services import vendor_onboard

pytestmark = pytest.mark.django_db

# The Wagtail admin answers PermissionDenied with a redirect to the dashboard and a message.
REFUSED = (302, "/admin/")


@pytest.fixture
def two_vendors(site_tree):
    alice = UserFactory(email="alice@example.com")
    bob = UserFactory(email="bob@example.com")
    acme = vendor_onboard(
        name="Acme", contact_email="acme@example.com", owner=alice, is_trusted=True
    )
    bolt = vendor_onboard(name="Bolt", contact_email="bolt@example.com", owner=bob, is_trusted=True)
    jacket = make_product(
        vendor=acme,
        title="Rain Jacket",
        variants=[{"sku": "RJ-S", "options": {"size": "S"}}],
        stock=4,
    )
    mug = make_product(
        vendor=bolt, title="Enamel Mug", variants=[{"sku": "MUG-1", "options": {}}], stock=9
    )
    return type(
        "TwoVendors",
        (),
        {
            "alice": alice,
            "bob": bob,
            "acme": acme,
            "bolt": bolt,
            "jacket_variant": ProductVariant.objects.get(page=jacket),
            "mug_variant": ProductVariant.objects.get(page=mug),
        },
    )


@pytest.fixture
def admin_client(client, site_tree):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def test_stock_rows_selector_scopes_by_vendor_and_annotates_quantity(two_vendors):
    everything = selectors.stock_rows()
    only_acme = selectors.stock_rows(restrict_to_vendor_ids=[two_vendors.acme.pk])

    assert [(v.sku, v.quantity) for v in everything] == [("MUG-1", 9), ("RJ-S", 4)]
    assert [(v.sku, v.quantity) for v in only_acme] == [("RJ-S", 4)]
    assert list(selectors.stock_rows(restrict_to_vendor_ids=[])) == []
    assert [v.sku for v in selectors.stock_rows(query="rain")] == ["RJ-S"]
    assert [v.sku for v in selectors.stock_rows(availability="low_stock")] == ["RJ-S"]


def test_admin_lists_every_variant_with_quantity_and_availability(admin_client, two_vendors):
    response = admin_client.get("/admin/stock/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "RJ-S" in html and "MUG-1" in html
    assert "<strong>4</strong>" in html and "<strong>9</strong>" in html
    assert "Low stock" in html and "In stock" in html


def test_admin_sets_stock(admin_client, two_vendors):
    variant = two_vendors.jacket_variant

    response = admin_client.post(
        f"/admin/stock/{variant.pk}/set/", {"quantity": "25", "next": "/admin/stock/?q=rain"}
    )

    assert response.status_code == 302 and response["Location"] == "/admin/stock/?q=rain"
    assert Stock.objects.get(variant=variant).quantity == 25


def test_admin_adjusts_stock_and_refuses_going_below_zero(admin_client, two_vendors):
    variant = two_vendors.jacket_variant

    admin_client.post(f"/admin/stock/{variant.pk}/adjust/", {"delta": "-3"})
    assert Stock.objects.get(variant=variant).quantity == 1

    response = admin_client.post(f"/admin/stock/{variant.pk}/adjust/", {"delta": "-2"}, follow=True)
    assert "Cannot remove 2: only 1 in stock." in response.content.decode()
    assert Stock.objects.get(variant=variant).quantity == 1


def test_admin_refuses_bad_values_with_a_message(admin_client, two_vendors):
    variant = two_vendors.jacket_variant

    response = admin_client.post(f"/admin/stock/{variant.pk}/set/", {"quantity": "-5"}, follow=True)

    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    assert Stock.objects.get(variant=variant).quantity == 4


def test_open_redirect_through_next_is_refused(admin_client, two_vendors):
    variant = two_vendors.jacket_variant
    response = admin_client.post(
        f"/admin/stock/{variant.pk}/set/", {"quantity": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/admin/stock/"


def test_a_vendor_sees_and_changes_only_its_own_stock(client, two_vendors):
    client.force_login(two_vendors.alice)

    html = client.get("/admin/stock/").content.decode()
    assert "RJ-S" in html and "MUG-1" not in html

    client.post(f"/admin/stock/{two_vendors.jacket_variant.pk}/set/", {"quantity": "7"})
    assert Stock.objects.get(variant=two_vendors.jacket_variant).quantity == 7

    response = client.post(f"/admin/stock/{two_vendors.mug_variant.pk}/set/", {"quantity": "0"})
    assert (response.status_code, response["Location"]) == REFUSED
    response = client.post(f"/admin/stock/{two_vendors.mug_variant.pk}/adjust/", {"delta": "-9"})
    assert (response.status_code, response["Location"]) == REFUSED
    assert Stock.objects.get(variant=two_vendors.mug_variant).quantity == 9


def test_a_user_without_any_vendor_gets_no_stock_screen(client, two_vendors):
    from django.contrib.auth.models import Permission

    outsider = UserFactory(email="outsider@example.com")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)

    assert stock_vendor_scope(outsider) == []
    response = client.get("/admin/stock/")
    assert (response.status_code, response["Location"]) == REFUSED
    response = client.post(f"/admin/stock/{two_vendors.mug_variant.pk}/set/", {"quantity": "0"})
    assert (response.status_code, response["Location"]) == REFUSED
    assert Stock.objects.get(variant=two_vendors.mug_variant).quantity == 9
