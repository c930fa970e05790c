import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError

pytestmark = pytest.mark.django_db


def test_admin_login_page_renders(client):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_superuser_logs_in_to_the_wagtail_admin_with_email(client, site_tree):
    get_user_model().objects.create_superuser(email="Editor@Example.com", password="pw-12345-xyz")

    response = client.post(
        "/admin/login/", {"username": "editor@example.com", "password": "pw-12345-xyz"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_wrong_password_is_refused(client):
    get_user_model().objects.create_superuser(email="editor@example.com", password="right-pw-123")

    response = client.post("/admin/login/", {"username": "editor@example.com", "password": "wrong"})

    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_email_is_unique_whatever_its_case():
    User = get_user_model()
    User.objects.create_user(email="shopper@example.com", password="x-password-1")
    with pytest.raises(IntegrityError):
        User.objects.create_user(email="SHOPPER@example.com", password="x-password-2")


def test_email_login_is_case_insensitive():
    User = get_user_model()
    user = User.objects.create_user(email="Mixed.Case@Example.com", password="pw-abc-12345")

    assert user.email == "mixed.case@example.com"
    assert User.objects.get_by_natural_key("MIXED.case@example.COM") == user


# --- lockout of the admin login (django-axes) ---------------------------------------------


def _admin_login(client, email, password, address="203.0.113.7"):
    return client.post(
        "/admin/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_admin_login_locks_after_repeated_failures_even_for_the_right_password(
    client, site_tree, settings
):
    get_user_model().objects.create_superuser(email="editor@example.com", password="right-pw-123")
    failures = [
        _admin_login(client, "editor@example.com", f"wrong-{n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT - 1)
    ]

    locking = _admin_login(client, "EDITOR@example.com", "wrong-last")
    locked = _admin_login(client, "editor@example.com", "right-pw-123")

    assert failures == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert (locking.status_code, locked.status_code) == (429, 429)
    assert locked.headers["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    assert b"Too many failed log-in attempts" in locked.content
    assert b"site-header" in locked.content
    assert client.get("/admin/").status_code == 302


def test_admin_lockout_is_per_name_and_address(client, site_tree, settings):
    get_user_model().objects.create_superuser(email="editor@example.com", password="right-pw-123")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _admin_login(client, "editor@example.com", f"wrong-{n}")

    from_elsewhere = _admin_login(client, "editor@example.com", "right-pw-123", "198.51.100.9")

    assert from_elsewhere.status_code == 302
    assert from_elsewhere.headers["Location"] == "/admin/"


def test_admin_login_success_resets_the_failure_count(client, site_tree, settings):
    get_user_model().objects.create_superuser(email="editor@example.com", password="right-pw-123")
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _admin_login(client, "editor@example.com", f"wrong-{n}")
    assert _admin_login(client, "editor@example.com", "right-pw-123").status_code == 302
    client.logout()

    after = [
        _admin_login(client, "editor@example.com", f"again-{n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT - 1)
    ]

    assert after == [200] * (settings.AXES_FAILURE_LIMIT - 1)


def test_site_and_api_logins_are_left_to_the_throttles(client, site_tree, settings):
    from rest_framework.test import APIClient

    get_user_model().objects.create_user(email="shopper@example.com", password="right-pw-123")
    api = APIClient()
    for n in range(settings.AXES_FAILURE_LIMIT + 1):
        client.post("/account/login/", {"username": "shopper@example.com", "password": f"x{n}"})
        api.post(
            "/api/v1/auth/token/",
            {"email": "shopper@example.com", "password": f"x{n}"},
            format="json",
        )

    site = client.post(
        "/account/login/", {"username": "shopper@example.com", "password": "right-pw-123"}
    )
    token = api.post(
        "/api/v1/auth/token/",
        {"email": "shopper@example.com", "password": "right-pw-123"},
        format="json",
    )

    assert site.status_code == 302
    assert token.status_code == 200


def test_login_without_a_request_still_works():
    from django.contrib.auth import authenticate

    user = get_user_model().objects.create_user(email="x@example.com", password="right-pw-123")

    assert authenticate(username="x@example.com", password="right-pw-123") == user
