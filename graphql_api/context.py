"""What resolvers read from the request: the user (authenticated by the view from the JWT),
per-request memos, and the anonymous cart token."""

from collections.abc import Callable
from typing import Any

from strawberry.types import Info

from graphql_api.errors import NotAuthenticated


def request_of(info: Info):
    return info.context.request


def viewer(info: Info):
    """The user of the request's JWT, or an anonymous user."""
    return request_of(info).user


def authenticated_user(info: Info):
    """The user of the request's JWT; `NotAuthenticated` without one (as DRF's IsAuthenticated)."""
    user = viewer(info)
    if not user.is_authenticated:
        raise NotAuthenticated(
            "Log in first: send Authorization: Bearer <access token> (mutation tokenObtain)."
        )
    return user


def memo(info: Info, key: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per request (e.g. the shop currency for every product of a page)."""
    request = request_of(info)
    cache = request.__dict__.setdefault("_graphql_memo", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]
