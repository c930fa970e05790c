"""Forged, stale and revoked JWTs are refused at once (401) and change nothing.

Each attack is tried on a read (`me/`) and on a write (`addresses/`): the write must not
create anything. Refresh tokens are tried on `refresh/`, which must issue nothing.
"""

import base64
import json
from datetime import timedelta

import jwt
import pytest
from django.conf import settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.models import Address, EndedTokenSession
from accounts.tests.api.conftest import PASSWORD
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REFRESH = "/api/v1/auth/refresh/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/auth/me/"
ADDRESSES = "/api/v1/auth/addresses/"
ADDRESS = {
    "full_name": "Mallory",
    "line1": "1 Forged Road",
    "city": "Lyon",
    "postal_code": "69001",
    "country": "FR",
}


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _claims(user) -> dict:
    return dict(AccessToken.for_user(user).payload)


def _expired(user) -> str:
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=timedelta(seconds=-1))
    return str(token)


def _signed_with_another_key(user) -> str:
    return jwt.encode(_claims(user), "not-the-server-key-" * 3, algorithm="HS256")


def _alg_none(user) -> str:
    # An unsigned token: header says "none", the signature part is empty.
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(user))}."


def _alg_none_uppercase(user) -> str:
    return f"{_b64({'alg': 'NONE', 'typ': 'JWT'})}.{_b64(_claims(user))}."


def _other_algorithm(user) -> str:
    # Signed with the real key but an algorithm the server does not accept.
    return jwt.encode(_claims(user), settings.SECRET_KEY, algorithm="HS512")


def _payload_swapped(user) -> str:
    # A valid token of a nobody, with the victim's id pasted into the payload.
    header, _, signature = str(AccessToken.for_user(UserFactory())).split(".")
    return f"{header}.{_b64(_claims(user))}.{signature}"


def _refresh_as_access(user) -> str:
    return str(RefreshToken.for_user(user))


ATTACKS = {
    "expired": _expired,
    "bad signature": _signed_with_another_key,
    "alg none": _alg_none,
    "alg NONE": _alg_none_uppercase,
    "other algorithm": _other_algorithm,
    "payload swapped": _payload_swapped,
    "refresh used as access": _refresh_as_access,
}


@pytest.mark.parametrize("attack", ATTACKS.values(), ids=ATTACKS.keys())
def test_forged_or_expired_access_token_is_401_and_writes_nothing(api_client, user, attack):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {attack(user)}")

    read = api_client.get(ME)
    write = api_client.post(ADDRESSES, ADDRESS, format="json")

    assert (read.status_code, write.status_code) == (401, 401)
    assert read.json()["error"]["code"] == "token_not_valid"
    assert write.json()["error"]["code"] == "token_not_valid"
    assert Address.objects.count() == 0


def _deactivate(user) -> None:
    user.is_active = False
    user.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    ("make_unusable", "read_code"),
    [(lambda user: user.delete(), "user_not_found"), (_deactivate, "user_inactive")],
    ids=["deleted", "deactivated"],
)
def test_tokens_of_a_deleted_or_deactivated_user_are_401(api_client, make_unusable, read_code):
    user = UserFactory()
    refresh = RefreshToken.for_user(user)
    access = str(refresh.access_token)
    make_unusable(user)
    outstanding = OutstandingToken.objects.count()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")

    read = api_client.get(ME)
    write = api_client.post(ADDRESSES, ADDRESS, format="json")
    api_client.credentials()
    refreshed = api_client.post(REFRESH, {"refresh": str(refresh)}, format="json")

    assert (read.status_code, write.status_code, refreshed.status_code) == (401, 401, 401)
    assert read.json()["error"]["code"] == read_code
    assert refreshed.json()["error"]["code"] == "no_active_account"
    assert "access" not in refreshed.json()
    assert Address.objects.count() == 0
    assert OutstandingToken.objects.count() == outstanding


