"""A client for /graphql/: `gql(query, variables, token=..., cart_token=...)` returns the JSON."""

import json

import pytest
from rest_framework_simplejwt.tokens import RefreshToken


class GraphQLClient:
    def __init__(self, client):
        self.client = client
        self.last_response = None

    def __call__(
        self, query, variables=None, *, user=None, token=None, cart_token=None, status=200
    ):
        headers = {}
        if user is not None:
            token = str(RefreshToken.for_user(user).access_token)
        if token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        if cart_token is not None:
            headers["HTTP_X_CART_TOKEN"] = str(cart_token)
        response = self.client.post(
            "/graphql/",
            json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            **headers,
        )
        self.last_response = response
        assert response.status_code == status, response.content
        return response.json()


@pytest.fixture
def gql(client):
    return GraphQLClient(client)


def data_of(body: dict) -> dict:
    """The `data` of a response that has no errors."""
    assert "errors" not in body, body["errors"]
    return body["data"]
