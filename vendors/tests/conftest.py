"""Fixtures for the vendor tests: two onboarded vendors (A untrusted, B trusted) with owners,
an editor, and `world`: a product, an image and a document of each, with A's owner logged in."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from accounts.tests.factories import UserFactory
from catalog.models import ProductPage
from catalog.tests.factories import make_product
from commerce.models import Order, OrderLine
from commerce.tests.factories import make_order
from conftest import rows_read, shared_layer
from vendors.models import Vendor
from vendors.services import vendor_onboard


@shared_layer(after=("site_tree_rows",))
def vendor_pair_rows(rows) -> dict[str, int]:
    owner_a = UserFactory(email="owner-a@example.com")
    owner_b = UserFactory(email="owner-b@example.com")
    vendor_a = vendor_onboard(name="Alpha Goods", contact_email="alpha@example.com", owner=owner_a)
    vendor_b = vendor_onboard(
        name="Beta Wares", contact_email="beta@example.com", owner=owner_b, is_trusted=True
    )
    return {"owner_a": owner_a.pk, "owner_b": owner_b.pk, "a": vendor_a.pk, "b": vendor_b.pk}


@pytest.fixture
def owner_a(site_tree, vendor_pair_rows):
    return get_user_model().objects.get(pk=vendor_pair_rows["owner_a"])


@pytest.fixture
def owner_b(site_tree, vendor_pair_rows):
    return get_user_model().objects.get(pk=vendor_pair_rows["owner_b"])


@pytest.fixture
def vendor_a(site_tree, vendor_pair_rows):
    """Alpha Goods, onboarded (untrusted) with owner_a as its owner."""
    return Vendor.objects.get(pk=vendor_pair_rows["a"])


@pytest.fixture
def vendor_b(site_tree, vendor_pair_rows):
    """Beta Wares, onboarded as trusted with owner_b as its owner."""
    return Vendor.objects.get(pk=vendor_pair_rows["b"])


def _image(collection, title):
    return get_image_model().objects.create(
        title=title, file=get_test_image_file(), collection=collection
    )


def _document(collection, title):
    return get_document_model().objects.create(
        title=title,
        file=SimpleUploadedFile(f"{title}.txt", b"hello"),
        collection=collection,
    )


@shared_layer(after=("vendor_pair_rows",))
def vendor_world_rows(rows) -> dict[str, int]:
    vendor_a = Vendor.objects.get(pk=rows["vendor_pair_rows"]["a"])
    vendor_b = Vendor.objects.get(pk=rows["vendor_pair_rows"]["b"])
    return {
        "product_a": make_product(vendor=vendor_a, title="Alpha Mug").pk,
        "product_b": make_product(vendor=vendor_b, title="Beta Bowl").pk,
        "image_a": _image(vendor_a.collection, "alpha-image").pk,
        "image_b": _image(vendor_b.collection, "beta-image").pk,
        "document_b": _document(vendor_b.collection, "beta-doc").pk,
        "document_a": _document(vendor_a.collection, "alpha-doc").pk,
    }


@pytest.fixture
def world(vendor_a, vendor_b, owner_a, client, vendor_world_rows):
    """Each vendor's product, image and document, with owner_a logged in to `client`."""
    client.force_login(owner_a)
    image, document = get_image_model(), get_document_model()
    models = {
        "product_a": ProductPage,
        "product_b": ProductPage,
        "image_a": image,
        "image_b": image,
        "document_a": document,
        "document_b": document,
    }
    return rows_read("World", models, vendor_world_rows, a=vendor_a, b=vendor_b, client=client)


@pytest.fixture
def editor(db):
    from django.contrib.auth.models import Group

    user = UserFactory(email="editor@example.com")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


# The shipping address of the vendor tests' orders (`commerce.tests.factories.make_order`).
SHOPPER_ADDRESS = {
    "shipping_name": "Sam Shopper",
    "shipping_line1": "1 Main Street",
    "shipping_city": "Lyon",
    "shipping_postal_code": "69001",
    "shipping_country": "FR",
}


def vendor_order_rows(vendor_pair: dict[str, int], *, stock_a: int, stock_b: int) -> dict:
    """For a shared layer after `vendor_pair_rows`: vendor A's Alpha Mug (12.00, `stock_a` in
    stock) and vendor B's Beta Bowl (20.00, `stock_b`), and a shopper's order of 2 mugs and a
    bowl. Read them with `vendor_order_read`."""
    vendor_a = Vendor.objects.get(pk=vendor_pair["a"])
    vendor_b = Vendor.objects.get(pk=vendor_pair["b"])
    product_a = make_product(vendor=vendor_a, title="Alpha Mug", price="12.00", stock=stock_a)
    product_b = make_product(vendor=vendor_b, title="Beta Bowl", price="20.00", stock=stock_b)
    shopper = UserFactory(email="shopper@example.com")
    order = make_order(user=shopper, items=[(product_a, 2), (product_b, 1)], **SHOPPER_ADDRESS)
    return {
        "product_a": product_a.pk,
        "product_b": product_b.pk,
        "sku_a": product_a.variants.get().sku,
        "sku_b": product_b.variants.get().sku,
        "order": order.pk,
        "line_a": order.lines.get(vendor=vendor_a).pk,
        "line_b": order.lines.get(vendor=vendor_b).pk,
    }


def vendor_order_read(rows: dict, client) -> type:
    """The rows of `vendor_order_rows` read afresh, with the skus and the `client` to use."""
    models = {
        "product_a": ProductPage,
        "product_b": ProductPage,
        "order": Order,
        "line_a": OrderLine,
        "line_b": OrderLine,
    }
    return rows_read("Shop", models, rows, client=client, sku_a=rows["sku_a"], sku_b=rows["sku_b"])


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def authenticate(client, user):
    from rest_framework_simplejwt.tokens import RefreshToken

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client
