from wagtail import hooks

from catalog.cache import PAGES_SHOWING_CATEGORIES_HOOK, PAGES_SHOWING_PRODUCTS_HOOK
from home.models import HomePage


@hooks.register(PAGES_SHOWING_PRODUCTS_HOOK)
def home_pages_featuring(product_ids: set[int]) -> list[HomePage]:
    """Live home pages that feature any of these products: the page cache drops them too."""
    return [
        home for home in HomePage.objects.live() if product_ids & set(home.featured_product_ids())
    ]


@hooks.register(PAGES_SHOWING_CATEGORIES_HOOK)
def home_pages_featuring_categories(category_ids: set[int]) -> list[HomePage]:
    """Live home pages that feature any of these categories: the page cache drops them too."""
    return [
        home for home in HomePage.objects.live() if category_ids & set(home.featured_category_ids())
    ]
