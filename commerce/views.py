"""Site pages for the cart, checkout, orders and wishlist. Thin: parse, call a service, render.

Domain errors become a message on the page the shopper came from; nothing else changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.selectors import shop_currency, shop_index_page
from commerce import cart as cart_services
from commerce.checkout import checkout_complete
from commerce.context_processors import SESSION_CART_TOKEN, site_cart_find
from commerce.exceptions import CartLineNotFound, WishlistItemNotFound
from commerce.forms import (
    CartAddForm,
    CartLineQuantityForm,
    CheckoutForm,
    WishlistAddForm,
    WishlistMoveForm,
)
from commerce.order_timeline import order_timeline
from commerce.orders import order_cancel
from commerce.selectors import cart_summary, order_get_for_user, orders_for_user, wishlist_for_user
from commerce.wishlist import wishlist_item_add, wishlist_item_move_to_cart, wishlist_item_remove
from nexus.errors import DomainError
from nexus.throttling import throttle_posts


def _site_cart(request, *, create: bool):
    if request.user.is_authenticated:
        return cart_services.cart_for_user(user=request.user) if create else site_cart_find(request)
    cart = site_cart_find(request)
    if cart is None and create:
        cart = cart_services.cart_create()
        request.session[SESSION_CART_TOKEN] = str(cart.token)
    return cart


def _back(request, default: str):
    """Redirect to `next` (or the referring page) when it is on this site, else `default`."""
    for candidate in (request.POST.get("next"), request.headers.get("Referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(candidate)
    return redirect(default)


def _form_error(request, form) -> None:
    for field, errors in form.errors.items():
        label = ""
        if field in form.fields:
            label = form.fields[field].label or field.replace("_", " ").capitalize()
        for error in errors:
            # A message that already names its field ("Quantity can be at most ...") stands alone.
            named = label and not error.startswith(label)
            messages.error(request, f"{label}: {error}" if named else error)


# --- Cart ------------------------------------------------------------------------------------


@require_POST
def cart_add(request):
    """The product page's add-to-cart form (works without JavaScript)."""
    form = CartAddForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _back(request, reverse("commerce:cart"))
    variant_id, quantity = form.cleaned_data["variant"], form.cleaned_data["quantity"]
    try:
        cart = _site_cart(request, create=request.user.is_authenticated)
        if cart is None:
            cart = cart_services.cart_create_with_line(variant_id=variant_id, quantity=quantity)
            request.session[SESSION_CART_TOKEN] = str(cart.token)
        else:
            cart_services.cart_line_add(cart=cart, variant_id=variant_id, quantity=quantity)
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request, reverse("commerce:cart"))
    messages.success(request, "Added to your cart.")
    return redirect("commerce:cart")


@require_GET
def cart_detail(request):
    summary = cart_summary(cart=_site_cart(request, create=False))
    # An empty cart points to the shop.
    shop_index = shop_index_page() if summary.is_empty else None
    return render(request, "commerce/cart.html", {"summary": summary, "shop_index": shop_index})


@require_POST
def cart_line_update(request, line_id: int):
    form = CartLineQuantityForm(request.POST)
    cart = _site_cart(request, create=False)
    if cart is None:
        raise Http404("No such line in your cart.")
    if not form.is_valid():
        _form_error(request, form)
    else:
        try:
            cart_services.cart_line_quantity_set(
                cart=cart, line_id=line_id, quantity=form.cleaned_data["quantity"]
            )
            messages.success(request, "Quantity updated.")
        except CartLineNotFound as error:
            # Someone else's line (or one already gone) is not found, as on the API.
            raise Http404(error.message)
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("commerce:cart")


@require_POST
def cart_line_remove(request, line_id: int):
    cart = _site_cart(request, create=False)
    try:
        if cart is None:
            raise CartLineNotFound("No such line in your cart.")
        cart_services.cart_line_remove(cart=cart, line_id=line_id)
        messages.success(request, "Removed from your cart.")
    except CartLineNotFound as error:
        raise Http404(error.message)
    return redirect("commerce:cart")


# --- Checkout and orders ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@throttle_posts("checkout")
def checkout(request):
    """Shipping address and a review of the cart; placing the order leads to its page, where
    the payment step continues."""
    from accounts.selectors import addresses_for_user

    cart = _site_cart(request, create=True)
    addresses = list(addresses_for_user(user=request.user))
    form = CheckoutForm(request.POST or None, addresses=addresses)
    if request.method == "POST" and form.is_valid():
        try:
            order = checkout_complete(
                user=request.user,
                cart=cart,
                idempotency_key=form.cleaned_data["idempotency_key"],
                **form.checkout_arguments(),
            )
        except DomainError as error:
            if error.field and error.field in form.fields:
                form.add_error(error.field, error.message)
            else:
                form.add_error(None, error.message)
        else:
            messages.success(request, f"Order {order.number} placed.")
            return redirect("commerce:order", number=order.number)
    summary = cart_summary(cart=cart)
    if summary.is_empty and request.method == "GET":
        messages.error(request, "Your cart is empty.")
        return redirect("commerce:cart")
    return render(
        request,
        "commerce/checkout.html",
        {"form": form, "summary": summary, "addresses": addresses},
    )


@login_required
@require_GET
def order_list(request):
    return render(
        request, "commerce/order_list.html", {"orders": orders_for_user(user=request.user)}
    )


def _order_or_404(request, number):
    try:
        return order_get_for_user(user=request.user, number=number)
    except DomainError:
        raise Http404("No such order.")


@login_required
@require_GET
def order_detail(request, number: str):
    order = _order_or_404(request, number)
    return render(
        request,
        "commerce/order_detail.html",
        {"order": order, "timeline": order_timeline(order=order)},
    )


@login_required
@require_POST
def order_cancel_view(request, number: str):
    order = _order_or_404(request, number)
    try:
        order_cancel(order=order, actor=request.user)
        messages.success(request, f"Order {order.number} cancelled.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("commerce:order", number=order.number)


# --- Wishlist --------------------------------------------------------------------------------


@login_required
@require_GET
def wishlist(request):
    return render(
        request,
        "commerce/wishlist.html",
        {"entries": wishlist_for_user(user=request.user), "currency": shop_currency()},
    )


@login_required
@require_POST
def wishlist_add(request):
    form = WishlistAddForm(request.POST)
    if not form.is_valid():
        _form_error(request, form)
        return _back(request, reverse("commerce:wishlist"))
    try:
        _item, created = wishlist_item_add(
            user=request.user, product_id=form.cleaned_data["product"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Saved to your wishlist." if created else "Already in your wishlist."
        )
    return _back(request, reverse("commerce:wishlist"))


@login_required
@require_POST
def wishlist_remove(request, item_id: int):
    try:
        wishlist_item_remove(user=request.user, item_id=item_id)
        messages.success(request, "Removed from your wishlist.")
    except WishlistItemNotFound as error:
        raise Http404(error.message)
    return redirect("commerce:wishlist")


@login_required
@require_POST
def wishlist_move_to_cart(request, item_id: int):
    form = WishlistMoveForm(request.POST)
    if not wishlist_for_user(user=request.user, item_id=item_id):
        raise Http404("No such item in your wishlist.")
    if not form.is_valid():
        _form_error(request, form)
        return redirect("commerce:wishlist")
    try:
        wishlist_item_move_to_cart(
            user=request.user,
            item_id=item_id,
            cart=_site_cart(request, create=True),
            variant_id=form.cleaned_data.get("variant"),
            quantity=form.cleaned_data.get("quantity") or 1,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("commerce:wishlist")
    messages.success(request, "Moved to your cart.")
    return redirect("commerce:cart")
