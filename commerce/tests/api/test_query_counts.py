"""Queries of the shopper API calls the load benchmark measures (bench/load.py), pinned
exactly: a change in either direction is seen and explained here."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from commerce.tests.conftest import ADDRESS

CART_READ_QUERIES = 2
CART_ADD_QUERIES = 9
CHECKOUT_QUERIES = 12


def _count(call):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return response, len(queries)


def test_cart_read_with_a_jwt(shopper_api, shop):
    for name in ("mug", "lamp"):
        shopper_api.post("/api/v1/cart/lines/", {"variant": shop.variants[name].pk}, format="json")
    shopper_api.get("/api/v1/cart/")  # the shop settings row is made on first use

    # user, then the cart with its lines' ids, variants, quantities and products (one
    # statement): the answer is the one remembered for those lines, current while the catalog's
    # content token and the products' stock tokens are (`cart_read_response`).
    response, queries = _count(lambda: shopper_api.get("/api/v1/cart/"))
    assert response.status_code == 200
    assert len(response.json()["lines"]) == 2
    assert queries == CART_READ_QUERIES

    # Priced again once a product in it changed: user, the cart with its line keys, and the
    # lines joined to variants, products, vendors and stock (liveness and view restrictions
    # included); the sites and the shop settings come from the cache.
    from django.core.cache import cache

    from catalog.cache import product_stock_version_key

    cache.delete(product_stock_version_key(shop.mug.pk))
    response, queries = _count(lambda: shopper_api.get("/api/v1/cart/"))
    assert response.status_code == 200
    assert queries == CART_READ_QUERIES + 1


def _cart_add_and_checkout(api, variant, key: str):
    added = api.post("/api/v1/cart/lines/", {"variant": variant.pk}, format="json")
    placed = api.post(
        "/api/v1/checkout/", {"shipping_address": ADDRESS}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    return added, placed


def test_cart_add_and_checkout(shopper_api, shop):
    # Cart add: user, cart, the variant with its product, vendor, stock and view restriction,
    # the cart lock taken by the update of the cart's timestamp (one statement for both), the
    # variant's line, its insert (between a savepoint and its release here, inside the test's
    # transaction), then the cart read as above.
    # Checkout: user, cart, savepoint, the cart lock, an earlier order with the key, the lines
    # joined as above, the order, its lines in one insert, its status history, the cart's lines
    # deleted, one conditional stock update per variant (last, so the stock rows are locked
    # only until the commit), release. The answer is the order as written: it is not read back
    # with its lines and history (three queries fewer than reading it back).
    # One checkout first, so that what a process remembers once (content types, settings, the
    # site) is remembered whichever tests ran before: the counts are those of any later checkout.
    warm_up = _cart_add_and_checkout(shopper_api, shop.variants["lamp"], "warm-up")
    assert [response.status_code for response in warm_up] == [201, 201]
    response, add_queries = _count(
        lambda: shopper_api.post(
            "/api/v1/cart/lines/", {"variant": shop.variants["mug"].pk}, format="json"
        )
    )
    assert response.status_code == 201
    response, checkout_queries = _count(
        lambda: shopper_api.post(
            "/api/v1/checkout/",
            {"shipping_address": ADDRESS},
            format="json",
            HTTP_IDEMPOTENCY_KEY="count-1",
        )
    )
    assert response.status_code == 201
    assert (add_queries, checkout_queries) == (CART_ADD_QUERIES, CHECKOUT_QUERIES)
