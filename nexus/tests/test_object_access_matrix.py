"""Object access matrix: every API and site route that names an object (an id, number, SKU or
token in its path) is tried by a second shopper and by a second vendor's owner against the
objects of shopper A and vendor A. Each gets 404 (403 where the caller lacks the role
altogether, refused before any lookup) and nothing in the database changes.

The routes come from the URL configuration itself, not from a list: a new route with an object
in its path and no entry in MATRIX (or EXEMPT, with the reason) fails
`test_every_object_route_has_a_matrix_entry`.
"""

import re
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import Address
from accounts.services import address_create
from accounts.tests.factories import UserFactory
from catalog.models import Stock
from catalog.tests.factories import make_product
from commerce.cart import cart_for_user, cart_line_add
from commerce.models import CartLine, Order, OrderLine, WishlistItem
from commerce.payments.models import Payment, Refund
from commerce.tests.factories import make_order
from commerce.wishlist import wishlist_item_add
from vendors.services import vendor_onboard

pytestmark = pytest.mark.django_db

# A path segment that names an object: a converter or named group called like this, or an
# unnamed regex group (which can carry anything).
OBJECT_KWARG = re.compile(r"(^|_)(id|pk|number|sku|token|uidb64)$")
# Whole URL trees left to other tests, with the reason.
EXCLUDED_PREFIXES = {
    "admin/": "the Wagtail admin: vendor isolation is vendors/tests/test_admin_isolation.py",
    "django-admin/": "Django's admin: superusers only",
}
ADDRESS = {
    "full_name": "Ada A",
    "line1": "1 Owner Street",
    "city": "Lyon",
    "postal_code": "69001",
    "country": "FR",
}
CARD = "4242424242424242"


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _object_names(route: str) -> list[str]:
    named = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
    unnamed = len(re.findall(r"(?<!\\)\((?!\?)", route))
    return sorted(name for name in named if OBJECT_KWARG.search(name)) + ["(group)"] * unnamed


def object_routes() -> dict[str, list[str]]:
    """Every route (as its pattern text) whose path names an object, with those names."""
    routes = {}
    for route in _walk(get_resolver().url_patterns):
        if route.startswith(tuple(EXCLUDED_PREFIXES)):
            continue
        names = _object_names(route)
        if names:
            routes[route] = names
    return routes


# --- the world: shopper A's and vendor A's objects, and the two intruders ----------------------


@pytest.fixture
def world(site_tree):
    owner_a = UserFactory(email="owner-a@example.com")
    owner_b = UserFactory(email="owner-b@example.com")
    vendor_a = vendor_onboard(
        name="Alpha", contact_email="alpha@example.com", owner=owner_a, is_trusted=True
    )
    vendor_onboard(name="Beta", contact_email="beta@example.com", owner=owner_b, is_trusted=True)
    product = make_product(vendor=vendor_a, title="Alpha Mug", price="10.00", stock=5)
    draft = make_product(vendor=vendor_a, title="Alpha Secret", stock=1, publish=False)
    variant = product.variants.get()
    shopper_a = UserFactory(email="shopper-a@example.com")
    shopper_b = UserFactory(email="shopper-b@example.com")
    address = address_create(user=shopper_a, **ADDRESS)
    line = cart_line_add(cart=cart_for_user(user=shopper_a), variant_id=variant.pk, quantity=1)
    item, _ = wishlist_item_add(user=shopper_a, product_id=product.pk)
    pending = make_order(user=shopper_a, items=[(product, 1)], status="pending_payment")
    paid = make_order(user=shopper_a, items=[(product, 1)])
    return type(
        "World",
        (),
        {
            "ids": {
                "address_id": address.pk,
                "line_id": line.pk,
                "item_id": item.pk,
                "number": pending.number,
                "paid_number": paid.number,
                "vendor_line_id": paid.lines.get().pk,
                "sku": variant.sku,
                "draft_id": draft.pk,
                "draft_path": draft.url_path,
            },
            "intruders": {"shopper": shopper_b, "vendor": owner_b},
        },
    )


