"""The API v2 product listing for a shopper with a session (never served from the anonymous
page cache): each product's item comes from the cache (catalog.api.fragments), byte for byte
what a fresh render gives, and every change a product shows is in the very next answer."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework_simplejwt.tokens import AccessToken
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import PageViewRestriction

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.models import ProductGalleryImage, ProductPage, ShopSettings
from catalog.tests.conftest import make_image
from catalog.tests.factories import make_product
from vendors.tests.factories import make_vendor

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=catalog.ProductPage&fields=*"


@pytest.fixture
def shopper(client, settings):
    settings.PAGE_CACHE_SECONDS = 600
    client.force_login(UserFactory(email="ada@example.com"))
    return client


@pytest.fixture
def products(vendor, categories):
    """A jacket (two variants, one with its own price, and a gallery picture) and a mug, of
    two vendors; no page has a view restriction."""
    jacket = make_product(
        vendor=vendor,
        title="Rain Jacket",
        price="80.00",
        categories=[categories.jackets],
        variants=[
            {"sku": "RJ-S", "options": {"size": "S"}},
            {"sku": "RJ-M", "options": {"size": "M"}, "price_override": Decimal("70.00")},
        ],
        stock=[0, 3],
    )
    ProductGalleryImage.objects.create(
        page=jacket, image=make_image("Jacket front"), caption="Front", sort_order=0
    )
    mug = make_product(vendor=make_vendor(name="Bolt Kitchenware"), title="Enamel Mug", stock=50)
    return type("Products", (), {"jacket": jacket, "mug": mug})


def _listing(client, url=LISTING, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, response.content
    return response


def _item(client, product, url=LISTING) -> dict:
    (item,) = [item for item in _listing(client, url).json()["items"] if item["id"] == product.pk]
    return item


def _publish(product, **changes):
    page = ProductPage.objects.get(pk=product.pk).get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def _statements(client, url=LISTING) -> tuple[bytes, list[str]]:
    """The answer's body and the SQL statements the request ran."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        body = _listing(client, url).content
    return body, statements


def test_items_from_the_cache_are_the_bytes_of_a_fresh_render(shopper, products, settings):
    first, rendered = _statements(shopper)
    again, remembered = _statements(shopper)
    settings.PAGE_CACHE_SECONDS = 0
    fresh = _listing(shopper).content

    assert again == first == fresh
    assert [item["title"] for item in json.loads(first)["items"]] == ["Enamel Mug", "Rain Jacket"]
    # Again: the count and the page of ids are kept per query (no page has a view
    # restriction), and so is each product's item: no query at all.
    assert remembered == []
    assert len(rendered) > 2


def test_with_a_view_restriction_the_page_of_ids_is_read_each_time(
    shopper, products, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=products.mug, restriction_type=PageViewRestriction.LOGIN
        )
    _listing(shopper)
    body, again = _statements(shopper)

    # Wagtail's read of the restrictions, the count and the page of ids (names quoted as
    # PostgreSQL and SQLite quote them; MariaDB's backquotes read the same); the items still
    # come from the cache.
    assert len(again) == 3
    assert "wagtailcore_pageviewrestriction" in again[0]
    assert [sql.split(" FROM ")[0].replace("`", '"') for sql in again[1:]] == [
        'SELECT COUNT(*) AS "__count"',
        'SELECT "catalog_productpage"."page_ptr_id" AS "pk", '
        '"wagtailcore_page"."live_revision_id" AS "live_revision_id"',
    ]
    assert [item["title"] for item in json.loads(body)["items"]] == ["Rain Jacket"]


def test_a_stock_change_renders_again_only_the_items_of_its_product(
    shopper, products, django_capture_on_commit_callbacks
):
    _listing(shopper)
    medium = products.jacket.variants.get(sku="RJ-M")
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=medium.pk, quantity=0)

    body, statements = _statements(shopper)

    items = {item["title"]: item for item in json.loads(body)["items"]}
    assert items["Rain Jacket"]["availability"] == "sold_out"
    assert items["Enamel Mug"]["availability"] == "in_stock"
    # The page of ids is kept (the listing has no in-stock filter); one product is read.
    product_reads = [
        sql for sql in statements if 'FROM "catalog_productpage"' in sql.replace("`", '"')
    ]
    assert len(product_reads) == 1
    assert "IN (%s)" in product_reads[0]


