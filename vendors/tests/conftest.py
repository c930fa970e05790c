"""Fixtures for the vendor tests: two onboarded vendors (A untrusted, B trusted) with owners,
an editor, and a product each."""

import pytest

from accounts.tests.factories import UserFactory
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
