import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def shopper_api(shopper):
    """A client authenticated with a real JWT access token, as a headless frontend would be."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(shopper).access_token}")
    return client


@pytest.fixture
def other_api(other_shopper):
    client = APIClient()
    client.force_authenticate(other_shopper)
    return client