def test_an_in_stock_listing_follows_every_stock_change(
    shopper, products, django_capture_on_commit_callbacks
):
    url = f"{LISTING}&in_stock=true"
    assert [item["title"] for item in _listing(shopper, url).json()["items"]] == [
        "Enamel Mug",
        "Rain Jacket",
    ]
    medium = products.jacket.variants.get(sku="RJ-M")
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=medium.pk, quantity=0)

    data = _listing(shopper, url).json()
    assert data["meta"]["total_count"] == 1
    assert [item["title"] for item in data["items"]] == ["Enamel Mug"]
    assert [item["title"] for item in _listing(type(shopper)(), url).json()["items"]] == [
        "Enamel Mug"
    ]


def test_an_anonymous_answer_is_retired_by_the_stock_of_the_products_it_lists_only(
    client, settings, products, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    mugs = f"{LISTING}&vendor={products.mug.vendor_id}"
    both = LISTING
    for url in (mugs, both):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"

    medium = products.jacket.variants.get(sku="RJ-M")
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=medium.pk, quantity=0)

    kept, retired = client.get(mugs), client.get(both)
    assert kept["X-Page-Cache"] == "hit"
    assert [item["title"] for item in kept.json()["items"]] == ["Enamel Mug"]
    assert retired["X-Page-Cache"] == "miss"
    (jacket,) = [item for item in retired.json()["items"] if item["title"] == "Rain Jacket"]
    assert jacket["availability"] == "sold_out"

    # A change the mug shows besides its stock (its price) retires both.
    with django_capture_on_commit_callbacks(execute=True):
        _publish(products.mug, price=Decimal("12.00"))
    again = client.get(mugs)
    assert again["X-Page-Cache"] == "miss"
    assert [item["price"] for item in again.json()["items"]] == ["12.00"]


class _CacheReads:
    """The cache, counting the reads made through it."""

    def __init__(self, cache):
        self.cache, self.reads = cache, 0

    def get_many(self, keys):
        self.reads += 1
        return self.cache.get_many(keys)

    def __getattr__(self, name):
        return getattr(self.cache, name)


def test_an_anonymous_answer_seen_before_is_served_after_one_cache_read(
    client, settings, products, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from catalog.cache import keys
    from nexus import cache as page_cache

    settings.PAGE_CACHE_SECONDS = 600
    reads = _CacheReads(cache)
    monkeypatch.setattr(page_cache, "cache", reads)
    monkeypatch.setattr(keys, "cache", reads)
    assert client.get(LISTING)["X-Page-Cache"] == "miss"
    reads.reads = 0
    assert client.get(LISTING)["X-Page-Cache"] == "hit"
    assert reads.reads == 1

    # What the process remembers only says which tokens to read along: an answer whose
    # products it guessed wrong is still judged by its own, and retired by their stock.
    key = keys.api_cache_key(full_path="testserver" + LISTING)
    assert page_cache._ANSWER_PRODUCTS[key] == tuple(sorted([products.jacket.pk, products.mug.pk]))
    monkeypatch.setitem(page_cache._ANSWER_PRODUCTS, key, (products.mug.pk,))
    reads.reads = 0
    assert client.get(LISTING)["X-Page-Cache"] == "hit"
    assert reads.reads == 2
    monkeypatch.setitem(page_cache._ANSWER_PRODUCTS, key, (products.mug.pk,))
    medium = products.jacket.variants.get(sku="RJ-M")
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=medium.pk, quantity=0)
    retired = client.get(LISTING)
    assert retired["X-Page-Cache"] == "miss"
    (jacket,) = [item for item in retired.json()["items"] if item["title"] == "Rain Jacket"]
    assert jacket["availability"] == "sold_out"


