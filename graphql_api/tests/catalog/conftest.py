"""The catalog tests' shop: two vendors, a category tree, a draft and a private product."""

from catalog.tests.conftest import (  # noqa: F401
    catalog_categories_rows,
    catalog_shop_rows,
    catalog_vendor_rows,
    categories,
    shop,
    vendor,
)
