"""How the admin looks to vendors and editors: titles, headings, the filter form, and no calls
out to the internet (Gravatar, Wagtail's release check)."""

import re

import pytest
from bs4 import BeautifulSoup
from django.conf import settings

from nexus.site_tree import site_tree_ensure

pytestmark = pytest.mark.django_db


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def test_the_admin_calls_no_gravatar_and_no_update_check(client, editor, vendor_a):
    assert settings.WAGTAIL_GRAVATAR_PROVIDER_URL is None
    assert settings.WAGTAIL_ENABLE_UPDATE_CHECK is False
    client.force_login(editor)

    html = client.get("/admin/").content.decode()

    assert "gravatar" not in html.lower()
    assert "w-upgrade" not in html


def test_vendor_dashboard_is_headed_by_the_shop_not_the_host_name(client, owner_a, vendor_a):
    site_tree_ensure()
    client.force_login(owner_a)

    response = client.get("/admin/")

    html = response.content.decode()
    assert response.status_code == 200
    heading = BeautifulSoup(html, "html.parser").select_one(".w-dashboard h1")
    assert heading.get_text(strip=True) == "Nexus"


def test_stock_screen_is_headed_stock(client, owner_a, vendor_a):
    client.force_login(owner_a)

    html = client.get("/admin/stock/").content.decode()

    assert _title(html).startswith("Stock")
    breadcrumbs = BeautifulSoup(html, "html.parser").select("nav[aria-label=Breadcrumb] li")
    visible = [item.get_text(strip=True) for item in breadcrumbs if not item.has_attr("hidden")]
    assert visible == ["Stock"]


def test_vendor_orders_filter_form_uses_the_admin_field_style(client, owner_a, vendor_a):
    client.force_login(owner_a)

    html = client.get("/admin/vendors/orders/").content.decode()

    form = re.search(
        r'<form method="get" class="vendor-filter admin-filters">(.*?)</form>', html, re.S
    )
    assert form is not None
    assert form.group(1).count('class="w-field__wrapper') == 3
    assert '<link rel="stylesheet" href="/static/css/admin.css">' in html