def world_state() -> tuple:
    """Everything an intruder could change in A's objects."""
    return (
        list(Address.objects.order_by("pk").values_list()),
        list(
            CartLine.objects.order_by("pk").values_list("pk", "cart_id", "variant_id", "quantity")
        ),
        list(WishlistItem.objects.order_by("pk").values_list("pk", "user_id", "product_id")),
        list(Order.objects.order_by("pk").values_list("pk", "status", "total")),
        list(OrderLine.objects.order_by("pk").values_list("pk", "shipped_at", "carrier")),
        list(Stock.objects.order_by("pk").values_list("pk", "quantity")),
        Payment.objects.count(),
        Refund.objects.count(),
    )


# --- the matrix ---------------------------------------------------------------------------------


@dataclass
class Entry:
    """How to aim a route at A's object: the path, the requests to try (method, body), and
    the status each intruder must get (404 unless the role is missing altogether)."""

    path: str
    requests: list[tuple[str, dict | None]]
    api: bool = False
    expect: dict[str, int] = field(default_factory=lambda: {"shopper": 404, "vendor": 404})


NOT_A_VENDOR = {"shopper": 403, "vendor": 404}
STAFF_ONLY = {"shopper": 403, "vendor": 403}

MATRIX: dict[str, Entry] = {
    # API v1: shopper's objects
    "api/v1/auth/addresses/<int:address_id>/": Entry(
        "/api/v1/auth/addresses/{address_id}/",
        [("GET", None), ("PATCH", {"city": "Taken"}), ("DELETE", None)],
        api=True,
    ),
    "api/v1/auth/addresses/<int:address_id>/default/": Entry(
        "/api/v1/auth/addresses/{address_id}/default/", [("POST", None)], api=True
    ),
    "api/v1/cart/lines/<int:line_id>/": Entry(
        "/api/v1/cart/lines/{line_id}/", [("PATCH", {"quantity": 3}), ("DELETE", None)], api=True
    ),
    "api/v1/orders/<str:number>/": Entry("/api/v1/orders/{number}/", [("GET", None)], api=True),
    "api/v1/orders/<str:number>/cancel/": Entry(
        "/api/v1/orders/{number}/cancel/", [("POST", None)], api=True
    ),
    "api/v1/orders/<str:number>/payment/": Entry(
        "/api/v1/orders/{number}/payment/",
        [("GET", None), ("POST", {"card_number": CARD})],
        api=True,
    ),
    "api/v1/orders/<str:number>/refunds/": Entry(
        "/api/v1/orders/{paid_number}/refunds/",
        [("GET", None), ("POST", {"amount": "5.00", "reason": "x"})],
        api=True,
        expect=STAFF_ONLY,
    ),
    "api/v1/wishlist/<int:item_id>/": Entry(
        "/api/v1/wishlist/{item_id}/", [("DELETE", None)], api=True
    ),
    "api/v1/wishlist/<int:item_id>/move-to-cart/": Entry(
        "/api/v1/wishlist/{item_id}/move-to-cart/", [("POST", {})], api=True
    ),
    # API v1: vendor's objects
    "api/v1/vendor/order-lines/<int:line_id>/": Entry(
        "/api/v1/vendor/order-lines/{vendor_line_id}/",
        [("GET", None)],
        api=True,
        expect=NOT_A_VENDOR,
    ),
    "api/v1/vendor/stock/<str:sku>/": Entry(
        "/api/v1/vendor/stock/{sku}/",
        [("GET", None), ("PUT", {"quantity": 0})],
        api=True,
        expect=NOT_A_VENDOR,
    ),
    "api/v1/vendor/stock/<str:sku>/adjust/": Entry(
        "/api/v1/vendor/stock/{sku}/adjust/",
        [("POST", {"delta": -5})],
        api=True,
        expect=NOT_A_VENDOR,
    ),
    # Wagtail API v2: a draft is nobody's to read
    "api/v2/^pages/<int:pk>/": Entry("/api/v2/pages/{draft_id}/", [("GET", None)], api=True),
    # Site: shopper's objects
    "account/addresses/<int:address_id>/edit/": Entry(
        "/account/addresses/{address_id}/edit/", [("GET", None), ("POST", {**ADDRESS, "city": "X"})]
    ),
    "account/addresses/<int:address_id>/delete/": Entry(
        "/account/addresses/{address_id}/delete/", [("GET", None), ("POST", {})]
    ),
    "account/addresses/<int:address_id>/default/": Entry(
        "/account/addresses/{address_id}/default/", [("POST", {})]
    ),
    "cart/lines/<int:line_id>/": Entry("/cart/lines/{line_id}/", [("POST", {"quantity": 3})]),
    "cart/lines/<int:line_id>/remove/": Entry("/cart/lines/{line_id}/remove/", [("POST", {})]),
    "orders/<str:number>/": Entry("/orders/{number}/", [("GET", None)]),
    "orders/<str:number>/cancel/": Entry("/orders/{number}/cancel/", [("POST", {})]),
    "orders/<str:number>/pay/": Entry(
        "/orders/{number}/pay/", [("GET", None), ("POST", {"card_number": CARD})]
    ),
    "orders/<str:number>/payment/": Entry("/orders/{number}/payment/", [("GET", None)]),
    "wishlist/<int:item_id>/remove/": Entry("/wishlist/{item_id}/remove/", [("POST", {})]),
    "wishlist/<int:item_id>/move-to-cart/": Entry(
        "/wishlist/{item_id}/move-to-cart/", [("POST", {})]
    ),
    # Site: a draft page is not served to anyone
    "^((?:[\\w\\-]+/)*)$": Entry("{draft_path}", [("GET", None)]),
}