def test_another_indent_or_field_selection_gives_the_same_items(shopper, products):
    _listing(shopper)
    indented = _listing(shopper, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content.startswith(b'{\n  "meta": {\n    "total_count": 2\n  },')
    assert indented.json() == _listing(shopper).json()

    prices = _listing(shopper, f"{LISTING[: -len('*')]}price,variants&ordering=price_asc").json()
    assert [(item["title"], item["price"], list(item)) for item in prices["items"]] == [
        ("Enamel Mug", "10.00", ["id", "meta", "title", "price", "variants"]),
        ("Rain Jacket", "80.00", ["id", "meta", "title", "price", "variants"]),
    ]


def test_a_published_price_is_in_the_next_answer(
    shopper, products, django_capture_on_commit_callbacks
):
    assert _item(shopper, products.jacket)["price"] == "80.00"

    with django_capture_on_commit_callbacks(execute=True):
        _publish(products.jacket, price=Decimal("95.00"), title="Storm Jacket")

    item = _item(shopper, products.jacket)
    assert (item["title"], item["price"]) == ("Storm Jacket", "95.00")
    assert [variant["price"] for variant in item["variants"]] == ["95.00", "70.00"]


def test_a_draft_is_not_shown(shopper, products, django_capture_on_commit_callbacks):
    _item(shopper, products.jacket)
    page = ProductPage.objects.get(pk=products.jacket.pk).get_latest_revision_as_object()
    page.price = Decimal("1.00")
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision()

    assert _item(shopper, products.jacket)["price"] == "80.00"


def test_a_stock_change_is_in_the_next_answer(
    shopper, products, django_capture_on_commit_callbacks
):
    small, medium = products.jacket.variants.order_by("sort_order", "pk")
    before = _item(shopper, products.jacket)
    assert before["availability"] == "low_stock"
    assert [variant["availability"] for variant in before["variants"]] == ["sold_out", "low_stock"]

    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=medium.pk, quantity=0)
    sold_out = _item(shopper, products.jacket)
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=small.pk, quantity=40)
    restocked = _item(shopper, products.jacket)

    assert sold_out["availability"] == "sold_out"
    assert [variant["availability"] for variant in sold_out["variants"]] == ["sold_out"] * 2
    assert restocked["availability"] == "in_stock"
    assert [v["availability"] for v in restocked["variants"]] == ["in_stock", "sold_out"]


