from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.tests.api.conftest import PASSWORD
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"


def _users():
    return get_user_model().objects.count()


# --- register -------------------------------------------------------------------------


def test_register_creates_account(api_client):
    response = api_client.post(
        REGISTER,
        {"email": "New@Example.com", "password": "a-long-pass-phrase-42", "first_name": "Grace"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("email", "first_name", "last_name")} == {
        "email": "new@example.com",
        "first_name": "Grace",
        "last_name": "",
    }
    assert "password" not in body
    assert (
        get_user_model()
        .objects.get(email="new@example.com")
        .check_password("a-long-pass-phrase-42")
    )


def test_register_refuses_taken_email_in_any_case(api_client, user):
    before = _users()

    response = api_client.post(
        REGISTER,
        {"email": "SHOPPER@example.COM", "password": "a-long-pass-phrase-42"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "email_taken",
            "message": "An account with the e-mail address shopper@example.com already exists. "
            "Log in or reset your password.",
            "fields": {
                "email": [
                    "An account with the e-mail address shopper@example.com already exists. "
                    "Log in or reset your password."
                ]
            },
        }
    }
    assert _users() == before


def test_register_validates_password_with_django_validators(api_client):
    response = api_client.post(
        REGISTER, {"email": "weak@example.com", "password": "12345678"}, format="json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "password_invalid"
    assert "This password is too common." in error["fields"]["password"][0]
    assert "This password is entirely numeric." in error["fields"]["password"][0]
    assert _users() == 0


def test_register_refuses_password_similar_to_email(api_client):
    response = api_client.post(
        REGISTER, {"email": "margaretha@example.com", "password": "margaretha1"}, format="json"
    )

    assert response.status_code == 400
    assert "too similar to the e-mail address" in response.json()["error"]["message"]
    assert _users() == 0


def test_register_missing_fields_are_listed(api_client):
    response = api_client.post(REGISTER, {}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {
        "email": ["This field is required."],
        "password": ["This field is required."],
    }
    assert error["message"] == "email: This field is required."


def test_register_invalid_email(api_client):
    response = api_client.post(
        REGISTER, {"email": "not-an-email", "password": "a-long-pass-phrase-42"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"email": ["Enter a valid email address."]}
    assert _users() == 0


def test_register_malformed_json_is_400(api_client):
    response = api_client.post(
        REGISTER, data='{"email": "x@example.com", ', content_type="application/json"
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert error["message"].startswith("JSON parse error")
    assert _users() == 0


def test_register_wrong_content_type_is_415(api_client):
    response = api_client.post(
        REGISTER,
        data="email=x@example.com&password=a-long-pass-phrase-42",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415
    assert response.json() == {
        "error": {
            "code": "unsupported_media_type",
            "message": 'Unsupported media type "application/x-www-form-urlencoded" in request.',
        }
    }
    assert _users() == 0


def test_register_json_array_body_is_400(api_client):
    response = api_client.post(REGISTER, data="[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert _users() == 0


# --- token ----------------------------------------------------------------------------


def test_token_obtain_with_email_in_any_case(api_client, user):
    response = api_client.post(
        TOKEN, {"email": "SHOPPER@example.com", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access", "refresh"}
    assert AccessToken(body["access"])["user_id"] == str(user.pk)


def test_token_obtain_wrong_password_is_401(api_client, user):
    response = api_client.post(TOKEN, {"email": user.email, "password": "wrong"}, format="json")

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "no_active_account",
            "message": "No active account found with the given credentials",
        }
    }


def test_token_obtain_inactive_user_is_401(api_client, user):
    user.is_active = False
    user.save()

    response = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"


def test_token_obtain_missing_fields_is_400(api_client):
    response = api_client.post(TOKEN, {"email": "x@example.com"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"password": ["This field is required."]}


def test_token_obtain_malformed_json_is_400(api_client):
    response = api_client.post(TOKEN, data="{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


# --- throttle -------------------------------------------------------------------------


def _with_auth_rate(settings, rate):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "auth": rate,
        },
    }


def test_login_is_throttled(api_client, user, settings):
    _with_auth_rate(settings, "3/min")

    statuses = [
        api_client.post(
            TOKEN, {"email": user.email, "password": "wrong"}, format="json"
        ).status_code
        for _ in range(3)
    ]
    throttled = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")

    assert statuses == [401, 401, 401]
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert throttled.json()["error"]["message"].startswith("Request was throttled.")
    assert int(throttled.headers["Retry-After"]) > 0


def test_registration_is_throttled_and_creates_nothing_when_throttled(api_client, settings):
    _with_auth_rate(settings, "2/min")
    for number in range(2):
        response = api_client.post(
            REGISTER,
            {"email": f"user{number}@example.com", "password": "a-long-pass-phrase-42"},
            format="json",
        )
        assert response.status_code == 201

    throttled = api_client.post(
        REGISTER, {"email": "late@example.com", "password": "a-long-pass-phrase-42"}, format="json"
    )

    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert not get_user_model().objects.filter(email="late@example.com").exists()


# --- refresh rotation and logout --------------------------------------------------------


def _login(api_client, user):
    return api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json").json()


def test_refresh_rotates_and_blacklists_the_used_token(api_client, user):
    first = _login(api_client, user)

    rotated = api_client.post(REFRESH, {"refresh": first["refresh"]}, format="json")
    reused = api_client.post(REFRESH, {"refresh": first["refresh"]}, format="json")
    again = api_client.post(REFRESH, {"refresh": rotated.json()["refresh"]}, format="json")

    assert rotated.status_code == 200
    assert set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != first["refresh"]
    assert reused.status_code == 401
    assert reused.json() == {
        "error": {"code": "token_not_valid", "message": "Token is blacklisted"}
    }
    assert again.status_code == 200


def test_refresh_with_expired_token_is_401(api_client, user):
    refresh = RefreshToken.for_user(user)
    refresh.set_exp(lifetime=timedelta(seconds=-1))

    response = api_client.post(REFRESH, {"refresh": str(refresh)}, format="json")

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "token_not_valid", "message": "Token is expired"}}


def test_refresh_with_tampered_token_is_401(api_client, user):
    token = str(RefreshToken.for_user(user))
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")

    response = api_client.post(REFRESH, {"refresh": tampered}, format="json")

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "token_not_valid", "message": "Token is invalid"}}


def test_refresh_with_access_token_is_401(api_client, user):
    access = str(RefreshToken.for_user(user).access_token)

    response = api_client.post(REFRESH, {"refresh": access}, format="json")

    assert response.status_code == 401
    assert response.json()["error"] == {
        "code": "token_not_valid",
        "message": "Token has wrong type",
    }


def test_refresh_for_deleted_user_is_401(api_client):
    gone = UserFactory()
    refresh = str(RefreshToken.for_user(gone))
    gone.delete()

    response = api_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"


def test_refresh_missing_field_is_400(api_client):
    response = api_client.post(REFRESH, {}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"refresh": ["This field is required."]}


def test_logout_blacklists_the_refresh_token(api_client, user):
    tokens = _login(api_client, user)

    response = api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")
    refresh_after = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    logout_again = api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")

    assert response.status_code == 204
    assert BlacklistedToken.objects.filter(token__user=user).count() == 1
    assert refresh_after.status_code == 401
    assert refresh_after.json()["error"]["message"] == "Token is blacklisted"
    assert logout_again.status_code == 401
    assert logout_again.json() == {
        "error": {"code": "token_not_valid", "message": "Token is blacklisted."}
    }


def test_logout_with_garbage_token_is_401_and_blacklists_nothing(api_client):
    response = api_client.post(LOGOUT, {"refresh": "not-a-token"}, format="json")

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "token_not_valid", "message": "Token is invalid."}}
    assert BlacklistedToken.objects.count() == 0


def test_logout_missing_field_is_400(api_client):
    response = api_client.post(LOGOUT, {}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"refresh": ["This field is required."]}


# --- me ------------------------------------------------------------------------------


def test_me_returns_the_profile(auth_client, user):
    response = auth_client.get(ME)

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("id", "email", "first_name", "last_name")} == {
        "id": user.pk,
        "email": "shopper@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
    }


