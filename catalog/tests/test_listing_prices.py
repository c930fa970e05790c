"""The stored from price (`ProductListingPrice`) that every listing filters and orders by is
never stale: a published price, a variant's override, an archived variant and a reverted
revision are seen at once by the category page, the Wagtail API and GraphQL; stock moves are
seen at once by the in-stock filter (stock is read live, never stored with the price)."""

import json
import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from catalog import inventory
from catalog.models import ProductListingPrice, ProductVariant
from catalog.services.products import ProductSpec, VariantSpec, products_create
from catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db

GRAPHQL_PRODUCTS = """
query Products($filter: ProductFilter) {
  products(filter: $filter) { edges { node { title fromPrice } } }
}
"""


def _category_titles(client, category, query: str) -> list[str]:
    response = client.get(f"{category.url}?{query}")
    assert response.status_code == 200
    return re.findall(r'<h3 class="product-card__title">([^<]+)</h3>', response.content.decode())


def _api_titles(client, query: str) -> list[str]:
    response = client.get(f"/api/v2/pages/?type=catalog.ProductPage&{query}")
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def _graphql(client, filter: dict) -> list[tuple[str, str]]:
    response = client.post(
        "/graphql/",
        json.dumps({"query": GRAPHQL_PRODUCTS, "variables": {"filter": filter}}),
        content_type="application/json",
    )
    body = response.json()
    assert "errors" not in body, body
    return [
        (edge["node"]["title"], edge["node"]["fromPrice"])
        for edge in body["data"]["products"]["edges"]
    ]


def _seen_everywhere(client, shop, *, price_max: str) -> dict:
    """What each listing surface shows of the clothing category under `price_max`, cheapest
    first."""
    # Anonymous answers are cached per path version; a publish retires them after commit,
    # which a test's transaction never reaches, so each look starts from a cold cache.
    cache.clear()
    return {
        "category": _category_titles(
            client, shop.clothing, f"price_max={price_max}&ordering=price_asc"
        ),
        "api": _api_titles(
            client, f"category={shop.clothing.pk}&price_max={price_max}&ordering=price_asc"
        ),
        "graphql": [
            title
            for title, _ in _graphql(
                client,
                {"category": str(shop.clothing.pk), "priceMax": price_max, "ordering": "PRICE_ASC"},
            )
        ],
    }


def _everywhere(titles: list[str]) -> dict:
    return {"category": titles, "api": titles, "graphql": titles}


def _stored(product) -> Decimal:
    return ProductListingPrice.objects.get(product=product).from_price


def test_a_created_product_stores_its_lowest_variant_price(shop):
    # `shop`: the jacket is 80.00 with an M at 70.00, the shirt 45.00, the mug 12.00.
    assert (_stored(shop.jacket), _stored(shop.shirt)) == (Decimal("70.00"), Decimal("45.00"))

    [created] = products_create(
        storefront=shop.vendor.storefront,
        specs=[
            ProductSpec(
                title="Fleece",
                price=Decimal("30.00"),
                variants=[
                    VariantSpec(sku="FL-S", price_override=Decimal("35.00")),
                    VariantSpec(sku="FL-M", price_override=Decimal("25.50")),
                ],
            )
        ],
    )

    assert _stored(created) == Decimal("25.50")


def test_a_published_price_is_filtered_and_ordered_by_at_once(client, shop):
    assert _seen_everywhere(client, shop, price_max="50") == _everywhere(["Linen Shirt"])

    draft = shop.jacket.get_latest_revision_as_object()
    draft.price = Decimal("20.00")
    variants = list(draft.variants.all())
    for variant in variants:
        variant.price_override = None
    draft.variants = variants
    revision = draft.save_revision()
    # Saved, not published: listings still see the live price.
    assert _stored(shop.jacket) == Decimal("70.00")
    assert _seen_everywhere(client, shop, price_max="50") == _everywhere(["Linen Shirt"])

    revision.publish()

    assert _stored(shop.jacket) == Decimal("20.00")
    assert _seen_everywhere(client, shop, price_max="50") == _everywhere(
        ["Rain Jacket", "Linen Shirt"]
    )


def test_archiving_the_cheapest_variant_raises_the_from_price_at_once(client, shop):
    draft = shop.jacket.get_latest_revision_as_object()
    draft.variants = [variant for variant in draft.variants.all() if variant.sku != "RJ-M"]
    draft.save_revision().publish()

    assert ProductVariant.all_objects.get(sku="RJ-M").is_archived is True
    assert _stored(shop.jacket) == Decimal("80.00")
    assert _seen_everywhere(client, shop, price_max="75") == _everywhere(["Linen Shirt"])
    assert _graphql(client, {"priceMin": "75"}) == [("Rain Jacket", "80.00")]


def test_reverting_to_an_old_revision_restores_its_from_price_at_once(client, shop):
    old = shop.jacket.live_revision
    draft = shop.jacket.get_latest_revision_as_object()
    draft.price = Decimal("99.00")
    variants = list(draft.variants.all())
    for variant in variants:
        variant.price_override = None
    draft.variants = variants
    draft.save_revision().publish()
    assert _seen_everywhere(client, shop, price_max="90") == _everywhere(["Linen Shirt"])

    old.publish()

    assert _stored(shop.jacket) == Decimal("70.00")
    assert _seen_everywhere(client, shop, price_max="90") == _everywhere(
        ["Linen Shirt", "Rain Jacket"]
    )


def test_the_price_ordering_follows_a_new_price_at_once(client, shop):
    fleece = make_product(
        vendor=shop.vendor, title="Fleece", price="60.00", categories=[shop.shirts]
    )
    assert _seen_everywhere(client, shop, price_max="100") == _everywhere(
        ["Linen Shirt", "Fleece", "Rain Jacket"]
    )

    draft = fleece.get_latest_revision_as_object()
    draft.price = Decimal("40.00")
    draft.save_revision().publish()

    assert _seen_everywhere(client, shop, price_max="100") == _everywhere(
        ["Fleece", "Linen Shirt", "Rain Jacket"]
    )


def test_stock_moves_are_seen_by_the_in_stock_filter_at_once(client, shop):
    cache.clear()
    assert _category_titles(client, shop.clothing, "in_stock=on") == ["Rain Jacket"]
    shirt = shop.shirt.variants.get()

    inventory.stock_set(variant_id=shirt.pk, quantity=2)
    cache.clear()
    assert _category_titles(client, shop.clothing, "in_stock=on") == [
        "Linen Shirt",
        "Rain Jacket",
    ]
    assert _api_titles(client, "in_stock=true&ordering=price_asc") == [
        "Enamel Mug",
        "Linen Shirt",
        "Rain Jacket",
    ]

    medium = ProductVariant.objects.get(sku="RJ-M")
    inventory.stock_adjust(variant_id=medium.pk, delta=-3)
    cache.clear()
    assert _category_titles(client, shop.clothing, "in_stock=on") == ["Linen Shirt"]
    assert _graphql(client, {"inStock": True, "ordering": "PRICE_ASC"}) == [
        ("Enamel Mug", "12.00"),
        ("Linen Shirt", "45.00"),
    ]
