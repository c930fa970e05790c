"""The API-wide OpenAPI checks: the schema of every /api/v1/ endpoint (all apps) validates
without warnings, uses the one error shape, and the docs pages work offline."""

import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats

pytestmark = pytest.mark.django_db

AUTH_OPERATIONS = {
    ("/api/v1/auth/register/", "post"),
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/auth/refresh/", "post"),
    ("/api/v1/auth/logout/", "post"),
    ("/api/v1/auth/me/", "get"),
    ("/api/v1/auth/me/", "patch"),
    ("/api/v1/auth/addresses/", "get"),
    ("/api/v1/auth/addresses/", "post"),
    ("/api/v1/auth/addresses/{address_id}/", "get"),
    ("/api/v1/auth/addresses/{address_id}/", "patch"),
    ("/api/v1/auth/addresses/{address_id}/", "delete"),
    ("/api/v1/auth/addresses/{address_id}/default/", "post"),
}
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def schema(openapi_schema):
    return openapi_schema


def test_spectacular_validates_without_warnings(tmp_path, capsys):
    """`manage.py spectacular --validate --fail-on-warn` over every app's endpoints."""
    reset_generator_stats()
    target = tmp_path / "schema.yaml"

    try:
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    except Exception as error:  # the command's own error names what failed
        pytest.fail(f"{error}\n{capsys.readouterr().err}", pytrace=False)

    document = yaml.safe_load(target.read_text())
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Nexus API"


def test_schema_documents_every_auth_operation(openapi_operations):
    documented = {(path, method) for path, method, _ in openapi_operations}

    assert documented >= AUTH_OPERATIONS
    assert all(path.startswith("/api/v1/") for path, _ in documented)


def test_auth_operations_document_request_response_and_errors(schema):
    for path, method in AUTH_OPERATIONS:
        operation = schema["paths"][path][method]
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        errors = [code for code in responses if code.startswith("4")]
        assert len(success) == 1, (path, method)
        assert errors, (path, method)
        if method in {"post", "patch"} and not path.endswith("/default/"):
            assert "application/json" in operation["requestBody"]["content"], (path, method)
            assert {"400", "415"} <= set(responses), (path, method)


def test_auth_errors_and_throttles_are_documented(schema):
    paths = schema["paths"]

    assert {"400", "415", "429"} <= set(paths["/api/v1/auth/register/"]["post"]["responses"])
    assert {"400", "401", "429"} <= set(paths["/api/v1/auth/token/"]["post"]["responses"])
    assert "401" in paths["/api/v1/auth/refresh/"]["post"]["responses"]
    assert "401" in paths["/api/v1/auth/me/"]["get"]["responses"]
    assert {"401", "404"} <= set(paths["/api/v1/auth/addresses/{address_id}/"]["get"]["responses"])


def test_every_error_response_of_every_app_uses_the_shared_error_component(
    schema, openapi_operations
):
    wrong = []
    for path, method, operation in openapi_operations:
        for code, response in operation["responses"].items():
            if code.startswith("4") or code.startswith("5"):
                content = response.get("content", {}).get("application/json", {})
                if content.get("schema", {}).get("$ref") != ERROR_REF:
                    wrong.append(f"{method.upper()} {path} {code}")

    assert wrong == [], "error responses not documented with the shared Error schema"


def test_error_component_matches_the_exception_handler(schema):
    components = schema["components"]["schemas"]

    assert components["Error"]["required"] == ["error"]
    body = components["ErrorBody"]
    assert set(body["properties"]) == {"code", "message", "fields"}
    assert set(body["required"]) == {"code", "message"}


def test_jwt_security_scheme_is_documented(schema):
    scheme = schema["components"]["securitySchemes"]["jwtAuth"]

    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    assert schema["paths"]["/api/v1/auth/me/"]["get"]["security"] == [{"jwtAuth": []}]


def test_schema_is_served_as_yaml_by_default(client):
    response = client.get("/api/v1/schema/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(response.content)["paths"]


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/docs/redoc/"])
def test_docs_pages_are_served_offline(client, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/schema/" in html
    external = re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\"' ]*", html)
    assert external == [], f"the docs page loads from the network: {external}"
    assets = _asset_urls(html)
    assert assets and all(asset.startswith("/static/drf_spectacular_sidecar/") for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
