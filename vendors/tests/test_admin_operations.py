"""Vendor operations in the Wagtail admin: orders, shipping, totals, low stock, the catalog's
stock screen, the dashboard panel, and the editors' vendor management screens."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog.models import ProductPage, Stock
from commerce.models import Order, OrderLine
from conftest import shared_layer
from vendors.models import Vendor
from vendors.services import vendor_group_permissions
from vendors.tests.conftest import vendor_order_read, vendor_order_rows


@shared_layer(after=("vendor_pair_rows",))
def vendor_admin_shop_rows(rows) -> dict:
    return vendor_order_rows(rows["vendor_pair_rows"], stock_a=2, stock_b=1)


@pytest.fixture
def shop(vendor_a, vendor_b, owner_a, client, vendor_admin_shop_rows):
    """Alpha Mug (stock 2) of vendor A, Beta Bowl (stock 1) of vendor B, a shopper's order of
    2 mugs and a bowl; `client` is logged in as A's owner."""
    client.force_login(owner_a)
    return vendor_order_read(vendor_admin_shop_rows, client)


def _line_state(line):
    line = OrderLine.objects.get(pk=line.pk)
    return (line.shipped_at, line.carrier, line.tracking_number)


def test_orders_view_lists_only_own_lines(shop):
    response = shop.client.get(reverse("vendor_orders:index"))

    assert response.status_code == 200
    lines = list(response.context["lines"])
    assert [line.pk for line in lines] == [shop.line_a.pk]
    html = response.content.decode()
    assert shop.order.number in html
    assert "Sam Shopper" in html
    assert "Alpha Mug" in html
    assert "Beta Bowl" not in html


def test_marking_another_vendors_line_shipped_is_refused(shop):
    before = (_line_state(shop.line_a), _line_state(shop.line_b))

    shop.client.post(
        reverse("vendor_orders:ship"),
        {"line_ids": [shop.line_b.pk], "carrier": "DHL", "tracking_number": "X"},
    )
    shop.client.post(
        reverse("vendor_orders:ship"),
        {"line_ids": [shop.line_a.pk, shop.line_b.pk], "carrier": "DHL", "tracking_number": "X"},
    )

    assert (_line_state(shop.line_a), _line_state(shop.line_b)) == before


def test_marking_own_line_shipped(shop):
    response = shop.client.post(
        reverse("vendor_orders:ship"),
        {"line_ids": [shop.line_a.pk], "carrier": "DHL", "tracking_number": "X1"},
    )

    assert response.status_code == 302
    shipped_at, carrier, tracking = _line_state(shop.line_a)
    assert shipped_at is not None
    assert (carrier, tracking) == ("DHL", "X1")
    assert _line_state(shop.line_b) == (None, "", "")
    assert Order.objects.get(pk=shop.order.pk).status == "paid"


def test_sales_totals_per_period_are_own_sales(shop):
    for period in ("day", "week", "month"):
        response = shop.client.get(reverse("vendor_orders:sales_totals"), {"period": period})

        [row] = response.context["totals"]
        assert (row.orders, row.items, row.revenue) == (1, 2, Decimal("24.00"))


def test_low_stock_lists_own_variants_only(shop, settings):
    settings.LOW_STOCK_THRESHOLD = 3

    response = shop.client.get(reverse("vendors_cms:low_stock"))

    assert [variant.page_id for variant in response.context["variants"]] == [shop.product_a.pk]


def test_dashboard_panel_shows_own_today_figures(shop, editor):
    response = shop.client.get(reverse("wagtailadmin_home"))
    html = response.content.decode()

    assert 'data-vendor-today="orders">1<' in html
    assert 'data-vendor-today="revenue">24.00<' in html

    shop.client.force_login(editor)
    html = shop.client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'data-vendor-today="revenue">44.00<' in html


def test_catalog_stock_screen_is_scoped_and_refuses_other_vendors_stock(shop):
    variant_b = shop.product_b.variants.get()

    listing = shop.client.get(reverse("catalog_stock:list"))
    shop.client.post(reverse("catalog_stock:set", args=[variant_b.pk]), {"quantity": 99})
    shop.client.post(reverse("catalog_stock:adjust", args=[variant_b.pk]), {"delta": -1})

    html = listing.content.decode()
    assert "Alpha Mug" in html
    assert "Beta Bowl" not in html
    assert Stock.objects.get(variant=variant_b).quantity == 1


def test_suspended_member_cannot_change_stock_in_the_stock_screen(shop, vendor_a, editor):
    variant_a = shop.product_a.variants.get()
    editor_client = Client()
    editor_client.force_login(editor)
    editor_client.post(reverse("vendors_cms:vendor_suspend", args=[vendor_a.pk]))

    shop.client.post(reverse("catalog_stock:set", args=[variant_a.pk]), {"quantity": 50})

    assert Stock.objects.get(variant=variant_a).quantity == 2


