"""Back-in-stock and price-drop notices to shoppers who wishlisted a product.

Run by the periodic `commerce.wishlist_notices` task rather than from the stock and publish
flows: those belong to the catalog, which does not know about wishlists. Each run compares
every wishlisted live product with what its watchers last saw (`WishlistWatch`), records one
outbox message per watcher for each drop in price or return to stock, and updates the row; the
first run for a product only records it. A notice therefore goes out within one beat interval
of the change, once per change and watcher (the message key names the change).
"""

from decimal import Decimal

from django.db import transaction

from catalog.money import money
from catalog.selectors import live_products, products_annotated
from commerce.models import WishlistItem, WishlistWatch
from commerce.notifications import email_context
from commerce.outbox.services import email_send_once, outbox_message_add
from nexus.money import money_format


def wishlist_changes_notify() -> int:
    """Record the notices due for every wishlisted product; returns how many were recorded.

    Locks each product's `WishlistWatch` row (SELECT … FOR UPDATE), so overlapping runs tell
    each change once.
    """
    product_ids = set(WishlistItem.objects.values_list("product_id", flat=True))
    products = products_annotated(live_products().filter(pk__in=product_ids))
    recorded = 0
    for product in products.order_by("pk"):
        with transaction.atomic():
            recorded += _product_check(product)
    return recorded


def from_price(product) -> Decimal:
    """The annotated lowest variant price, as money (SQLite returns it unquantized)."""
    return money(product.min_variant_price)


def _product_check(product) -> int:
    price, is_in_stock = from_price(product), product.total_stock > 0
    WishlistWatch.objects.get_or_create(
        product_id=product.pk, defaults={"price": price, "is_in_stock": is_in_stock}
    )
    watch = WishlistWatch.objects.select_for_update().get(product_id=product.pk)
    kinds = []
    if is_in_stock and not watch.is_in_stock:
        kinds.append("back_in_stock")
    if price < watch.price and is_in_stock:
        kinds.append("price_drop")
    if (watch.price, watch.is_in_stock) == (price, is_in_stock):
        return 0
    watch.changes += 1
    old_price = watch.price
    watch.price, watch.is_in_stock = price, is_in_stock
    watch.save()
    recorded = 0
    user_ids = WishlistItem.objects.filter(product_id=product.pk).values_list("user_id", flat=True)
    for kind in kinds:
        for user_id in sorted(user_ids):
            recorded += bool(
                outbox_message_add(
                    key=f"wishlist-{kind}:{product.pk}:{watch.changes}:{user_id}",
                    task_name="commerce.wishlist_notice_send",
                    payload={
                        "kind": kind,
                        "product_id": product.pk,
                        "user_id": user_id,
                        "change": watch.changes,
                        "old_price": str(old_price),
                    },
                )
            )
    return recorded


def wishlist_notice_send(
    *, kind: str, product_id: int, user_id: int, change: int, old_price: str
) -> bool:
    """E-mail one watcher about one change of a product, unless they dropped it meanwhile."""
    item = (
        WishlistItem.objects.select_related("user")
        .filter(product_id=product_id, user_id=user_id)
        .first()
    )
    product = products_annotated(live_products().filter(pk=product_id)).first()
    if item is None or product is None:
        return False
    price = from_price(product)
    context = email_context(product=product, price=price, user=item.user, old_price=old_price)
    subject = (
        f"Back in stock: {product.title}"
        if kind == "back_in_stock"
        else f"Price drop: {product.title} now from {money_format(price, context['currency'])}"
    )
    return email_send_once(
        key=f"wishlist-{kind}:{product_id}:{change}:{user_id}",
        to=[item.user.email],
        subject=subject,
        template=f"emails/wishlist_{kind}",
        context=context,
    )
