"""Cart services: one cart per user, one per anonymous visitor (found by its token).

Lines point at variants. A line's quantity is 1..settings.CART_MAX_LINE_QUANTITY and never more
than is in stock when it is added or changed; a product that is unpublished, private, sold out or
sold by a suspended vendor cannot be added. Prices are not kept here (see `cart_summary`).
Every write locks the cart row first (a line change by updating its `updated_at`, which takes
the lock), so concurrent requests on one cart serialise.
"""

import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from commerce.exceptions import (
    CartLineNotFound,
    CartNotFound,
    InvalidCartToken,
    InvalidQuantity,
    NotEnoughStock,
    ProductUnavailable,
    VariantNotFound,
)
from commerce.models import Cart, CartLine
from commerce.selectors import (
    cart_find,
    cart_of_user,
    purchasable_product_ids,
    stock_quantity_of,
    unavailable_reason,
    variant_for_purchase,
    variants_for_purchase,
)
from nexus.prepared import PreparedLookup, PreparedQuery


def quantity_messages() -> dict[str, str]:
    """The words a quantity outside 1..CART_MAX_LINE_QUANTITY is refused with, as the setting
    is now, keyed as Django's and DRF's integer fields key their errors: the service, the site's
    forms and the API's serializers all say the same."""
    return {
        "invalid": "Quantity must be a whole number.",
        "min_value": "Quantity must be at least 1.",
        "max_value": f"Quantity can be at most {settings.CART_MAX_LINE_QUANTITY} per item.",
    }


def quantity_validate(quantity) -> int:
    """A line quantity as an int in 1..CART_MAX_LINE_QUANTITY, or `InvalidQuantity`."""
    messages = quantity_messages()
    if isinstance(quantity, bool):
        raise InvalidQuantity(messages["invalid"])
    try:
        value = int(quantity)
    except (TypeError, ValueError, OverflowError):
        raise InvalidQuantity(messages["invalid"])
    if isinstance(quantity, float) and value != quantity:
        raise InvalidQuantity(messages["invalid"])
    if value < 1:
        raise InvalidQuantity(messages["min_value"])
    if value > settings.CART_MAX_LINE_QUANTITY:
        raise InvalidQuantity(messages["max_value"])
    return value


# Compiled once (`nexus.prepared`): every cart write and every checkout takes this lock.
_CART_LOCK = PreparedQuery(
    lambda cart_id: Cart.objects.select_for_update().filter(pk=cart_id).values_list("pk"),
    cart_id=int,
)


def cart_lock(*, cart: Cart) -> None:
    """Lock the cart's row until the caller's transaction ends (`SELECT ... FOR UPDATE`), so
    writes to one cart and its checkouts serialise. Raises `Cart.DoesNotExist` when the row is
    gone."""
    if not _CART_LOCK.rows(cart_id=cart.pk):
        raise Cart.DoesNotExist("Cart matching query does not exist.")


def _cart_lock_touched(*, cart: Cart) -> None:
    """`cart_lock`, taken by the write that marks the cart changed now (`updated_at`): an
    UPDATE locks the row until the transaction ends as SELECT ... FOR UPDATE does, so a cart
    write needs one statement for both. Raises `Cart.DoesNotExist` when the row is gone."""
    now = timezone.now()
    if not Cart.objects.filter(pk=cart.pk).update(updated_at=now):
        raise Cart.DoesNotExist("Cart matching query does not exist.")
    cart.updated_at = now


_LINE_OF_VARIANT = PreparedLookup(CartLine, cart_id=int, variant_id=int)


def _line_of_variant(cart: Cart, variant_id: int) -> CartLine | None:
    """The cart's line of this variant (one at most: unique together), or None."""
    return _LINE_OF_VARIANT.get(cart_id=cart.pk, variant_id=variant_id)


