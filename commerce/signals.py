"""Signal receivers that join commerce to apps that must not import it.

Accounts logs shoppers in without knowing about carts, so the site's cart merge on login hangs
on Django's `user_logged_in` signal here (DESIGN.md: signals only join apps that must not know
each other). The API merges explicitly (see `commerce.api.common.request_cart`).
"""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from commerce.cart import cart_for_request_user
from commerce.context_processors import SESSION_CART_TOKEN


@receiver(user_logged_in, dispatch_uid="commerce_merge_session_cart")
def merge_session_cart(sender, request, user, **kwargs):
    """Merge the visitor's anonymous cart (its token is in the session) into the user's cart."""
    session = getattr(request, "session", None)
    if session is None:
        return
    token = session.pop(SESSION_CART_TOKEN, None)
    if token:
        cart_for_request_user(user=user, anonymous_token=token)
