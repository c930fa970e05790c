"""Wagtail API v2 /api/v2/pages/: product fields and filters."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductGalleryImage, ProductPage
from catalog.tests.conftest import make_image
from catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db

PRODUCTS = "/api/v2/pages/?type=catalog.ProductPage"


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_product_detail_exposes_price_currency_availability_vendor_categories_variants_gallery(
    client, shop
):
    image = make_image("Jacket front")
    ProductGalleryImage.objects.create(page=shop.jacket, image=image, caption="Front", sort_order=0)

    response = client.get(f"/api/v2/pages/{shop.jacket.pk}/")

    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["type"] == "catalog.ProductPage"
    assert data["price"] == "80.00"
    assert data["currency"] == "EUR"
    assert data["availability"] == "low_stock"
    assert data["vendor"] == {
        "id": shop.vendor.pk,
        "name": "Acme Outfitters",
        "url": "http://testserver/vendors/acme-outfitters/",
        "is_active": True,
    }
    assert [(c["id"], c["title"]) for c in data["categories"]] == [(shop.jackets.pk, "Jackets")]
    assert [(v["sku"], v["options"], v["price"], v["availability"]) for v in data["variants"]] == [
        ("RJ-S", {"size": "S"}, "80.00", "sold_out"),
        ("RJ-M", {"size": "M"}, "70.00", "low_stock"),
    ]
    [picture] = data["gallery"]
    assert picture["caption"] == "Front"
    assert picture["thumbnail"]["url"].endswith(".png") and picture["thumbnail"]["width"] <= 300
    assert picture["large"]["url"].endswith(".png")


def test_product_listing_with_requested_fields(client, shop):
    response = client.get(
        f"{PRODUCTS}&fields=price,currency,availability,variants&ordering=price_asc"
    )

    items = response.json()["items"]
    assert [(item["title"], item["price"], item["availability"]) for item in items] == [
        ("Enamel Mug", "12.00", "in_stock"),
        ("Linen Shirt", "45.00", "sold_out"),
        ("Rain Jacket", "80.00", "low_stock"),
    ]
    assert all(item["currency"] == "EUR" for item in items)


@pytest.mark.search
def test_drafts_and_private_products_never_appear(client, shop):
    listed = titles(client.get(PRODUCTS))
    assert sorted(listed) == ["Enamel Mug", "Linen Shirt", "Rain Jacket"]
    assert titles(client.get("/api/v2/pages/?search=parka")) == []
    draft = ProductPage.objects.get(title="Draft Parka")
    private = ProductPage.objects.get(title="Secret Anorak")
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404
    assert client.get(f"/api/v2/pages/{private.pk}/").status_code == 404
    assert titles(client.get(f"{PRODUCTS}&search=anorak")) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("in_stock=true", ["Enamel Mug", "Rain Jacket"]),
        ("in_stock=false", ["Enamel Mug", "Linen Shirt", "Rain Jacket"]),
        ("price_min=40", ["Linen Shirt", "Rain Jacket"]),
        ("price_max=45", ["Enamel Mug", "Linen Shirt"]),
        ("price_min=46&price_max=70", ["Rain Jacket"]),
        pytest.param("search=jacket", ["Rain Jacket"], marks=pytest.mark.search),
        pytest.param("search=RJ-M", ["Rain Jacket"], marks=pytest.mark.search),
        pytest.param("search=bolt", ["Enamel Mug"], marks=pytest.mark.search),
    ],
)
def test_product_filters(client, shop, query, expected):
    assert sorted(titles(client.get(f"{PRODUCTS}&{query}"))) == expected


def test_category_filter_includes_subcategories_and_implies_the_product_type(client, shop):
    assert sorted(titles(client.get(f"/api/v2/pages/?category={shop.clothing.pk}"))) == [
        "Linen Shirt",
        "Rain Jacket",
    ]
    assert titles(client.get(f"/api/v2/pages/?category={shop.kitchen.pk}")) == ["Enamel Mug"]


def test_vendor_filter_takes_one_or_more_ids(client, shop):
    assert titles(client.get(f"{PRODUCTS}&vendor={shop.other.pk}")) == ["Enamel Mug"]
    both = titles(client.get(f"{PRODUCTS}&vendor={shop.other.pk},{shop.vendor.pk}"))
    assert sorted(both) == ["Enamel Mug", "Linen Shirt", "Rain Jacket"]


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("price_asc", ["Enamel Mug", "Linen Shirt", "Rain Jacket"]),
        ("price_desc", ["Rain Jacket", "Linen Shirt", "Enamel Mug"]),
        ("newest", ["Enamel Mug", "Linen Shirt", "Rain Jacket"]),
    ],
)
def test_ordering(client, shop, ordering, expected):
    assert titles(client.get(f"{PRODUCTS}&ordering={ordering}")) == expected


@pytest.mark.search
def test_relevance_ordering_with_search(client, shop):
    make_product(vendor=shop.other, title="Mug Mug Mug")
    assert set(titles(client.get(f"{PRODUCTS}&search=mug&ordering=relevance"))) == {
        "Mug Mug Mug",
        "Enamel Mug",
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("price_min=abc", "price_min: A valid number is required."),
        ("price_max=-1", "price_max: Ensure this value is greater than or equal to 0."),
        ("price_min=10&price_max=5", "price_max: Must not be below price_min."),
        ("ordering=cheapest", 'ordering: "cheapest" is not a valid choice.'),
        ("ordering=relevance", "ordering: relevance needs a search query."),
        ("in_stock=maybe", 'in_stock: "maybe" is not a valid choice.'),
        (
            "vendor=acme",
            "vendor: Give vendor ids, separated by commas (e.g. vendor=3 or vendor=3,5).",
        ),
        ("category=abc", "category: A valid integer is required."),
        ("category=999999", "category: no category with id 999999."),
        ("ordering=newest&order=title", "Use either order or ordering, not both."),
    ],
)
def test_bad_filter_values_answer_400_with_a_message(client, shop, query, message):
    response = client.get(f"{PRODUCTS}&{query}")

    assert response.status_code == 400
    assert response.json() == {"message": message}


def test_product_filters_on_another_page_type_are_refused(client, shop):
    response = client.get("/api/v2/pages/?type=catalog.CategoryPage&price_min=3")

    assert response.status_code == 400
    assert "type=catalog.ProductPage" in response.json()["message"]


def test_other_pages_are_still_listed_and_searchable(client, shop):
    response = client.get("/api/v2/pages/?type=catalog.CategoryPage")
    assert sorted(titles(response)) == ["Clothing", "Jackets", "Kitchen", "Shirts"]


API_LISTING_MAX_QUERIES = 12


def test_listing_20_products_runs_a_constant_number_of_queries(
    client, vendor, categories, django_assert_max_num_queries
):
    url = f"{PRODUCTS}&limit=20&fields=*"

    def add_products(count):
        for number in range(count):
            product = make_product(
                vendor=vendor,
                categories=[categories.jackets, categories.kitchen],
                variants=[
                    {"sku": f"AP-{count}-{number}-{n}", "options": {"n": str(n)}} for n in range(3)
                ],
            )
            for position in range(2):
                ProductGalleryImage.objects.create(
                    page=product, image=make_image(f"p{number}-{position}"), sort_order=position
                )

    add_products(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add_products(25)
    client.get(url)  # renditions are generated on first use
    with django_assert_max_num_queries(API_LISTING_MAX_QUERIES):
        response = client.get(url)
    assert len(response.json()["items"]) == 20
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)


def _absolute_urls(data) -> list[str]:
    """Every absolute URL in a product detail response."""
    urls = [data["meta"]["html_url"], data["meta"]["detail_url"], data["vendor"]["url"]]
    urls += [url for c in data["categories"] for url in (c["html_url"], c["detail_url"])]
    urls += [p[size]["url"] for p in data["gallery"] for size in ("thumbnail", "large")]
    urls.append(data["meta"]["parent"]["meta"]["detail_url"])
    return urls


def test_absolute_urls_follow_the_host_the_client_asked(client, shop, settings):
    settings.ALLOWED_HOSTS = ["shop.example.org"]
    image = make_image("Jacket front")
    ProductGalleryImage.objects.create(page=shop.jacket, image=image, sort_order=0)

    response = client.get(
        f"/api/v2/pages/{shop.jacket.pk}/", HTTP_HOST="shop.example.org:8443", secure=True
    )

    assert response.status_code == 200
    data = response.json()
    urls = _absolute_urls(data)
    assert len(urls) == 8
    assert all(url.startswith("https://shop.example.org:8443/") for url in urls), urls
    assert data["meta"]["html_url"] == (
        f"https://shop.example.org:8443/vendors/acme-outfitters/{shop.jacket.slug}/"
    )
    assert data["meta"]["detail_url"] == (
        f"https://shop.example.org:8443/api/v2/pages/{shop.jacket.pk}/"
    )
    image_response = client.get(f"/api/v2/images/{image.pk}/", HTTP_HOST="shop.example.org")
    assert image_response.json()["meta"]["detail_url"] == (
        f"http://shop.example.org/api/v2/images/{image.pk}/"
    )


def test_absolute_urls_use_site_url_when_it_is_set(client, shop, settings):
    settings.SITE_URL = "https://shop.example.com"
    settings.WAGTAILAPI_BASE_URL = "https://shop.example.com"
    image = make_image("Jacket front")
    ProductGalleryImage.objects.create(page=shop.jacket, image=image, sort_order=0)

    data = client.get(f"/api/v2/pages/{shop.jacket.pk}/").json()

    urls = _absolute_urls(data)
    assert all(url.startswith("https://shop.example.com/") for url in urls), urls
    assert not any("127.0.0.1" in url or "localhost" in url for url in urls)
