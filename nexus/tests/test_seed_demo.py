"""seed_demo builds a believable shop and is idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from catalog.models import CategoryPage, ProductGalleryImage, ProductPage, ProductVariant, Stock
from home.models import HomePage
from vendors.models import Vendor, VendorMembership

pytestmark = pytest.mark.django_db

# The tables whose statistics decide the catalog's query plans (on MariaDB/MySQL, by name).
ANALYZED_TABLES = [
    "catalog_productpage",
    "catalog_productpage_categories",
    "catalog_productvariant",
    "catalog_stock",
    "wagtailcore_page",
    "wagtailsearch_indexentry",
]


def snapshot() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "users": get_user_model().objects.count(),
        "vendors": Vendor.objects.count(),
        "memberships": VendorMembership.objects.count(),
        "variants": ProductVariant.objects.count(),
        "stock": Stock.objects.count(),
        "images": get_image_model().objects.count(),
        "gallery": ProductGalleryImage.objects.count(),
    }


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def test_seed_builds_the_demo_shop(client):
    output = seed()

    assert "Admin login: admin@nexus.localhost / nexus-admin" in output
    users = get_user_model().objects
    assert users.get(email="admin@nexus.localhost").is_superuser
    assert users.get(email="editor@nexus.localhost").groups.filter(name="Editors").exists()
    assert users.filter(email="shopper@nexus.localhost").exists()

    vendors = list(Vendor.objects.order_by("name"))
    assert [vendor.name for vendor in vendors] == [
        "Bolt & Birch Kitchenware",
        "Northwind Outfitters",
        "Summit Camp Supply",
    ]
    for vendor in vendors:
        assert vendor.storefront.live
        assert vendor.group is not None and vendor.collection is not None
        assert VendorMembership.objects.filter(vendor=vendor, role="owner").count() == 1
        assert f"Vendor login ({vendor.name}):" in output

    top = CategoryPage.objects.filter(depth=4)
    assert sorted(top.values_list("title", flat=True)) == ["Clothing", "Home & Kitchen", "Outdoors"]
    assert CategoryPage.objects.filter(depth=5).count() == 9
    assert all(c.get_children().exists() for c in top)

    products = ProductPage.objects.live()
    assert products.count() == 13
    for product in products:
        variants = ProductVariant.objects.filter(page=product)
        assert variants.exists()
        assert Stock.objects.filter(variant__in=variants).count() == variants.count()
        assert ProductGalleryImage.objects.filter(page=product).count() == 2
        assert product.categories.exists()
    assert (
        Stock.objects.filter(quantity__gt=0).exists() and Stock.objects.filter(quantity=0).exists()
    )
    shirt = ProductPage.objects.get(title="Linen Shirt")
    assert ProductVariant.objects.filter(page=shirt).count() == 6
    assert ProductVariant.objects.get(sku="SUM-TB-2").price_override is not None

    home = HomePage.objects.get()
    assert [block.block_type for block in home.body] == [
        "hero",
        "featured_products",
        "featured_categories",
        "rich_text",
    ]
    response = client.get("/")
    assert response.status_code == 200
    assert "Independent makers, one basket" in response.content.decode()
    assert "Rain Jacket" in response.content.decode()
    assert client.get(shirt.url).status_code == 200


def test_seed_twice_creates_nothing_new():
    seed()
    before = snapshot()

    output = seed()

    assert snapshot() == before
    assert "Created: nothing new." in output


# Transactional: the seed refreshes the planner's statistics as it does outside tests (on
# MariaDB/MySQL `ANALYZE TABLE` commits, so it is not run inside a test's transaction).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_seed_products_option_adds_generated_products_once(client):
    with CaptureQueriesContext(connection) as queries:
        seed(products=7)
    before = snapshot()
    analyzed = [query["sql"] for query in queries if query["sql"].startswith("ANALYZE")]
    if connection.vendor == "mysql":
        assert len(analyzed) == 1
        assert all(f"`{table}`" in analyzed[0] for table in ANALYZED_TABLES)
    else:
        assert analyzed == ["ANALYZE"]
    generated = ProductPage.objects.filter(variants__sku__startswith="GEN-").distinct()
    assert generated.count() == 7

    seed(products=7)
    assert snapshot() == before

    product = generated.first()
    assert product.live and product.live_revision_id == product.latest_revision_id
    assert Stock.objects.filter(variant__page=product).count() == product.variants.count()
    assert client.get(product.url).status_code == 200
    assert not Page.find_problems()[0]
