import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from accounts.models import Address
from accounts.services import address_create
from accounts.tests.factories import ADDRESS, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-brand-new-pass-phrase-7"


@pytest.fixture(autouse=True)
def _site(site_tree):
    return site_tree


@pytest.fixture
def user(db):
    return UserFactory(email="shopper@example.com", first_name="Ada", last_name="Lovelace")


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def _session_user_id(client):
    return client.session.get("_auth_user_id")


# --- login / logout -----------------------------------------------------------------------


def test_login_page_asks_for_email(client):
    response = client.get("/account/login/")

    assert response.status_code == 200
    assert b'type="email" name="username"' in response.content
    assert b"E-mail address" in response.content


def test_login_with_email_in_any_case_redirects_to_next(client, user):
    response = client.post(
        "/account/login/",
        {"username": "SHOPPER@Example.com", "password": PASSWORD, "next": "/account/addresses/"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/addresses/"
    assert _session_user_id(client) == str(user.pk)


def test_login_refuses_offsite_next(client, user):
    response = client.post(
        "/account/login/",
        {"username": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_wrong_password_shows_error_and_does_not_log_in(client, user):
    response = client.post("/account/login/", {"username": user.email, "password": "wrong"})

    assert response.status_code == 200
    assert b"Please enter a correct e-mail address and password" in response.content
    assert _session_user_id(client) is None


def test_login_is_throttled(client, user, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "2/min",
        },
    }
    for _ in range(2):
        client.post("/account/login/", {"username": user.email, "password": "wrong"})

    response = client.post("/account/login/", {"username": user.email, "password": PASSWORD})

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert b"Too many attempts from your connection" in response.content
    assert _session_user_id(client) is None


def test_logout_needs_post(logged_in, user):
    get = logged_in.get("/account/logout/")
    post = logged_in.post("/account/logout/")

    assert get.status_code == 405
    assert post.status_code == 302
    assert post.headers["Location"] == "/"
    assert _session_user_id(logged_in) is None


# --- register ---------------------------------------------------------------------------


def _register(client, **overrides):
    data = {
        "email": "new@example.com",
        "first_name": "Grace",
        "last_name": "Hopper",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }
    return client.post("/account/register/", data)


def test_register_creates_account_and_logs_in(client):
    response = _register(client, email="New@Example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"
    user = get_user_model().objects.get(email="new@example.com")
    assert (user.first_name, user.last_name) == ("Grace", "Hopper")
    assert _session_user_id(client) == str(user.pk)
    assert b"Welcome! Your account is ready." in client.get("/account/").content


def test_register_refuses_taken_email_in_any_case(client, user):
    response = _register(client, email="SHOPPER@EXAMPLE.COM")

    assert response.status_code == 400
    assert b"An account with the e-mail address shopper@example.com already exists" in (
        response.content
    )
    assert get_user_model().objects.count() == 1
    assert _session_user_id(client) is None


def test_register_refuses_weak_password(client):
    response = _register(client, password1="12345678", password2="12345678")

    assert response.status_code == 400
    assert b"This password is too common." in response.content
    assert not get_user_model().objects.exists()


def test_register_refuses_mismatched_passwords(client):
    response = _register(client, password2="something-else-entirely")

    assert response.status_code == 400
    assert b"The two passwords do not match." in response.content
    assert not get_user_model().objects.exists()


def test_register_is_throttled_and_creates_nothing(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": "1/min",
        },
    }
    _register(client, email="first@example.com")
    client.logout()

    response = _register(client, email="second@example.com")

    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert b"Too many attempts from your connection" in response.content
    assert not get_user_model().objects.filter(email="second@example.com").exists()


def test_register_redirects_logged_in_user(logged_in):
    response = logged_in.get("/account/register/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/"


# --- profile and password change -------------------------------------------------------------


def test_profile_requires_login(client):
    response = client.get("/account/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login/?next=/account/"


def test_profile_shows_and_changes_name(logged_in, user):
    page = logged_in.get("/account/")
    response = logged_in.post("/account/", {"first_name": "Augusta", "last_name": "King"})

    assert page.status_code == 200
    assert b"shopper@example.com" in page.content
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Augusta", "King")


def test_password_change(logged_in, user):
    response = logged_in.post(
        "/account/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password/change/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert _session_user_id(logged_in) == str(user.pk)


def test_password_change_wrong_old_password_changes_nothing(logged_in, user):
    response = logged_in.post(
        "/account/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    assert b"Your old password was entered incorrectly" in response.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- password reset by e-mail ---------------------------------------------------------------


@pytest.fixture
def request_reset(client, django_capture_on_commit_callbacks):
    """Posts the reset form and runs what it queued (the e-mail task) in this process."""
    from nexus.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True

    def post(email):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/account/password/reset/", {"email": email})

    yield post
    app.conf.task_always_eager = previous


def test_password_reset_email_link_flow(client, user, request_reset):
    response = request_reset("Shopper@Example.com")

    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["shopper@example.com"]
    assert message.subject == "Reset your Nexus password"
    link = re.search(r"http://testserver(/account/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert link, message.body
    assert message.alternatives and link.group(1) in message.alternatives[0][0]

    # Django swaps the token for a session value and redirects to the "set-password" URL.
    confirm = client.get(link.group(1))
    assert confirm.status_code == 302
    form_page = client.get(confirm.headers["Location"])
    assert form_page.status_code == 200
    assert b"Choose a new password" in form_page.content

    done = client.post(
        confirm.headers["Location"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert done.headers["Location"] == "/account/password/reset/complete/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    reused = client.get(link.group(1), follow=True)
    assert b"This link does not work" in reused.content


def test_password_reset_for_unknown_email_sends_nothing_but_looks_the_same(
    client, user, request_reset
):
    known = request_reset(user.email)
    mail.outbox.clear()
    unknown = request_reset("nobody@example.com")

    assert unknown.status_code == known.status_code == 302
    assert unknown.headers["Location"] == known.headers["Location"]
    assert unknown.content == known.content
    assert mail.outbox == []


def test_password_reset_takes_the_same_path_for_known_and_unknown_addresses(
    client, user, django_capture_on_commit_callbacks, monkeypatch
):
    """The request only queues the lookup: known or not, one task with the address is queued
    and no query touches the users table while answering."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts import tasks

    queued = []
    monkeypatch.setattr(
        tasks.password_reset_email_send, "apply_async", lambda **kw: queued.append(kw)
    )
    for email in (user.email, "nobody@example.com"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            client.post("/account/password/reset/", {"email": email})
        assert not [q for q in queries if "accounts_user" in q["sql"]]

    assert [call["kwargs"]["email"] for call in queued] == [user.email, "nobody@example.com"]
    assert mail.outbox == []


def test_password_reset_is_throttled_with_retry_after(client, user, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "password_reset": "2/min",
        },
    }
    statuses = [
        client.post("/account/password/reset/", {"email": user.email}).status_code for _ in range(2)
    ]

    throttled = client.post("/account/password/reset/", {"email": user.email})

    assert statuses == [302, 302]
    assert throttled.status_code == 429
    assert 0 < int(throttled.headers["Retry-After"]) <= 60
    assert b"Too many attempts from your connection" in throttled.content


def test_password_reset_refuses_weak_new_password(client, user, request_reset):
    request_reset(user.email)
    path = re.search(r"(/account/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body).group(1)
    set_password_url = client.get(path).headers["Location"]

    response = client.post(
        set_password_url, {"new_password1": "12345678", "new_password2": "12345678"}
    )

    assert response.status_code == 200
    assert b"This password is too common." in response.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- saved addresses ---------------------------------------------------------------------------


def test_addresses_require_login(client):
    response = client.get("/account/addresses/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login/?next=")


def test_address_add_list_edit_default_delete(logged_in, user):
    added = logged_in.post("/account/addresses/add/", {**ADDRESS, "country": "GB"})
    assert added.status_code == 302
    first = Address.objects.get(user=user)
    assert first.is_default is True

    logged_in.post("/account/addresses/add/", {**ADDRESS, "city": "Bath", "country": "GB"})
    second = Address.objects.get(user=user, city="Bath")

    listing = logged_in.get("/account/addresses/")
    assert listing.status_code == 200
    assert listing.content.count(b"data-address-id=") == 2

    edited = logged_in.post(
        f"/account/addresses/{second.pk}/edit/", {**ADDRESS, "city": "Oxford", "country": "FR"}
    )
    assert edited.status_code == 302
    second.refresh_from_db()
    assert (second.city, second.country, second.is_default) == ("Oxford", "FR", False)

    made_default = logged_in.post(f"/account/addresses/{second.pk}/default/")
    assert made_default.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)

    confirm = logged_in.get(f"/account/addresses/{second.pk}/delete/")
    assert confirm.status_code == 200
    deleted = logged_in.post(f"/account/addresses/{second.pk}/delete/")
    assert deleted.status_code == 302
    assert list(Address.objects.filter(user=user)) == [first]
    first.refresh_from_db()
    assert first.is_default is True


def test_address_add_shows_errors_and_saves_nothing(logged_in, user):
    response = logged_in.post("/account/addresses/add/", {**ADDRESS, "country": "XX", "city": ""})

    assert response.status_code == 400
    assert b"Select a valid choice. XX is not one of the available choices." in response.content
    assert b"This field is required." in response.content
    assert not Address.objects.filter(user=user).exists()


def test_another_users_address_is_404_on_the_site(logged_in):
    other = address_create(user=UserFactory(), **ADDRESS)

    responses = [
        logged_in.get(f"/account/addresses/{other.pk}/edit/"),
        logged_in.post(f"/account/addresses/{other.pk}/edit/", {**ADDRESS, "city": "Hijacked"}),
        logged_in.post(f"/account/addresses/{other.pk}/delete/"),
        logged_in.post(f"/account/addresses/{other.pk}/default/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    other.refresh_from_db()
    assert (other.city, other.is_default) == ("London", True)
    assert Address.objects.filter(pk=other.pk).exists()


def test_address_default_needs_post(logged_in, user):
    address = address_create(user=user, **ADDRESS)

    response = logged_in.get(f"/account/addresses/{address.pk}/default/")

    assert response.status_code == 405
