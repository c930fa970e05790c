"""What the commerce API views share: finding the request's cart and documenting its headers."""

import uuid

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from commerce.api.payloads import cart_payload
from commerce.api.serializers import CartSerializer
from commerce.cart import cart_create, cart_for_request_user
from commerce.exceptions import CartNotFound, InvalidCartToken
from commerce.models import Cart
from commerce.selectors import cart_find, cart_summary

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
    """The cart this request works on.

    Authenticated: the user's cart (created on first use), with any anonymous cart named by
    X-Cart-Token merged into it. Anonymous: the cart named by X-Cart-Token (404 when unknown),
    or a new cart when `create` is set and no token is sent, else None. A token that is not a
    UUID is a 400 (`InvalidCartToken`), for anonymous and authenticated requests alike.
    """
    token = request.headers.get(CART_TOKEN_HEADER, "").strip()
    if token:
        try:
            token = str(uuid.UUID(token))
        except ValueError:
            raise InvalidCartToken(
                f"{CART_TOKEN_HEADER} must be the cart's token exactly as it was returned "
                "(a UUID such as 3f2b8c1e-5d4a-4c6b-9e7f-1a2b3c4d5e6f); leave the header out "
                "to start a new cart."
            )
    if request.user.is_authenticated:
        return cart_for_request_user(user=request.user, anonymous_token=token or None)
    if token:
        cart = cart_find(token=token)
        if cart is None:
            raise CartNotFound(
                "No cart with this token: it may have been checked out or merged into an "
                "account. Add a line without the X-Cart-Token header to start a new cart."
            )
        return cart
    return cart_create() if create else None


def cart_response(request, cart: Cart | None, *, status: int = 200) -> Response:
    data = CartSerializer(cart_payload(cart_summary(cart=cart), request)).data
    response = Response(data, status=status)
    if cart is not None and cart.user_id is None:
        response[CART_TOKEN_HEADER] = str(cart.token)
    return response
