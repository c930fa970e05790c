"""Queries of the pages the load benchmark measures (bench/load.py), pinned exactly for a
logged-in shopper (the requests the anonymous page cache never serves): a change in either
direction is seen and explained here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API_LIST = "/api/v2/pages/?type=catalog.ProductPage&limit=20&fields=*"


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture(autouse=True)
def listing_cache(settings):
    """Listing counts and the vendors with products on sale kept, as deployed."""
    settings.LISTING_CACHE_SECONDS = 3600


@pytest.fixture
def shopper_client(client):
    client.force_login(UserFactory(email="ada@example.com"))
    return client


def test_product_page_of_a_shopper(page_cache, catalog, shopper_client):
    first = _count(shopper_client, catalog.mug.url)
    # Again: the page is shared but for the shopper's own parts (catalog.shared_pages): user,
    # the shared page's row (still live, at that path and revision) and the cart count; whether
    # the admin userbar shows (accounts.admin_access) comes from the cache, and no page is
    # routed, loaded or rendered.
    again = _count(shopper_client, catalog.mug.url)
    assert (first, again) == (PRODUCT_FIRST, PRODUCT_AGAIN)


def test_category_page_of_a_shopper(page_cache, catalog, shopper_client):
    first = _count(shopper_client, catalog.parent_category.url)
    again = _count(shopper_client, catalog.parent_category.url)
    filtered = _count(shopper_client, catalog.parent_category.url + "?in_stock=on&page=1")
    assert (first, again, filtered) == (CATEGORY_FIRST, CATEGORY_AGAIN, CATEGORY_FILTERED)


@pytest.mark.search
def test_search_page(page_cache, catalog, shopper_client):
    # A first search, so that what a process remembers once (content types, the search backend)
    # is remembered whichever tests ran before: the counts are those of any later search.
    _count(shopper_client, "/search/?q=plate")
    # And a second: the first request makes the shop's settings row (Wagtail's `for_site`),
    # which retires the catalog's tokens once it commits (where a test commits, as the search
    # tests do on MariaDB), and with them the vendors with products on sale the first kept.
    _count(shopper_client, "/search/?q=bowl")
    new = _count(shopper_client, "/search/?q=mug")
    # Again: user and cart count; the page is shared but for the shopper's own parts.
    again = _count(shopper_client, "/search/?q=mug")
    assert (new, again) == (SEARCH_NEW, SEARCH_AGAIN)


def test_api_product_list(page_cache, catalog, shopper_client):
    anonymous = type(shopper_client)()
    anonymous_first = _count(anonymous, API_LIST)
    anonymous_cached = _count(anonymous, API_LIST)
    # None: the count and the page of product ids are kept per query (no page has a view
    # restriction), the site and each product's item come from the cache
    # (catalog.api.fragments).
    personal = _count(shopper_client, API_LIST)
    assert (anonymous_first, anonymous_cached, personal) == (API_FIRST, 0, API_PERSONAL)


PRODUCT_FIRST, PRODUCT_AGAIN = 23, 3
# A category page counts its products and reads one page of their ids (two queries where it
# read every id in one), and the vendors with products on sale are kept, then read by id (two
# queries the first time, one after, where one query read them): the count and the vendors'
# ids are kept under the catalog's tokens, so that pages of a large category neither count it
# nor search every vendor's products again (bench/scale.py).
CATEGORY_FIRST, CATEGORY_AGAIN, CATEGORY_FILTERED = 24, 3, 9
# A plain search (no filter, no view restriction) lists its results as the search found them,
# live products in relevance order, instead of reading them from the catalog again.
SEARCH_NEW, SEARCH_AGAIN = 13, 2
API_FIRST, API_PERSONAL = 12, 0
