import pytest
from wagtail.test.utils import WagtailPageTestCase

from catalog.models import CategoryPage, ProductPage, ShopIndexPage
from home.models import HomePage
from vendors.models import VendorPage

pytestmark = pytest.mark.django_db


class TestCatalogPageRules(WagtailPageTestCase):
    def test_shop_index_lives_under_the_home_page_and_holds_categories(self):
        self.assertAllowedParentPageTypes(ShopIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ShopIndexPage, {CategoryPage})

    def test_categories_nest_under_the_shop_index_or_another_category(self):
        self.assertAllowedParentPageTypes(CategoryPage, {ShopIndexPage, CategoryPage})
        self.assertAllowedSubpageTypes(CategoryPage, {CategoryPage})
        self.assertCanCreateAt(ShopIndexPage, CategoryPage)
        self.assertCanCreateAt(CategoryPage, CategoryPage)
        self.assertCanNotCreateAt(CategoryPage, ProductPage)

    def test_products_live_only_under_a_vendor_storefront_and_have_no_children(self):
        self.assertAllowedParentPageTypes(ProductPage, {VendorPage})
        self.assertAllowedSubpageTypes(ProductPage, set())
        self.assertCanCreateAt(VendorPage, ProductPage)
        self.assertCanNotCreateAt(ShopIndexPage, ProductPage)
        self.assertCanNotCreateAt(HomePage, ProductPage)
