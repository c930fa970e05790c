import pytest
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage

pytestmark = pytest.mark.django_db


def test_home_page_renders_editor_curated_blocks(client, site_tree):
    home = site_tree.home
    home.body = [
        (
            "hero",
            {
                "heading": "Independent makers, one basket",
                "text": "Shop 40 vendors.",
                "link_text": "Browse",
            },
        ),
        ("rich_text", "<p>Free returns on every order.</p>"),
    ]
    home.save_revision().publish()

    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Independent makers, one basket" in html
    assert "Shop 40 vendors." in html
    assert "Free returns on every order." in html
    assert 'role="search"' in html
    assert 'href="/cart/"' in html


def test_unknown_path_renders_the_sites_404_page(client, site_tree):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "site-header" in html


def test_unknown_api_path_is_json_404(client, site_tree):
    response = client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


class TestHomePageRules(WagtailPageTestCase):
    def test_home_page_can_be_created_under_the_root_only(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})

    def test_home_page_children_are_the_shop_and_vendor_indexes(self):
        from catalog.models import ShopIndexPage
        from vendors.models import VendorIndexPage

        self.assertAllowedSubpageTypes(HomePage, {ShopIndexPage, VendorIndexPage})
