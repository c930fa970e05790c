import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Address
from accounts.services import address_create
from accounts.tests.factories import ADDRESS, UserFactory

pytestmark = pytest.mark.django_db

ADDRESSES = "/api/v1/auth/addresses/"


def _detail(address_id):
    return f"{ADDRESSES}{address_id}/"


@pytest.fixture
def stranger_address(db):
    return address_create(user=UserFactory(), **{**ADDRESS, "full_name": "Someone Else"})


def _snapshot(address):
    address.refresh_from_db()
    return {field: getattr(address, field) for field in (*ADDRESS, "line2", "phone", "is_default")}


def test_list_shows_only_own_addresses_default_first(auth_client, user, stranger_address):
    first = address_create(user=user, **ADDRESS)
    second = address_create(user=user, **{**ADDRESS, "city": "Bath"}, is_default=True)

    response = auth_client.get(ADDRESSES)

    assert response.status_code == 200
    assert [(a["id"], a["city"], a["is_default"]) for a in response.json()] == [
        (second.pk, "Bath", True),
        (first.pk, "London", False),
    ]


def test_list_requires_authentication(api_client):
    response = api_client.get(ADDRESSES)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_create_first_address_becomes_default(auth_client, user):
    response = auth_client.post(ADDRESSES, {**ADDRESS, "country": "gb"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in (*ADDRESS, "line2", "phone", "is_default")} == {
        **ADDRESS,
        "line2": "",
        "phone": "",
        "is_default": True,
    }
    assert Address.objects.get(pk=body["id"]).user == user


def test_create_ignores_a_user_field_in_the_body(auth_client, user, stranger_address):
    response = auth_client.post(
        ADDRESSES, {**ADDRESS, "user": stranger_address.user_id}, format="json"
    )

    assert response.status_code == 201
    assert Address.objects.get(pk=response.json()["id"]).user == user


def test_create_refuses_unknown_country(auth_client, user):
    response = auth_client.post(ADDRESSES, {**ADDRESS, "country": "QQ"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "Country: QQ is not an ISO 3166-1 alpha-2 country code (e.g. DE, FR, GB, US).",
        "fields": {
            "country": [
                "Country: QQ is not an ISO 3166-1 alpha-2 country code (e.g. DE, FR, GB, US)."
            ]
        },
    }
    assert not Address.objects.filter(user=user).exists()


def test_create_missing_fields_are_listed(auth_client, user):
    response = auth_client.post(ADDRESSES, {"full_name": "Ada"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"line1", "city", "postal_code", "country"}
    assert not Address.objects.filter(user=user).exists()


def test_create_malformed_json_and_wrong_content_type(auth_client, user):
    malformed = auth_client.post(ADDRESSES, data="{", content_type="application/json")
    wrong_type = auth_client.post(ADDRESSES, data="x", content_type="text/plain")

    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "parse_error"
    assert wrong_type.status_code == 415
    assert wrong_type.json()["error"]["code"] == "unsupported_media_type"
    assert not Address.objects.filter(user=user).exists()


def test_retrieve_own_address(auth_client, user):
    address = address_create(user=user, **ADDRESS)

    response = auth_client.get(_detail(address.pk))

    assert response.status_code == 200
    assert response.json()["id"] == address.pk


def test_unknown_address_is_404(auth_client):
    response = auth_client.get(_detail(999999))

    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "address_not_found", "message": "No saved address with id 999999."}
    }


def test_another_users_address_is_404_for_every_method(auth_client, stranger_address):
    before = _snapshot(stranger_address)
    url = _detail(stranger_address.pk)

    responses = [
        auth_client.get(url),
        auth_client.patch(url, {"city": "Hijacked"}, format="json"),
        auth_client.delete(url),
        auth_client.post(f"{url}default/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert {r.json()["error"]["code"] for r in responses} == {"address_not_found"}
    assert _snapshot(stranger_address) == before


def test_patch_changes_given_fields(auth_client, user):
    address = address_create(user=user, **ADDRESS)

    response = auth_client.patch(
        _detail(address.pk), {"city": "Oxford", "phone": "+44 1865 000000"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["city"], response.json()["phone"]) == ("Oxford", "+44 1865 000000")
    address.refresh_from_db()
    assert (address.city, address.line1) == ("Oxford", ADDRESS["line1"])


def test_patch_invalid_value_changes_nothing(auth_client, user):
    address = address_create(user=user, **ADDRESS)
    before = _snapshot(address)

    bad_country = auth_client.patch(
        _detail(address.pk), {"city": "Oxford", "country": "ZZ"}, format="json"
    )
    blank_city = auth_client.patch(_detail(address.pk), {"city": ""}, format="json")

    assert bad_country.status_code == 400
    assert list(bad_country.json()["error"]["fields"]) == ["country"]
    assert blank_city.status_code == 400
    assert blank_city.json()["error"]["fields"] == {"city": ["This field may not be blank."]}
    assert _snapshot(address) == before


def test_delete_removes_and_promotes_a_new_default(auth_client, user):
    default = address_create(user=user, **ADDRESS)
    other = address_create(user=user, **ADDRESS)

    response = auth_client.delete(_detail(default.pk))

    assert response.status_code == 204
    assert list(Address.objects.filter(user=user)) == [other]
    other.refresh_from_db()
    assert other.is_default is True


def test_set_default(auth_client, user):
    first = address_create(user=user, **ADDRESS)
    second = address_create(user=user, **ADDRESS)

    response = auth_client.post(f"{_detail(second.pk)}default/")

    assert response.status_code == 200
    assert response.json()["is_default"] is True
    first.refresh_from_db()
    assert first.is_default is False


def test_tampered_token_cannot_delete_an_address(user):
    address = address_create(user=user, **ADDRESS)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + str(RefreshToken.for_user(user))[:-2] + "xx")

    response = client.delete(_detail(address.pk))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"
    assert Address.objects.filter(pk=address.pk).exists()


def test_out_of_range_address_id_is_404(auth_client):
    response = auth_client.get(_detail(10**25))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "address_not_found"


def test_wrong_types_are_400_per_field(auth_client, user):
    response = auth_client.post(
        ADDRESSES,
        {
            "full_name": ["x"],
            "line1": None,
            "city": {},
            "postal_code": "1",
            "country": "g\x00",
            "is_default": "maybe",
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "full_name": ["Not a valid string."],
        "line1": ["This field may not be null."],
        "city": ["Not a valid string."],
        "country": ["Null characters are not allowed."],
        "is_default": ["Must be a valid boolean."],
    }
    assert not Address.objects.filter(user=user).exists()


def test_put_is_not_allowed(auth_client, user):
    address = address_create(user=user, **ADDRESS)

    response = auth_client.put(_detail(address.pk), ADDRESS, format="json")

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
