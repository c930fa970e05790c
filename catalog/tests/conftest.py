import io
from decimal import Decimal

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from catalog.tests.factories import make_category, make_product
from vendors.tests.factories import make_vendor


def make_image(title: str = "Photo", colour=(200, 80, 60)):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), colour).save(buffer, format="PNG")
    return get_image_model().objects.create(
        title=title, file=ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.png")
    )


@pytest.fixture
def vendor(site_tree):
    return make_vendor(name="Acme Outfitters")


@pytest.fixture
def categories(site_tree):
    """Clothing > Jackets, Clothing > Shirts, Kitchen."""
    clothing = make_category(title="Clothing")
    return type(
        "Categories",
        (),
        {
            "clothing": clothing,
            "jackets": make_category(title="Jackets", parent=clothing),
            "shirts": make_category(title="Shirts", parent=clothing),
            "kitchen": make_category(title="Kitchen"),
        },
    )


@pytest.fixture
def shop(vendor, categories):
    """Two vendors, products across the category tree, one sold out, one draft, one private."""
    other = make_vendor(name="Bolt Kitchenware")
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
    shirt = make_product(
        vendor=vendor, title="Linen Shirt", price="45.00", categories=[categories.shirts], stock=0
    )
    mug = make_product(
        vendor=other, title="Enamel Mug", price="12.00", categories=[categories.kitchen], stock=50
    )
    make_product(vendor=vendor, title="Draft Parka", categories=[categories.jackets], publish=False)
    private = make_product(vendor=vendor, title="Secret Anorak", categories=[categories.jackets])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    return type(
        "Shop",
        (),
        {
            "jacket": jacket,
            "shirt": shirt,
            "mug": mug,
            "other": other,
            "vendor": vendor,
            **vars(categories),
        },
    )
