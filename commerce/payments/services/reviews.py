"""Orders flagged for review: `order_review_resolve`, staff's answer to a payment that arrived
when it should not have (the order was cancelled or expired, or already paid by another
payment).

Each resolution is recorded in the order's status history (`OrderStatusChange`) with who and
why, and clears the flag:

- `refund`: every payment the order does not keep is refunded in full through the provider
  that took it (a cancelled order keeps none; a paid order keeps the payment that paid it).
  The order's status stays as it is; the stock was already released when it was cancelled.
- `reinstate`: a cancelled order whose payment covers its total becomes paid again (the review
  move cancelled -> paid of `order_transition`), if its stock can still be reserved.
- `dismiss`: nothing moves (the money was settled at the provider, say); only the note is kept.
"""

from django.db import transaction

from commerce import notifications
from commerce.models import Order, OrderStatusChange
from commerce.orders import order_transition
from commerce.payments.exceptions import (
    InvalidReview,
    RefundPermissionDenied,
    ReviewNotNeeded,
)
from commerce.payments.models import Payment, Refund
from commerce.payments.services.events import refunded_total
from commerce.payments.services.refunds import (
    payments_succeeded,
    refund_call_provider,
    refund_refuse_while_pending,
    refund_settle,
)
from nexus.money import money_format
from vendors.permissions import is_editor

Status = Order.Status
ACTIONS = ("refund", "reinstate", "dismiss")


def order_review_resolve(*, order: Order, actor, action: str, note: str) -> Order:
    """Resolve the review of a flagged `order` with `action` ("refund", "reinstate" or
    "dismiss"), for the reason `note`; returns the order.

    Raises `RefundPermissionDenied` (403) unless `actor` is an editor, `InvalidReview` (400) for
    an unknown action, an empty note, nothing to refund or an order that cannot be reinstated,
    `ReviewNotNeeded` (409) when the order is not flagged, `RefundInProgress` (409) while a
    refund of the order waits for the provider, `InsufficientStock` (409) when a reinstated
    order's stock is gone, and `RefundRefused` (502) when the provider refuses a refund (the
    flag then stays, and the refunds already made are kept). Nothing changes otherwise.
    """
    if not is_editor(actor):
        raise RefundPermissionDenied("Only staff can resolve orders under review.")
    if action not in ACTIONS:
        raise InvalidReview(f"Choose one of: {', '.join(ACTIONS)}.", field="action")
    note = (note or "").strip()
    if not note:
        raise InvalidReview("Say why (it is kept in the order's history).", field="note")
    if action == "refund":
        return _resolve_by_refund(order=order, actor=actor, note=note)
    with transaction.atomic():
        locked = _lock_flagged(order)
        if action == "reinstate":
            _reinstate(locked, actor=actor, note=note)
        else:
            _record(locked, actor=actor, note=f"Review dismissed: {note}")
        _clear_flag(locked)
    if action == "reinstate":
        notifications.notify_order_paid(order=locked)
    order.refresh_from_db()
    return order


def _lock_flagged(order: Order) -> Order:
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not locked.needs_review:
        raise ReviewNotNeeded(f"Order {locked.number} is not flagged for review.")
    return locked


def _record(order: Order, *, actor, note: str) -> None:
    """A history row without a move (from and to are the order's status)."""
    OrderStatusChange.objects.create(
        order=order, from_status=order.status, to_status=order.status, actor=actor, note=note
    )


def _clear_flag(order: Order) -> None:
    order.needs_review = False
    order.review_reason = ""
    order.save(update_fields=["needs_review", "review_reason", "updated_at"])


def _reinstate(order: Order, *, actor, note: str) -> None:
    if order.status != Status.CANCELLED:
        raise InvalidReview(
            f"Order {order.number} is {Status(order.status).label.lower()}; only a cancelled "
            "order can be reinstated.",
            field="action",
        )
    covering = [
        payment
        for payment in order.payments.filter(status=Payment.Status.SUCCEEDED)
        if payment.amount - refunded_total(payment) >= order.total
        and payment.currency.upper() == order.currency.upper()
    ]
    if not covering:
        raise InvalidReview(
            f"No payment of order {order.number} covers its total; refund instead.",
            field="action",
        )
    order_transition(
        order=order,
        to_status=Status.PAID,
        actor=actor,
        note=f"Reinstated after review ({covering[0].reference}): {note}",
    )


def _payments_to_refund(order: Order) -> list[tuple[Payment, object]]:
    """(payment, amount left on it) for each payment the order does not keep."""
    succeeded = list(payments_succeeded(order))
    if order.status in (Status.PAID, Status.FULFILLED, Status.COMPLETED, Status.REFUNDED):
        succeeded = succeeded[1:]  # the first success paid the order
    left = [(payment, payment.amount - refunded_total(payment)) for payment in succeeded]
    return [(payment, amount) for payment, amount in left if amount > 0]


def _resolve_by_refund(*, order: Order, actor, note: str) -> Order:
    """One pending refund at a time (same three steps as `payment_refund`), then the flag."""
    refunded = []
    while True:
        with transaction.atomic():
            locked = _lock_flagged(order)
            refund_refuse_while_pending(locked)
            todo = _payments_to_refund(locked)
            if not todo:
                if not refunded:
                    raise InvalidReview(
                        f"Order {locked.number} has no payment left to refund.", field="action"
                    )
                summary = ", ".join(
                    f"{money_format(refund.amount, refund.currency)} ({refund.reference})"
                    for refund in refunded
                )
                _record(locked, actor=actor, note=f"Refunded after review: {summary}. {note}")
                _clear_flag(locked)
                break
            payment, amount = todo[0]
            refund = Refund.objects.create(
                payment=payment,
                order=locked,
                number=locked.refunds.count() + 1,
                amount=amount,
                currency=payment.currency,
                reason=f"Review: {note}",
                status=Refund.Status.PENDING,
                created_by=actor,
            )
        outcome = refund_call_provider(refund)
        # Raises `RefundRefused` on refusal: the flag stays, earlier refunds are kept.
        refunded.append(refund_settle(refund=refund, outcome=outcome, actor=actor))
    order.refresh_from_db()
    return order
