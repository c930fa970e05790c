"""The catalog tests' shop: two vendors, a category tree, a draft and a private product."""

from catalog.tests.conftest import categories, shop, vendor  # noqa: F401