def test_me_without_token_is_401(api_client):
    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Authentication credentials were not provided.",
        }
    }
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_with_expired_access_token_is_401(api_client, user):
    access = AccessToken.for_user(user)
    access.set_exp(lifetime=timedelta(seconds=-1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "token_not_valid", "message": "Token is expired"}}


def test_me_with_tampered_access_token_is_401(api_client, user):
    header, payload, signature = str(AccessToken.for_user(user)).split(".")
    other = UserFactory()
    _, other_payload, _ = str(AccessToken.for_user(other)).split(".")
    # Someone else's claims under this user's signature.
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {header}.{other_payload}.{signature}")

    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json() == {"error": {"code": "token_not_valid", "message": "Token is invalid"}}


def test_me_with_malformed_authorization_header_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer")

    response = api_client.get(ME)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_authorization_header"


def test_me_patch_changes_name(auth_client, user):
    response = auth_client.patch(ME, {"first_name": "Augusta"}, format="json")

    assert response.status_code == 200
    assert response.json()["first_name"] == "Augusta"
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Augusta", "Lovelace")


def test_me_patch_ignores_email_and_refuses_long_names(auth_client, user):
    ignored = auth_client.patch(ME, {"email": "hijack@example.com"}, format="json")
    too_long = auth_client.patch(ME, {"last_name": "x" * 151}, format="json")

    assert ignored.status_code == 200
    assert too_long.status_code == 400
    assert too_long.json()["error"]["fields"] == {
        "last_name": ["Ensure this field has no more than 150 characters."]
    }
    user.refresh_from_db()
    assert (user.email, user.last_name) == ("shopper@example.com", "Lovelace")


def test_me_patch_without_token_is_401(api_client):
    response = api_client.patch(ME, {"first_name": "X"}, format="json")

    assert response.status_code == 401


def test_token_obtain_wrong_types_are_400(api_client):
    response = api_client.post(TOKEN, {"email": ["x"], "password": None}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "email": ["Not a valid string."],
        "password": ["This field may not be null."],
    }


def test_me_patch_with_a_json_list_is_400(auth_client):
    response = auth_client.patch(ME, data="[1]", content_type="application/json")

    assert response.status_code == 400
    assert (
        response.json()["error"]["message"] == "Invalid data. Expected a dictionary, but got list."
    )
