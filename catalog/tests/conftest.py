import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model

from catalog.tests.factories import make_category
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
