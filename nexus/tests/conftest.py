"""Fixtures of the page cache and personal page tests."""

import pytest

from catalog.tests.factories import make_category, make_product
from vendors.tests.factories import make_vendor


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    return settings


@pytest.fixture
def catalog(site_tree):
    vendor = make_vendor(name="Alpha Goods")
    other_vendor = make_vendor(name="Beta Wares")
    parent_category = make_category(title="Kitchen")
    category = make_category(title="Mugs", parent=parent_category)
    other_category = make_category(title="Lamps")
    mug = make_product(
        vendor=vendor, title="Blue Mug", price="12.50", stock=10, categories=[category]
    )
    plate = make_product(vendor=vendor, title="Plate", price="8.00", stock=10)
    lamp = make_product(
        vendor=other_vendor, title="Desk Lamp", price="40.00", stock=3, categories=[other_category]
    )
    return type(
        "Catalog",
        (),
        {
            "home": site_tree.home,
            "vendor": vendor,
            "parent_category": parent_category,
            "category": category,
            "other_category": other_category,
            "mug": mug,
            "plate": plate,
            "lamp": lamp,
        },
    )
