"""Fixtures for the vendor tests: two onboarded vendors (A untrusted, B trusted) with owners,
an editor, and `world`: a product, an image and a document of each, with A's owner logged in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from accounts.tests.factories import UserFactory
from catalog.tests.factories import make_product
from vendors.services import vendor_onboard


@pytest.fixture
def owner_a(db):
    return UserFactory(email="owner-a@example.com")


@pytest.fixture
def owner_b(db):
    return UserFactory(email="owner-b@example.com")


@pytest.fixture
def vendor_a(site_tree, owner_a):
    return vendor_onboard(name="Alpha Goods", contact_email="alpha@example.com", owner=owner_a)


@pytest.fixture
def vendor_b(site_tree, owner_b):
    return vendor_onboard(
        name="Beta Wares", contact_email="beta@example.com", owner=owner_b, is_trusted=True
    )


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


@pytest.fixture
def world(vendor_a, vendor_b, owner_a, client):
    product_a = make_product(vendor=vendor_a, title="Alpha Mug")
    product_b = make_product(vendor=vendor_b, title="Beta Bowl")
    image_a = _image(vendor_a.collection, "alpha-image")
    image_b = _image(vendor_b.collection, "beta-image")
    document_b = _document(vendor_b.collection, "beta-doc")
    document_a = _document(vendor_a.collection, "alpha-doc")
    client.force_login(owner_a)
    return type(
        "World",
        (),
        {
            "a": vendor_a,
            "b": vendor_b,
            "product_a": product_a,
            "product_b": product_b,
            "image_a": image_a,
            "image_b": image_b,
            "document_a": document_a,
            "document_b": document_b,
            "client": client,
        },
    )


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


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def authenticate(client, user):
    from rest_framework_simplejwt.tokens import RefreshToken

    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client