def test_an_unpublished_product_leaves_the_next_answer(
    shopper, products, django_capture_on_commit_callbacks
):
    assert _listing(shopper).json()["meta"]["total_count"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        UnpublishPageAction(ProductPage.objects.get(pk=products.mug.pk)).execute(
            skip_permission_checks=True
        )

    data = _listing(shopper).json()
    assert data["meta"]["total_count"] == 1
    assert [item["title"] for item in data["items"]] == ["Rain Jacket"]


def test_vendor_category_image_and_currency_changes_are_in_the_next_answer(
    shopper, products, categories, vendor, django_capture_on_commit_callbacks
):
    _item(shopper, products.jacket)

    with django_capture_on_commit_callbacks(execute=True):
        vendor.name = "Acme Rainwear"
        vendor.save()
    assert _item(shopper, products.jacket)["vendor"]["name"] == "Acme Rainwear"

    category = categories.jackets.get_latest_revision_as_object()
    category.title = "Coats"
    with django_capture_on_commit_callbacks(execute=True):
        category.save_revision().publish()
    assert [c["title"] for c in _item(shopper, products.jacket)["categories"]] == ["Coats"]

    image = products.jacket.gallery_images.get().image
    image.title = "Jacket, front view"
    with django_capture_on_commit_callbacks(execute=True):
        image.save()
    assert [p["title"] for p in _item(shopper, products.jacket)["gallery"]] == [
        "Jacket, front view"
    ]

    shop_settings = ShopSettings.for_site(products.jacket.get_site())
    shop_settings.currency_code = "USD"
    with django_capture_on_commit_callbacks(execute=True):
        shop_settings.save()
    assert _item(shopper, products.jacket)["currency"] == "USD"


def test_a_deleted_image_leaves_the_gallery_in_the_next_answer(
    shopper, products, django_capture_on_commit_callbacks
):
    assert len(_item(shopper, products.jacket)["gallery"]) == 1

    with django_capture_on_commit_callbacks(execute=True):
        products.jacket.gallery_images.get().image.delete()

    assert _item(shopper, products.jacket)["gallery"] == []


def test_links_follow_the_host_each_request_asked(shopper, products, settings):
    settings.ALLOWED_HOSTS = ["testserver", "shop.example.org"]
    plain = _item(shopper, products.jacket)
    items = shopper.get(LISTING, HTTP_HOST="shop.example.org", secure=True).json()["items"]
    (other,) = [item for item in items if item["id"] == products.jacket.pk]

    assert plain["meta"]["detail_url"] == f"http://testserver/api/v2/pages/{products.jacket.pk}/"
    assert other["meta"]["detail_url"] == (
        f"https://shop.example.org/api/v2/pages/{products.jacket.pk}/"
    )


def test_a_view_restriction_still_decides_per_request(
    shopper, client, products, django_capture_on_commit_callbacks
):
    token = AccessToken.for_user(UserFactory(email="grace@example.com"))
    signed_in = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert _listing(shopper, **signed_in).json()["meta"]["total_count"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=products.mug, restriction_type=PageViewRestriction.LOGIN
        )

    # Wagtail's rule: a login restriction lets in whoever the API authenticated (a JWT).
    both, jacket = ["Enamel Mug", "Rain Jacket"], ["Rain Jacket"]
    assert [item["title"] for item in _listing(shopper, **signed_in).json()["items"]] == both
    assert [item["title"] for item in _listing(shopper).json()["items"]] == jacket
    assert [item["title"] for item in _listing(type(client)()).json()["items"]] == jacket


def test_a_product_published_or_moved_into_a_filter_is_in_the_next_answer(
    shopper, products, vendor, django_capture_on_commit_callbacks
):
    by_vendor = f"{LISTING}&vendor={vendor.pk}"
    assert [item["title"] for item in _listing(shopper, by_vendor).json()["items"]] == [
        "Rain Jacket"
    ]
    with django_capture_on_commit_callbacks(execute=True):
        make_product(vendor=vendor, title="Wool Hat", price="20.00")

    data = _listing(shopper, by_vendor).json()
    assert data["meta"]["total_count"] == 2
    assert [item["title"] for item in data["items"]] == ["Wool Hat", "Rain Jacket"]
    assert _listing(shopper).json()["meta"]["total_count"] == 3


def test_an_anonymous_product_answer_is_retired_by_its_own_stock_only(
    client, settings, products, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    mug, jacket = (f"/api/v2/pages/{product.pk}/" for product in (products.mug, products.jacket))
    for url in (mug, jacket):
        assert client.get(url)["X-Page-Cache"] == "miss"
        assert client.get(url)["X-Page-Cache"] == "hit"

    medium = products.jacket.variants.get(sku="RJ-M")
    with django_capture_on_commit_callbacks(execute=True):
        inventory.stock_set(variant_id=medium.pk, quantity=0)

    kept, retired = client.get(mug), client.get(jacket)
    assert (kept["X-Page-Cache"], kept.json()["availability"]) == ("hit", "in_stock")
    assert (retired["X-Page-Cache"], retired.json()["availability"]) == ("miss", "sold_out")


@pytest.mark.parametrize(
    ("query", "message"),
    [("&fields=colour", "unknown fields: colour"), ("&price_max=cheap", "price_max")],
)
def test_a_refused_listing_is_refused_again_and_keeps_nothing(shopper, products, query, message):
    # The count and page of ids are kept only for a request that was answered: the second
    # ask runs the same checks and is refused the same way, not served what the first left.
    for _ in range(2):
        response = shopper.get(LISTING + query)
        assert response.status_code == 400
        assert message in response.json()["message"]
