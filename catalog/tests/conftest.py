import io
from decimal import Decimal

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from catalog.models import CategoryPage, ProductPage
from catalog.tests.factories import make_category, make_product
from conftest import rows_read, shared_layer
from vendors.models import Vendor
from vendors.tests.factories import make_vendor


def make_image(title: str = "Photo", colour=(200, 80, 60)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.png")
    )


@shared_layer(after=("site_tree_rows",))
def catalog_vendor_rows(rows) -> int:
    return make_vendor(name="Acme Outfitters").pk


@shared_layer(after=("site_tree_rows",))
def catalog_categories_rows(rows) -> dict[str, int]:
    clothing = make_category(title="Clothing")
    return {
        "clothing": clothing.pk,
        "jackets": make_category(title="Jackets", parent=clothing).pk,
        "shirts": make_category(title="Shirts", parent=clothing).pk,
        "kitchen": make_category(title="Kitchen").pk,
    }


@shared_layer(after=("catalog_vendor_rows", "catalog_categories_rows"))
def catalog_shop_rows(rows) -> dict[str, int]:
    vendor = Vendor.objects.get(pk=rows["catalog_vendor_rows"])
    categories = {
        name: CategoryPage.objects.get(pk=pk)
        for name, pk in rows["catalog_categories_rows"].items()
    }
    other = make_vendor(name="Bolt Kitchenware")
    jacket = make_product(
        vendor=vendor,
        title="Rain Jacket",
        price="80.00",
        categories=[categories["jackets"]],
        variants=[
            {"sku": "RJ-S", "options": {"size": "S"}},
            {"sku": "RJ-M", "options": {"size": "M"}, "price_override": Decimal("70.00")},
        ],
        stock=[0, 3],
    )
    shirt = make_product(
        vendor=vendor,
        title="Linen Shirt",
        price="45.00",
        categories=[categories["shirts"]],
        stock=0,
    )
    mug = make_product(
        vendor=other,
        title="Enamel Mug",
        price="12.00",
        categories=[categories["kitchen"]],
        stock=50,
    )
    make_product(
        vendor=vendor, title="Draft Parka", categories=[categories["jackets"]], publish=False
    )
    private = make_product(vendor=vendor, title="Secret Anorak", categories=[categories["jackets"]])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return {"jacket": jacket.pk, "shirt": shirt.pk, "mug": mug.pk, "other": other.pk}


@pytest.fixture
def vendor(site_tree, catalog_vendor_rows):
    return Vendor.objects.get(pk=catalog_vendor_rows)


@pytest.fixture
def categories(site_tree, catalog_categories_rows):
    """Clothing > Jackets, Clothing > Shirts, Kitchen."""
    models = dict.fromkeys(catalog_categories_rows, CategoryPage)
    return rows_read("Categories", models, catalog_categories_rows)


@pytest.fixture
def shop(vendor, categories, catalog_shop_rows):
    """Two vendors, products across the category tree, one sold out, one draft, one private."""
    models = {"jacket": ProductPage, "shirt": ProductPage, "mug": ProductPage, "other": Vendor}
    named = {name: value for name, value in vars(categories).items() if not name.startswith("__")}
    return rows_read("Shop", models, catalog_shop_rows, vendor=vendor, **named)