def _purchasable_variant(variant_id):
    try:
        variant_id = int(variant_id)
    except (TypeError, ValueError, OverflowError):
        raise VariantNotFound("No such product variant.", field="variant")
    variant = variant_for_purchase(variant_id=variant_id)
    if variant is None:
        raise VariantNotFound("No such product variant.", field="variant")
    reason = unavailable_reason(variant, live_ids=purchasable_product_ids([variant]))
    if reason:
        raise ProductUnavailable(reason, field="variant")
    return variant


def _check_stock(variant, wanted: int, *, in_cart: int = 0) -> None:
    available = stock_quantity_of(variant)
    title = variant.page.title
    if available <= 0:
        raise ProductUnavailable(f"{title} is sold out.", field="variant")
    if wanted > available:
        already = f" (you already have {in_cart} in your cart)" if in_cart else ""
        raise NotEnoughStock(f"Only {available} of {title} left{already}.", field="quantity")


def cart_create() -> Cart:
    """A new anonymous cart; its token identifies it from now on."""
    return Cart.objects.create()


def cart_create_with_line(*, variant_id, quantity) -> Cart:
    """A new anonymous cart holding one line; no cart is left behind when the line is refused.

    Raises what `cart_line_add` raises.
    """
    with transaction.atomic():
        cart = cart_create()
        cart_line_add(cart=cart, variant_id=variant_id, quantity=quantity)
    return cart


def cart_for_user(*, user) -> Cart:
    """The user's cart, created on first use. Safe against two requests creating it at once."""
    cart = cart_of_user(user_id=user.pk)
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user)
    except IntegrityError:
        return Cart.objects.get(user=user)


def cart_line_add(*, cart: Cart, variant_id, quantity) -> CartLine:
    """Add `quantity` of a variant to the cart (adding to an existing line of that variant).

    Locks the cart row. Raises `InvalidQuantity` (400) outside 1..CART_MAX_LINE_QUANTITY (for
    the resulting line too), `VariantNotFound` (404), `ProductUnavailable` (409) for a product
    that is unpublished, private, sold out or from a suspended vendor, `NotEnoughStock` (409)
    when the line would ask for more than is in stock. Nothing changes when it raises.
    """
    quantity = quantity_validate(quantity)
    variant = _purchasable_variant(variant_id)
    with transaction.atomic():
        _cart_lock_touched(cart=cart)
        line = _line_of_variant(cart, variant.pk)
        in_cart = line.quantity if line else 0
        wanted = in_cart + quantity
        if wanted > settings.CART_MAX_LINE_QUANTITY:
            raise InvalidQuantity(
                f"Quantity can be at most {settings.CART_MAX_LINE_QUANTITY} per item "
                f"(you already have {in_cart} in your cart)."
            )
        _check_stock(variant, wanted, in_cart=in_cart)
        if line is None:
            line = CartLine.objects.create(cart=cart, variant=variant, quantity=wanted)
        else:
            line.quantity = wanted
            line.save(update_fields=["quantity"])
    return line


def _line_of(cart: Cart, line_id) -> CartLine:
    try:
        line_id = int(line_id)
    except (TypeError, ValueError, OverflowError):
        raise CartLineNotFound("No such line in your cart.")
    line = (
        CartLine.objects.filter(cart=cart, pk=line_id)
        .select_related("variant__page__vendor", "variant__stock")
        .first()
    )
    if line is None:
        raise CartLineNotFound("No such line in your cart.")
    return line


def cart_line_quantity_set(*, cart: Cart, line_id, quantity) -> CartLine:
    """Set a line's quantity. A line of another cart is "not found".

    Locks the cart row. Raises `CartLineNotFound` (404), `InvalidQuantity` (400),
    `ProductUnavailable` / `NotEnoughStock` (409) when raising the quantity beyond the stock.
    Lowering the quantity is always allowed. Nothing changes when it raises.
    """
    quantity = quantity_validate(quantity)
    with transaction.atomic():
        _cart_lock_touched(cart=cart)
        line = _line_of(cart, line_id)
        if quantity > line.quantity:
            variant = _purchasable_variant(line.variant_id)
            _check_stock(variant, quantity)
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    return line