def _login(api_client, user) -> dict:
    response = api_client.post(TOKEN, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def test_refresh_reused_after_rotation_is_401_and_issues_nothing(api_client, user):
    first = _login(api_client, user)
    assert api_client.post(REFRESH, {"refresh": first["refresh"]}, format="json").status_code == 200
    outstanding = OutstandingToken.objects.count()

    reused = api_client.post(REFRESH, {"refresh": first["refresh"]}, format="json")

    assert reused.status_code == 401
    assert reused.json() == {
        "error": {"code": "token_not_valid", "message": "Token is blacklisted"}
    }
    assert OutstandingToken.objects.count() == outstanding


def test_refresh_after_logout_is_401_and_logout_again_changes_nothing(api_client, user):
    tokens = _login(api_client, user)
    assert api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json").status_code == 204
    outstanding, blacklisted = OutstandingToken.objects.count(), BlacklistedToken.objects.count()

    refreshed = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    logout_again = api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")

    assert (refreshed.status_code, logout_again.status_code) == (401, 401)
    assert refreshed.json()["error"]["message"] == "Token is blacklisted"
    assert (OutstandingToken.objects.count(), BlacklistedToken.objects.count()) == (
        outstanding,
        blacklisted,
    )


@pytest.mark.parametrize("attack", [_signed_with_another_key, _alg_none], ids=["bad sig", "none"])
def test_forged_refresh_token_is_401_and_issues_nothing(api_client, user, attack):
    claims = dict(RefreshToken.for_user(user).payload)
    forged = (
        jwt.encode(claims, "not-the-server-key-" * 3, algorithm="HS256")
        if attack is _signed_with_another_key
        else f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    )
    outstanding = OutstandingToken.objects.count()

    response = api_client.post(REFRESH, {"refresh": forged}, format="json")

    assert response.status_code == 401
    assert response.json()["error"] == {"code": "token_not_valid", "message": "Token is invalid"}
    assert OutstandingToken.objects.count() == outstanding


def _bearer(api_client, access: str):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return api_client


def _refused(api_client, access: str, code: str) -> None:
    """A read and a write with `access` are both 401 `code`, and the write wrote nothing."""
    addresses = Address.objects.count()
    _bearer(api_client, access)
    read = api_client.get(ME)
    write = api_client.post(ADDRESSES, ADDRESS, format="json")
    api_client.credentials()
    assert (read.status_code, write.status_code) == (401, 401)
    assert (read.json()["error"]["code"], write.json()["error"]["code"]) == (code, code)
    assert Address.objects.count() == addresses


def test_access_token_is_401_at_once_after_logout(api_client, user):
    tokens = _login(api_client, user)
    other_device = _login(api_client, user)
    assert _bearer(api_client, tokens["access"]).get(ME).status_code == 200
    api_client.credentials()

    logout = api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")

    assert logout.status_code == 204
    _refused(api_client, tokens["access"], "session_ended")
    assert api_client.get(ME).status_code == 401
    refreshed = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 401
    assert "access" not in refreshed.json()
    # Another login of the same user is another session: still valid.
    assert _bearer(api_client, other_device["access"]).get(ME).status_code == 200
    assert EndedTokenSession.objects.count() == 1


def test_logout_after_rotation_ends_every_access_token_of_that_login(api_client, user):
    first = _login(api_client, user)
    rotated = api_client.post(REFRESH, {"refresh": first["refresh"]}, format="json").json()
    assert _bearer(api_client, rotated["access"]).get(ME).status_code == 200
    api_client.credentials()

    assert (
        api_client.post(LOGOUT, {"refresh": rotated["refresh"]}, format="json").status_code == 204
    )

    _refused(api_client, first["access"], "session_ended")
    _refused(api_client, rotated["access"], "session_ended")


def test_access_token_after_logout_is_401_on_graphql_too(api_client, user):
    tokens = _login(api_client, user)
    api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")

    response = api_client.post(
        "/graphql/",
        {"query": "{ me { email } }"},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['access']}",
    )

    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"] == {"code": "session_ended"}


def _change_password_on_the_site(client, user) -> None:
    client.force_login(user)
    response = client.post(
        "/account/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-passphrase-7",
            "new_password2": "a-brand-new-passphrase-7",
        },
    )
    assert response.status_code == 302


def _change_password_directly(client, user) -> None:
    user.set_password("a-brand-new-passphrase-7")
    user.save()


@pytest.mark.parametrize(
    "change", [_change_password_on_the_site, _change_password_directly], ids=["site", "model"]
)
def test_tokens_issued_before_a_password_change_are_401(api_client, client, user, change):
    tokens = _login(api_client, user)
    outstanding = OutstandingToken.objects.count()

    change(client, user)

    _refused(api_client, tokens["access"], "password_changed")
    refreshed = api_client.post(REFRESH, {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 401
    assert refreshed.json()["error"]["code"] == "password_changed"
    assert OutstandingToken.objects.count() == outstanding
    # Logging in with the new password gives tokens that work.
    fresh = api_client.post(
        TOKEN, {"email": user.email, "password": "a-brand-new-passphrase-7"}, format="json"
    ).json()
    assert _bearer(api_client, fresh["access"]).get(ME).status_code == 200


def test_checking_a_token_costs_one_query(api_client, user, django_assert_num_queries):
    tokens = _login(api_client, user)
    _bearer(api_client, tokens["access"])

    with django_assert_num_queries(1):
        response = api_client.get(ME)

    assert response.status_code == 200


def test_logouts_older_than_the_refresh_lifetime_are_purged(api_client, user):
    from django.utils import timezone
    from rest_framework_simplejwt.settings import api_settings

    from accounts.services import ended_token_sessions_purge

    old, recent = _login(api_client, user), _login(api_client, user)
    for tokens in (old, recent):
        api_client.post(LOGOUT, {"refresh": tokens["refresh"]}, format="json")
    expired = timezone.now() - api_settings.REFRESH_TOKEN_LIFETIME - timedelta(minutes=1)
    recent_sid = RefreshToken(recent["refresh"], verify=False)["sid"]
    EndedTokenSession.objects.exclude(sid=recent_sid).update(ended_at=expired)

    assert ended_token_sessions_purge() == 1
    assert list(EndedTokenSession.objects.values_list("sid", flat=True)) == [recent_sid]