# Routes with an object in the path that are public or whose path is itself the credential.
EXEMPT: dict[str, str] = {
    "api/v2/^images/<int:pk>/": "images are public media: the API lists every image",
    "api/v2/^documents/<int:pk>/": "documents are public downloads: the API lists every one",
    "documents/^(\\d+)/(.*)$": "document downloads are public; a private collection's are "
    "guarded by Wagtail's collection privacy",
    "documents/authenticate_with_password/<int:restriction_id>/": "the password form of a "
    "privacy restriction: knowing the id grants nothing without the password",
    "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/": "the "
    "password form of a page's privacy restriction: nothing without the password",
    "account/password/reset/<uidb64>/<token>/": "the signed token is the credential: a wrong "
    "one shows 'this link does not work' (accounts/tests/test_site.py)",
}


def test_every_object_route_has_a_matrix_entry():
    routes = object_routes()

    missing = sorted(set(routes) - set(MATRIX) - set(EXEMPT))
    stale = sorted((set(MATRIX) | set(EXEMPT)) - set(routes))

    assert not missing, f"routes with an object in the path and no MATRIX entry: {missing}"
    assert not stale, f"MATRIX or EXEMPT entries for routes that no longer exist: {stale}"
    assert len(routes) >= 30


def _client(user, *, api: bool):
    if api:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return client
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _send(client, method: str, path: str, body, *, api: bool):
    call = getattr(client, method.lower())
    if api:
        return call(path, body, format="json") if body is not None else call(path)
    return call(path, body) if body is not None else call(path)


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_intruders_get_404_and_change_nothing(world, route):
    entry = MATRIX[route]
    path = entry.path.format(**world.ids)
    before = world_state()

    outcomes = {}
    for role, user in world.intruders.items():
        client = _client(user, api=entry.api)
        for method, body in entry.requests:
            response = _send(client, method, path, body, api=entry.api)
            outcomes[(role, method)] = response.status_code

    expected = {
        (role, method): entry.expect[role]
        for role in world.intruders
        for method, _ in entry.requests
    }
    assert outcomes == expected
    assert world_state() == before


def test_the_owner_reaches_the_same_paths(world):
    """The matrix's paths really point at A's objects: A gets them."""
    from accounts.models import User

    shopper_a = User.objects.get(email="shopper-a@example.com")
    owner_a = User.objects.get(email="owner-a@example.com")
    api_a, site_a = _client(shopper_a, api=True), _client(shopper_a, api=False)
    vendor_api = _client(owner_a, api=True)
    ids = world.ids

    assert api_a.get(f"/api/v1/auth/addresses/{ids['address_id']}/").status_code == 200
    assert api_a.get(f"/api/v1/orders/{ids['number']}/").status_code == 200
    assert api_a.get(f"/api/v1/orders/{ids['number']}/payment/").status_code == 200
    assert site_a.get(f"/orders/{ids['number']}/").status_code == 200
    assert site_a.get(f"/account/addresses/{ids['address_id']}/edit/").status_code == 200
    assert vendor_api.get(f"/api/v1/vendor/stock/{ids['sku']}/").status_code == 200
    assert vendor_api.get(f"/api/v1/vendor/order-lines/{ids['vendor_line_id']}/").status_code == 200
    cart = api_a.get("/api/v1/cart/").json()
    assert [line["id"] for line in cart["lines"]] == [ids["line_id"]]
