"""Celery tasks of the shop: thin, idempotent shells that take ids and call one service.

The e-mail tasks are run by `outbox.deliver` for the messages `commerce.notifications` records,
so they normally are not queued directly; the periodic ones are scheduled in
`CELERY_BEAT_SCHEDULE` (nexus/settings/services.py).
"""

from celery import shared_task
from django.utils import timezone

from commerce import notifications


@shared_task(name="commerce.order_confirmation_send")
def order_confirmation_send(order_id: int) -> bool:
    return notifications.order_confirmation_send(order_id=order_id)


@shared_task(name="commerce.vendor_order_notice_send")
def vendor_order_notice_send(order_id: int, vendor_id: int) -> bool:
    return notifications.vendor_order_notice_send(order_id=order_id, vendor_id=vendor_id)


@shared_task(name="commerce.order_shipped_send")
def order_shipped_send(order_id: int, line_ids: list[int]) -> bool:
    return notifications.order_shipped_send(order_id=order_id, line_ids=line_ids)


@shared_task(name="commerce.refund_notice_send")
def refund_notice_send(refund_id: int) -> bool:
    return notifications.refund_notice_send(refund_id=refund_id)


@shared_task(name="commerce.low_stock_digest_send")
def low_stock_digest_send(vendor_id: int, day: str) -> bool:
    return notifications.low_stock_digest_send(vendor_id=vendor_id, day=day)


@shared_task(name="commerce.low_stock_digests")
def low_stock_digests() -> int:
    """Periodic: one low-stock digest per vendor per day."""
    return notifications.low_stock_digests_enqueue(day=timezone.localdate().isoformat())


@shared_task(name="commerce.orders_expire")
def orders_expire() -> int:
    """Periodic: cancel unpaid orders past their payment deadline, releasing their stock."""
    from commerce.orders import orders_expire as expire

    return expire()


@shared_task(name="commerce.wishlist_notices")
def wishlist_notices() -> int:
    """Periodic: back-in-stock and price-drop notices to shoppers who wishlisted a product."""
    from commerce.wishlist_notices import wishlist_changes_notify

    return wishlist_changes_notify()


@shared_task(name="commerce.wishlist_notice_send")
def wishlist_notice_send(kind: str, product_id: int, user_id: int, change: int, old_price: str):
    from commerce import wishlist_notices as notices

    return notices.wishlist_notice_send(
        kind=kind, product_id=product_id, user_id=user_id, change=change, old_price=old_price
    )
