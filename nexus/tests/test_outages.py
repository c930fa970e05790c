"""Backing services failing under a request: the database is a fast 503 (JSON on the API, the
site's page on the site), Redis down degrades to uncached service, never a 500."""

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from catalog.tests.factories import make_product
from commerce.api.cart import CartView
from commerce.models import CartLine
from home.models import HomePage
from vendors.tests.factories import make_vendor

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:18809/0"  # nothing listens there


def _database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_database_outage_in_an_api_view_is_a_json_503(monkeypatch, site_tree):
    monkeypatch.setattr(CartView, "get", _database_gone)

    response = APIClient().get("/api/v1/cart/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "service_unavailable"


def test_database_outage_in_a_site_page_is_the_sites_503_page(monkeypatch, site_tree):
    monkeypatch.setattr(HomePage, "get_context", _database_gone)

    response = Client().get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"Back in a moment" in response.content


def test_database_outage_in_middleware_is_a_503_too(monkeypatch, site_tree):
    monkeypatch.setattr(SessionStore, "load", _database_gone)
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "x" * 32

    response = client.get("/cart/")

    assert response.status_code == 503
    assert b"Back in a moment" in response.content


def test_database_outage_while_authenticating_a_token_is_a_json_503(monkeypatch, site_tree):
    from rest_framework_simplejwt.tokens import AccessToken

    from accounts.tokens import SessionJWTAuthentication

    monkeypatch.setattr(SessionJWTAuthentication, "get_user", _database_gone)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(UserFactory())}")

    response = client.get("/api/v1/auth/me/")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


def test_other_errors_are_still_the_500_page(monkeypatch, site_tree):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(HomePage, "get_context", broken)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.PAGE_CACHE_SECONDS = 600


def test_redis_down_pages_sessions_throttles_and_carts_still_work(redis_down, site_tree):
    product = make_product(vendor=make_vendor(name="Acme"), title="Mug", stock=3)
    user = UserFactory(email="shopper@example.com")
    user.set_password("pw-123456-xyz")
    user.save()
    anonymous, shopper, api = Client(), Client(), APIClient()

    pages = [anonymous.get(product.url).status_code for _ in range(2)]
    login = shopper.post(
        "/account/login/", {"username": "shopper@example.com", "password": "pw-123456-xyz"}
    )
    account = shopper.get("/account/")
    added = shopper.post("/cart/add/", {"variant": product.variants.get().pk, "quantity": 1})
    token = api.post(
        "/api/v1/auth/token/",
        {"email": "shopper@example.com", "password": "pw-123456-xyz"},
        format="json",
    )
    health = anonymous.get("/healthz")

    assert pages == [200, 200]
    assert (login.status_code, account.status_code, added.status_code) == (302, 200, 302)
    assert CartLine.objects.filter(cart__user=user).count() == 1
    assert token.status_code == 200
    assert health.status_code == 503
    assert health.json()["components"]["cache"]["status"] == "down"
