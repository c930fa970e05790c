"""What the commerce API views share: finding the request's cart, answering with it (a read
from the cache while nothing it shows changed) and documenting its headers."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from catalog.cache.keys import digest
from catalog.selectors import site_and_shop_settings
from commerce.api.payloads import cart_payload
from commerce.cart import cart_resolve
from commerce.models import Cart
from commerce.selectors import (
    cart_line_keys,
    cart_summary,
    cart_version_keys,
    cart_with_line_keys_of_user,
)
from nexus.versioned_cache import remembered_under

CART_TOKEN_HEADER = "X-Cart-Token"

CART_TOKEN_PARAMETER = OpenApiParameter(
    name=CART_TOKEN_HEADER,
    type=OpenApiTypes.UUID,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "The anonymous cart's token (returned as `token` when the cart is created). With a "
        "JWT as well, that anonymous cart is merged into the user's cart. A value that is not "
        "a UUID is refused with 400 `invalid_cart_token`; an unknown token is a 404."
    ),
)

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    name="Idempotency-Key",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=True,
    description=(
        "A unique value per checkout attempt (e.g. a UUID), at most 255 characters. Retrying "
        "with the same key returns the same order and reserves nothing twice."
    ),
)


def request_cart(request, *, create: bool) -> Cart | None:
    """The cart this request works on: `commerce.cart.cart_resolve` with the X-Cart-Token."""
    token = request.headers.get(CART_TOKEN_HEADER, "").strip()
    return cart_resolve(user=request.user, token=token, create=create)


# How long a cart's answer is kept: every change it shows replaces a token it is stored under.
CART_ANSWER_SECONDS = 600


def cart_response(request, cart: Cart | None, *, status: int = 200) -> Response:
    return _response(cart, _cart_payload(request, cart), status=status)


def request_cart_for_read(request) -> tuple[Cart | None, tuple | None]:
    """`request_cart(create=False)` and, for a logged-in shopper who sent no cart token and
    has a cart (the usual read), its `cart_line_keys` read in the same query (else None)."""
    if request.user.is_authenticated and not request.headers.get(CART_TOKEN_HEADER, "").strip():
        cart, lines = cart_with_line_keys_of_user(user_id=request.user.pk)
        if cart is not None:
            return cart, lines
    return request_cart(request, create=False), None


def cart_read_response(request, cart: Cart | None, *, lines: tuple | None = None) -> Response:
    """`cart_response` for a read: the answer is remembered per cart, host and lines (as
    `cart_line_keys` gives them), under the tokens `cart_version_keys` names (the catalog's
    content token, the stock tokens of the products in the cart), so a change to anything it
    shows (a price, title, URL, vendor, shipping rate, currency, view restriction or stock) is
    in the next read, and a changed line makes another key. A hit costs a two-table query and one cache
    round trip instead of pricing the cart. `lines`: the cart's line keys when the caller
    read them with the cart (`request_cart_for_read`)."""
    if cart is None:
        return cart_response(request, cart)
    if lines is None:
        lines = cart_line_keys(cart=cart)
    payload = remembered_under(
        cart_version_keys(lines=lines),
        f"cart:answer:{cart.pk}:{digest(f'{request.get_host()}|{lines}')}",
        lambda: _cart_payload(request, cart),
        CART_ANSWER_SECONDS,
        # Lines changed between the two reads: the answer is right, but not for this key.
        keep=lambda payload: _payload_line_keys(payload) == lines,
    )
    return _response(cart, payload)


def _cart_payload(request, cart: Cart | None) -> dict:
    # The product URLs' site and the shop's currency from the cache, in one round trip.
    _site, shop = site_and_shop_settings(request)
    return cart_payload(cart_summary(cart=cart, currency=shop.currency_code), request)


def _payload_line_keys(payload: dict) -> tuple[tuple[int, int, int, int], ...]:
    return tuple(
        sorted(
            (line["id"], line["variant"]["id"], line["quantity"], line["product"]["id"])
            for line in payload["lines"]
        )
    )


def _response(cart: Cart | None, payload: dict, *, status: int = 200) -> Response:
    response = Response(payload, status=status)
    if cart is not None and cart.user_id is None:
        response[CART_TOKEN_HEADER] = str(cart.token)
    return response
