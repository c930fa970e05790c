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