def test_vendor_screens_refuse_non_members(site_tree, client):
    from django.contrib.auth.models import Permission

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    assert client.get(reverse("vendor_orders:index")).status_code in (302, 403)
    assert client.get(reverse("vendors_cms:vendor_index")).status_code in (302, 403)


def test_member_cannot_use_editor_screens(shop, vendor_b):
    before = vendor_group_permissions(group=vendor_b.group)

    shop.client.post(reverse("vendors_cms:vendor_suspend", args=[vendor_b.pk]))

    assert Vendor.objects.get(pk=vendor_b.pk).status == "active"
    assert vendor_group_permissions(group=vendor_b.group) == before
    assert shop.client.get(reverse("vendors_cms:vendor_create")).status_code in (302, 403)


def test_editor_creates_vendor_through_the_form(site_tree, editor, client):
    owner = UserFactory(email="new-owner@example.com")
    client.force_login(editor)

    response = client.post(
        reverse("vendors_cms:vendor_create"),
        {
            "name": "Gamma Things",
            "contact_email": "gamma@example.com",
            "owner_email": "NEW-owner@example.com",
            "commission_rate": "8.00",
            "shipping_flat_rate": "3.50",
        },
    )

    assert response.status_code == 302
    vendor = Vendor.objects.get(name="Gamma Things")
    assert vendor.memberships.get().user == owner
    assert (vendor.commission_rate, vendor.shipping_flat_rate, vendor.is_trusted) == (
        Decimal("8.00"),
        Decimal("3.50"),
        False,
    )

    duplicate = client.post(
        reverse("vendors_cms:vendor_create"),
        {
            "name": "gamma things",
            "contact_email": "x@example.com",
            "owner_email": "new-owner@example.com",
            "commission_rate": "8.00",
            "shipping_flat_rate": "0",
        },
    )
    assert duplicate.status_code == 200
    assert "already exists" in duplicate.content.decode()
    assert Vendor.objects.count() == 1


def test_editor_suspends_and_reactivates_through_the_admin(shop, vendor_a, editor, owner_a):
    before = vendor_group_permissions(group=vendor_a.group)
    editor_client = Client()
    editor_client.force_login(editor)

    editor_client.post(reverse("vendors_cms:vendor_suspend", args=[vendor_a.pk]))

    # Suspended: storefront says so, products stay published, the member cannot edit.
    storefront_html = Client().get(vendor_a.storefront.url).content.decode()
    assert "currently unavailable" in storefront_html
    assert ProductPage.objects.get(pk=shop.product_a.pk).live is True
    edit = shop.client.get(reverse("wagtailadmin_pages:edit", args=[shop.product_a.pk]))
    assert edit.status_code == 302
    # Still in the admin (to ship orders already paid), without anything to edit.
    assert shop.client.get(reverse("wagtailadmin_home")).status_code == 200
    assert shop.client.get(reverse("vendor_orders:index")).status_code == 200
    assert shop.client.get(reverse("wagtailadmin_explore_root")).status_code in (200, 302)
    assert shop.client.get(reverse("wagtailadmin_pages:search"), {"q": "Mug"}).status_code in (
        200,
        302,
    )

    editor_client.post(reverse("vendors_cms:vendor_reactivate", args=[vendor_a.pk]))

    assert Vendor.objects.get(pk=vendor_a.pk).status == "active"
    assert vendor_group_permissions(group=vendor_a.group) == before
    assert "currently unavailable" not in Client().get(vendor_a.storefront.url).content.decode()
    fresh = Client()
    fresh.force_login(owner_a)
    assert (
        fresh.get(reverse("wagtailadmin_pages:edit", args=[shop.product_a.pk])).status_code == 200
    )


@pytest.mark.parametrize(
    "name",
    [
        "vendor_orders:index",
        "vendor_orders:sales_totals",
        "vendors_cms:low_stock",
        "vendors_cms:vendor_index",
        "vendors_cms:vendor_create",
        "vendor_applications:index",
    ],
)
def test_editor_screens_render(shop, editor, name):
    shop.client.force_login(editor)

    response = shop.client.get(reverse(name))

    assert response.status_code == 200


def test_editor_orders_view_lists_every_vendors_lines(shop, editor):
    shop.client.force_login(editor)

    response = shop.client.get(reverse("vendor_orders:index"), {"status": "to_ship"})

    assert {line.pk for line in response.context["lines"]} == {shop.line_a.pk, shop.line_b.pk}
