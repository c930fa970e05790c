"""Provider events: stored once (`payment_event_receive`, `payment_webhook_receive`), handled
once (`payment_event_handle`). The order becomes paid here and nowhere else, whether the event
came from a signed Stripe webhook or from the dummy provider in-process.

Lock order: the stored event row, then the order row, then the payment row.
"""

import logging
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal

from celery.exceptions import Retry
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Sum
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from commerce import notifications
from commerce.models import Order
from commerce.orders import order_transition
from commerce.payments import base
from commerce.payments.exceptions import (
    InvalidWebhook,
)
from commerce.payments.models import Payment, PaymentEvent, Refund
from commerce.payments.money import from_minor_units, to_minor_units
from commerce.payments.providers import provider_get
from nexus.money import money_format

logger = logging.getLogger(__name__)

Status = Order.Status
REFUNDABLE_STATUSES = (Status.PAID, Status.FULFILLED)


def _enqueue_event(event_pk: int) -> None:
    from commerce.payments.tasks import payment_event_process

    try:
        payment_event_process.delay(event_pk)
    except BrokerError:  # the event is stored: `payment_events_retry` picks it up later
        logger.exception("Could not enqueue payment event %s; the sweep will retry.", event_pk)
    except (OperationalError, InterfaceError, Retry) as error:
        # Without a broker the task runs in this request (eager), and a database restarting
        # under it ends in its retry or its OperationalError. The provider's event is stored
        # and the sweep handles it; the shopper's payment is not a 500 (nor a 503 telling
        # them to pay again).
        logger.warning("Payment event %s not handled now (%s); the sweep will.", event_pk, error)


def payment_event_receive(*, provider: str, event: base.ProviderEvent) -> tuple[PaymentEvent, bool]:
    """Store a provider event once and queue its processing after the transaction commits.

    Returns `(stored event, created)`; `created` is False for a second delivery of the same
    event id, which changes nothing. The unique (provider, event id) constraint decides, so
    concurrent deliveries store and process the event once.
    """
    try:
        with transaction.atomic():
            stored = PaymentEvent.objects.create(
                provider=provider,
                event_id=event.event_id,
                type=event.type,
                kind=event.kind.value,
                reference=event.reference,
                amount_minor=event.amount_minor,
                currency=event.currency,
                metadata=dict(event.metadata),
                failure_code=event.failure_code,
                failure_message=event.failure_message,
                payload=dict(event.raw),
            )
    except IntegrityError:
        return PaymentEvent.objects.get(provider=provider, event_id=event.event_id), False
    transaction.on_commit(lambda: _enqueue_event(stored.pk))
    return stored, True


def payment_webhook_receive(
    *, provider_name: str, payload: bytes, headers: Mapping[str, str]
) -> tuple[PaymentEvent, bool]:
    """Verify a webhook delivery with the provider and store its event once (see
    `payment_event_receive`). Raises `InvalidWebhook` (400) for a bad signature, a stale
    timestamp or a body that is not an event; nothing is stored then."""
    try:
        provider = provider_get(provider_name)
        event = provider.handle_event(payload=payload, headers=headers)
    except (base.InvalidEvent, base.ProviderError, ValueError) as error:
        logger.warning("Rejected %s webhook: %s", provider_name, error)
        raise InvalidWebhook(f"Webhook rejected: {error}")
    return payment_event_receive(provider=provider_name, event=event)


def _payment_for_event(stored: PaymentEvent) -> Payment | None:
    if stored.reference:
        payment = Payment.objects.filter(
            provider=stored.provider, reference=stored.reference
        ).first()
        if payment is not None:
            return payment
    # A declined create call answers with an error, not the intent: the metadata we sent with
    # it names the attempt. The order number must agree, so a foreign event never matches.
    payment_id = str(stored.metadata.get("payment_id", ""))
    if payment_id.isdigit():
        return Payment.objects.filter(
            pk=int(payment_id),
            provider=stored.provider,
            order__number=stored.metadata.get("order_number", ""),
        ).first()
    return None


def _flag_for_review(order: Order, reason: str) -> None:
    """Flag `order` for staff review (`order_review_resolve`), giving `reason` once: a second
    event about the same payment (a re-processed or re-sent event) does not repeat it."""
    logger.warning("Order %s needs review: %s", order.number, reason)
    reasons = [line for line in order.review_reason.splitlines() if line.strip()]
    if reason not in reasons:
        reasons.append(reason)
    order.needs_review = True
    order.review_reason = "\n".join(reasons)
    order.save(update_fields=["needs_review", "review_reason", "updated_at"])


