"""Request limits (depth, tokens, aliases, introspection), error masking, authentication by
JWT only, and GraphiQL served from static files."""

import pytest

from accounts.tests.factories import UserFactory
from catalog import selectors
from graphql_api.schema import MAX_ALIASES, MAX_QUERY_DEPTH
from graphql_api.tests.conftest import data_of

pytestmark = pytest.mark.django_db


def _nested_categories(levels: int) -> str:
    query = "category { title }"
    for _ in range(levels):
        query = f"children {{ {query} }}"
    return "{ categories { " + query + " } }"


def test_queries_deeper_than_the_limit_are_refused(gql, site_tree):
    within = gql(_nested_categories(MAX_QUERY_DEPTH - 3))
    too_deep = gql(_nested_categories(MAX_QUERY_DEPTH))

    assert data_of(within)["categories"] == []
    assert too_deep["data"] is None
    assert "exceeds maximum operation depth" in too_deep["errors"][0]["message"]


def test_too_many_aliases_are_refused(gql, site_tree):
    aliases = " ".join(f"a{n}: vendors {{ name }}" for n in range(MAX_ALIASES + 1))

    body = gql("{ " + aliases + " }")

    assert body["data"] is None
    assert "aliases found" in body["errors"][0]["message"].lower()


def test_oversized_queries_are_refused(gql, site_tree):
    fields = " ".join("__typename" for _ in range(2500))

    body = gql("{ " + fields + " }")

    assert body["data"] is None
    assert "token" in body["errors"][0]["message"].lower()


def test_introspection_is_off_unless_the_setting_turns_it_on(gql, site_tree, settings):
    query = "{ __schema { queryType { name } } }"
    settings.GRAPHQL_INTROSPECTION = False
    off = gql(query)
    settings.GRAPHQL_INTROSPECTION = True
    on = gql(query)

    assert off["data"] is None
    assert "introspection" in off["errors"][0]["message"].lower()
    assert data_of(on) == {"__schema": {"queryType": {"name": "Query"}}}


def test_unexpected_failures_are_masked(gql, site_tree, monkeypatch):
    def broken():
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(selectors, "category_tree", broken)

    body = gql("{ categories { category { title } } }")
    content = gql.last_response.content.decode()

    assert body["errors"][0]["message"] == "Internal server error."
    assert body["errors"][0]["extensions"] == {"code": "internal_error"}
    assert "hunter2" not in content and "Traceback" not in content


def test_session_cookies_do_not_authenticate(gql, client):
    client.force_login(UserFactory())

    assert data_of(gql("{ me { email } }"))["me"] is None


def test_graphiql_is_served_offline_while_introspection_is_on(client, settings):
    settings.GRAPHQL_INTROSPECTION = True
    page = client.get("/graphql/", HTTP_ACCEPT="text/html")
    settings.GRAPHQL_INTROSPECTION = False
    off = client.get("/graphql/", HTTP_ACCEPT="text/html")

    html = page.content.decode()
    assert page.status_code == 200
    assert "/static/vendor/graphiql/graphiql.min.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    assert client.get("/static/vendor/graphiql/graphiql.min.js").status_code == 200
    assert off.status_code == 404
