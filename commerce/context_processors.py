"""Template context for every site page: the mini-cart count in the header, and the most a
cart line may hold (the quantity inputs' `max`)."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from commerce.selectors import cart_find, cart_items_count

# The site keeps an anonymous visitor's cart token in the session under this key.
SESSION_CART_TOKEN = "cart_token"


def site_cart_find(request):
    """The cart of this site visitor (user's cart, or the session's anonymous cart), or None."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return cart_find(user=user)
    session = getattr(request, "session", None)
    token = session.get(SESSION_CART_TOKEN) if session is not None else None
    return cart_find(token=token) if token else None


def _visitor_cart_count(request) -> int:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return cart_items_count(user=user)
    session = getattr(request, "session", None)
    token = session.get(SESSION_CART_TOKEN) if session is not None else None
    return cart_items_count(token=token) if token else 0


def cart(request):
    """`cart_count`: items in the visitor's cart, counted (one query, none for a visitor
    without a cart) only when a template shows it; `cart_max_line_quantity`: the
    CART_MAX_LINE_QUANTITY setting the cart service enforces."""
    return {
        "cart_count": SimpleLazyObject(lambda: _visitor_cart_count(request)),
        "cart_max_line_quantity": settings.CART_MAX_LINE_QUANTITY,
    }
