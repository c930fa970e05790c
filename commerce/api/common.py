"""What the commerce API views share: finding the request's cart and documenting its headers."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from catalog.selectors import site_and_shop_settings
from commerce.api.payloads import cart_payload
from commerce.cart import cart_resolve
from commerce.models import Cart
from commerce.selectors import cart_summary

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


def cart_response(request, cart: Cart | None, *, status: int = 200) -> Response:
    # The product URLs' site and the shop's currency from the cache, in one round trip.
    _site, shop = site_and_shop_settings(request)
    summary = cart_summary(cart=cart, currency=shop.currency_code)
    response = Response(cart_payload(summary, request), status=status)
    if cart is not None and cart.user_id is None:
        response[CART_TOKEN_HEADER] = str(cart.token)
    return response
