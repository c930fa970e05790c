from decimal import Decimal

import pytest

from catalog.models import ProductPage, Stock
from catalog.tests.factories import make_category, make_product
from vendors.tests.factories import make_vendor

pytestmark = pytest.mark.django_db


def test_make_product_builds_a_live_product_with_vendor_variants_and_stock(site_tree):
    vendor = make_vendor(name="Acme Outfitters")
    category = make_category(title="Jackets")

    product = make_product(
        vendor=vendor,
        title="Rain Jacket",
        price="79.90",
        categories=[category],
        variants=[
            {"sku": "RJ-S", "options": {"size": "S"}},
            {"sku": "RJ-M", "options": {"size": "M"}},
        ],
        stock=[3, 0],
    )

    product = ProductPage.objects.get(pk=product.pk)
    assert product.live
    assert product.vendor == vendor
    assert product.price == Decimal("79.90")
    assert list(product.categories.all()) == [category]
    assert dict(
        Stock.objects.filter(variant__page=product).values_list("variant__sku", "quantity")
    ) == {
        "RJ-S": 3,
        "RJ-M": 0,
    }