def cart_line_remove(*, cart: Cart, line_id) -> None:
    """Remove a line. Raises `CartLineNotFound` (404) for a line not in this cart."""
    with transaction.atomic():
        _cart_lock_touched(cart=cart)
        _line_of(cart, line_id).delete()


def cart_clear(*, cart: Cart) -> None:
    """Remove every line of the cart."""
    with transaction.atomic():
        _cart_lock_touched(cart=cart)
        cart.lines.all().delete()


def cart_merge(*, source: Cart, target: Cart) -> Cart:
    """Move the lines of the anonymous cart `source` into `target` and delete `source`.

    Quantities of the same variant add up, capped by the stock on hand and by
    CART_MAX_LINE_QUANTITY; a line already in `target` is never lowered; sold-out or no longer
    purchasable variants are dropped. Locks both cart rows in ascending id order.
    """
    if source.pk == target.pk:
        return target
    with transaction.atomic():
        for cart in sorted((source, target), key=lambda cart: cart.pk):
            cart_lock(cart=cart)
        existing = {line.variant_id: line for line in target.lines.all()}
        source_lines = list(source.lines.all())
        variants = {
            variant.pk: variant
            for variant in variants_for_purchase([line.variant_id for line in source_lines])
        }
        live_ids = purchasable_product_ids(variants.values())
        for source_line in source_lines:
            variant = variants.get(source_line.variant_id)
            if variant is None or unavailable_reason(variant, live_ids=live_ids):
                continue
            current = existing.get(variant.pk)
            in_target = current.quantity if current else 0
            capped = min(
                in_target + source_line.quantity,
                settings.CART_MAX_LINE_QUANTITY,
                stock_quantity_of(variant),
            )
            if current is None:
                if capped >= 1:
                    CartLine.objects.create(cart=target, variant=variant, quantity=capped)
            elif capped > current.quantity:
                current.quantity = capped
                current.save(update_fields=["quantity"])
        source.delete()
        target.save(update_fields=["updated_at"])
    return target


def cart_for_request_user(*, user, anonymous_token=None) -> Cart:
    """The cart an authenticated request works on: the user's cart, into which the anonymous
    cart named by `anonymous_token` (if any, and still anonymous) is merged first."""
    cart = cart_for_user(user=user)
    if anonymous_token:
        anonymous = cart_find(token=anonymous_token)
        if anonymous is not None:
            cart_merge(source=anonymous, target=cart)
    return cart


def cart_resolve(*, user, token: str | None, create: bool) -> Cart | None:
    """The cart a request (DRF API or GraphQL) works on, given the cart token it sent.

    Authenticated: the user's cart (created on first use), with the anonymous cart named by
    `token` merged into it. Anonymous: the cart with `token` (`CartNotFound`, 404, when there is
    none), or a new cart when `create` is set and no token is given, else None. A token that is
    not a UUID is `InvalidCartToken` (400), for anonymous and authenticated requests alike.
    """
    token = (token or "").strip()
    if token:
        try:
            token = str(uuid.UUID(token))
        except ValueError:
            raise InvalidCartToken(
                "X-Cart-Token must be the cart's token exactly as it was returned "
                "(a UUID such as 3f2b8c1e-5d4a-4c6b-9e7f-1a2b3c4d5e6f); leave the header out "
                "to start a new cart."
            )
    if user is not None and user.is_authenticated:
        return cart_for_request_user(user=user, anonymous_token=token or None)
    if token:
        cart = cart_find(token=token)
        if cart is None:
            raise CartNotFound(
                "No cart with this token: it may have been checked out or merged into an "
                "account. Add a line without the X-Cart-Token header to start a new cart."
            )
        return cart
    return cart_create() if create else None
