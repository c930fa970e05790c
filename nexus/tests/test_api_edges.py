"""The edges of the API: unknown paths, and a schema that tells the truth about what the
server accepts and answers."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.countries import COUNTRIES
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UNKNOWN = [
    "/api/v1/auth/addresses/null,null/",
    "/api/v1/no-such-thing/",
    "/api/nothing",
    "/api/v2/pages/not-a-number/children/",
]
METHODS = ["get", "post", "put", "patch", "delete", "options"]


@pytest.mark.parametrize("path", UNKNOWN)
def test_an_unknown_api_path_is_a_json_404_for_every_method(path):
    client = Client(enforce_csrf_checks=True)
    user = UserFactory()
    client.force_login(user)  # a session cookie must not turn it into a CSRF 403 page
    for method in METHODS:
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, path, response.content[:200])
        assert response["Content-Type"] == "application/json", (method, path)
        assert response.json() == {
            "error": {"code": "not_found", "message": f"No API endpoint at {path}."}
        }
    assert client.head(path).status_code == 404


def test_a_missing_trailing_slash_is_pointed_out():
    response = Client().delete("/api/v1/cart")

    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        "No API endpoint at /api/v1/cart; did you mean /api/v1/cart/ ?"
    )


@pytest.fixture
def schema(openapi_schema):
    return openapi_schema


def test_country_is_an_enum_of_the_codes_the_server_accepts(schema):
    components = schema["components"]["schemas"]
    for name in ("AddressInputRequest", "PatchedAddressInputRequest", "ShippingAddressRequest"):
        country = components[name]["properties"]["country"]
        enum = components[country["allOf"][0]["$ref"].rsplit("/", 1)[1]]["enum"]
        assert set(enum) == set(COUNTRIES) | {code.lower() for code in COUNTRIES}, name


def test_the_server_accepts_exactly_the_country_enum():
    client = APIClient()
    client.force_authenticate(UserFactory())
    address = {"full_name": "Ada", "line1": "1 Row", "city": "London", "postal_code": "N1"}
    answers = {}
    for country in ("GB", "gb", "Gb", "gB", " G", "XX", "G"):
        response = client.post(
            "/api/v1/auth/addresses/", {**address, "country": country}, format="json"
        )
        answers[country] = response.status_code
        if response.status_code == 400:
            assert list(response.json()["error"]["fields"]) == ["country"], country
    assert answers == {"GB": 201, "gb": 201, "Gb": 400, "gB": 400, " G": 400, "XX": 400, "G": 400}
    mixed = client.post("/api/v1/auth/addresses/", {**address, "country": "Gb"}, format="json")
    assert mixed.json()["error"]["fields"]["country"] == [
        "Write the country code in upper or lower case without spaces: GB."
    ]


def test_patch_bodies_mark_what_is_required(schema):
    components = schema["components"]["schemas"]
    line_update = schema["paths"]["/api/v1/cart/lines/{line_id}/"]["patch"]["requestBody"]
    ref = line_update["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert components[ref]["required"] == ["quantity"]
    assert line_update["required"] is True
    # Partial updates really are partial: nothing is required there.
    for name in ("PatchedAddressInputRequest", "PatchedProfileUpdateRequest"):
        assert "required" not in components[name], name


# The only operations that read no bearer token (so never answer 401).
UNAUTHENTICATED = {"/api/v1/payments/webhooks/stripe/", "/api/v1/auth/register/"}


def test_every_status_an_operation_gives_is_documented(schema, openapi_operations):
    missing = []
    for path, method, operation in openapi_operations:
        statuses = set(operation["responses"])
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        if path not in UNAUTHENTICATED and "401" not in statuses:
            missing.append(f"{method.upper()} {path} 401")
        if "X-Cart-Token" in headers and not {"400", "404"} <= statuses:
            missing.append(f"{method.upper()} {path} 400/404 (X-Cart-Token)")
        if path.startswith("/api/v1/vendor/") and "403" not in statuses:
            missing.append(f"{method.upper()} {path} 403")
    assert missing == []
    paths = schema["paths"]
    assert "409" in paths["/api/v1/orders/{number}/cancel/"]["post"]["responses"]
    assert "409" in paths["/api/v1/orders/{number}/refunds/"]["post"]["responses"]
    assert "429" in paths["/api/v1/auth/token/"]["post"]["responses"]


def test_a_forged_token_is_a_401_even_where_logging_in_is_optional():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not.a.token")

    response = client.get("/api/v1/cart/")

    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message"}


def test_a_page_past_the_last_is_a_documented_json_404(schema, openapi_operations):
    """Found by the stateful API fuzzing: `?page=44759` on a paginated list answered a 404
    that the schema did not document."""
    paginated = [
        f"{method.upper()} {path}"
        for path, method, operation in openapi_operations
        if any(p["name"] == "page" for p in operation.get("parameters", []))
    ]
    client = APIClient()
    client.force_authenticate(UserFactory())

    response = client.get("/api/v1/orders/", {"page": 44759})

    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Invalid page."}}
    assert "GET /api/v1/orders/" in paginated
    assert "GET /api/v1/vendor/order-lines/" in paginated
    assert [op for op in paginated if "404" not in _responses(schema, op)] == []


def _responses(schema, operation: str) -> dict:
    method, path = operation.split(" ")
    return schema["paths"][path][method.lower()]["responses"]