def _handle_succeeded(stored: PaymentEvent, order: Order, payment: Payment) -> str:
    if payment.status == Payment.Status.SUCCEEDED:
        return "Payment already succeeded; nothing to do."
    expected = to_minor_units(order.total, order.currency)
    if stored.amount_minor != expected or stored.currency.upper() != order.currency.upper():
        taken = (
            money_format(from_minor_units(stored.amount_minor, stored.currency), stored.currency)
            if stored.amount_minor is not None and stored.currency
            else "an unknown amount"
        )
        reason = (
            f"Payment {payment.reference or payment.pk} took {taken}, but order "
            f"{order.number} totals {money_format(order.total, order.currency)}; not marked paid."
        )
        payment.failure_code = "amount_mismatch"
        payment.failure_message = reason
        payment.save(update_fields=["failure_code", "failure_message", "updated_at"])
        _flag_for_review(order, reason)
        return reason
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = timezone.now()
    payment.client_secret = ""
    payment.failure_code = ""
    payment.failure_message = ""
    payment.save()
    if order.status == Status.PENDING_PAYMENT:
        order_transition(
            order=order,
            to_status=Status.PAID,
            note="Payment received.",
        )
        notifications.notify_order_paid(order=order)
        outcome = "Order paid."
    else:
        paid_before = (
            order.payments.filter(status=Payment.Status.SUCCEEDED).exclude(pk=payment.pk).exists()
        )
        reason = (
            f"Payment {payment.reference} succeeded while order {order.number} was "
            f"{Status(order.status).label.lower()}"
            + (" and already paid by another payment" if paid_before else "")
            + "; refund it."
        )
        _flag_for_review(order, reason)
        outcome = reason
    # A refund event that arrived before this one waited for it (same end state either way).
    for deferred in PaymentEvent.objects.filter(
        payment=payment, kind=base.EventKind.REFUNDED, processed_at__isnull=True
    ).order_by("pk"):
        deferred.outcome = _handle_refunded(deferred, order, payment)
        deferred.processed_at = timezone.now()
        deferred.save(update_fields=["outcome", "processed_at"])
    return outcome


def _handle_failed(stored: PaymentEvent, order: Order, payment: Payment) -> str:
    if payment.status == Payment.Status.SUCCEEDED:
        return "Payment already succeeded; a failure reported earlier is ignored."
    payment.status = Payment.Status.FAILED
    payment.client_secret = ""
    payment.failure_code = stored.failure_code or "payment_failed"
    payment.failure_message = stored.failure_message or "The payment was declined."
    payment.save()
    return f"Payment failed ({payment.failure_code}); order {order.number} stays payable."


def refunded_total(payment: Payment) -> Decimal:
    """Refunded on `payment`, counting refunds still waiting for the provider (so a provider's
    report that arrives before Nexus settles its own refund is not taken for a second one)."""
    return payment.refunds.filter(status__in=Refund.COUNTED_STATUSES).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")


def _handle_refunded(stored: PaymentEvent, order: Order, payment: Payment) -> str | None:
    """Record what the provider refunded beyond the refunds Nexus made itself (a refund made in
    the provider's dashboard). Such a refund has no lines, so nothing is restocked."""
    if payment.status != Payment.Status.SUCCEEDED:
        return None  # deferred: handled when the payment's success is
    reported = from_minor_units(stored.amount_minor or 0, payment.currency)
    recorded = refunded_total(payment)
    if reported <= recorded:
        return "Refund already recorded."
    refund = Refund.objects.create(
        payment=payment,
        order=order,
        number=(order.refunds.count() + 1),
        amount=reported - recorded,
        currency=payment.currency,
        reason=f"Refunded at the provider (event {stored.event_id}).",
        settled_at=timezone.now(),
    )
    if reported >= payment.amount and order.status in REFUNDABLE_STATUSES:
        order_transition(order=order, to_status=Status.REFUNDED, note=refund.reason)
    notifications.notify_refund(refund=refund)
    return (
        f"Recorded a refund of {money_format(refund.amount, refund.currency)} made at the provider."
    )


def payment_event_handle(*, event_pk: int) -> str:
    """Act on a stored provider event, once; returns what it did (also stored as `outcome`).

    Locks the event row (a concurrent or repeated run finds it processed and does nothing),
    then the order, then the payment. `payment_succeeded` marks the payment succeeded and the
    order paid only when amount and currency match the order (otherwise the order is flagged
    for review, never paid) and calls `notify_order_paid` on that one transition;
    `payment_failed` records the failure and leaves the order payable; `refunded` records a
    refund made outside Nexus. Events arriving out of order end in the same state.
    """
    with transaction.atomic():
        stored = PaymentEvent.objects.select_for_update().get(pk=event_pk)
        if stored.processed_at is not None:
            return stored.outcome
        outcome: str | None
        payment = None
        if stored.kind == base.EventKind.IGNORED:
            outcome = "Event type not used by Nexus."
        else:
            payment = _payment_for_event(stored)
            if payment is None:
                outcome = "No payment of this shop matches the event."
                logger.warning("Payment event %s matches no payment.", stored.event_id)
            else:
                order = Order.objects.select_for_update().get(pk=payment.order_id)
                payment = Payment.objects.select_for_update().get(pk=payment.pk)
                if stored.reference and not payment.reference:
                    payment.reference = stored.reference
                    payment.save(update_fields=["reference", "updated_at"])
                handler = {
                    base.EventKind.PAYMENT_SUCCEEDED: _handle_succeeded,
                    base.EventKind.PAYMENT_FAILED: _handle_failed,
                    base.EventKind.REFUNDED: _handle_refunded,
                }[base.EventKind(stored.kind)]
                outcome = handler(stored, order, payment)
        stored.payment = payment
        if outcome is None:
            stored.outcome = "Waiting for the payment's success event."
            stored.save(update_fields=["payment", "outcome"])
            return stored.outcome
        stored.outcome = outcome
        stored.processed_at = timezone.now()
        stored.save(update_fields=["payment", "outcome", "processed_at"])
        return outcome


def payment_events_pending(*, older_than_seconds: float = 60) -> list[int]:
    """Ids of stored events not processed yet (their task was lost, e.g. to a broker outage)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        PaymentEvent.objects.filter(processed_at__isnull=True, received_at__lte=cutoff)
        .exclude(kind=base.EventKind.REFUNDED, payment__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
