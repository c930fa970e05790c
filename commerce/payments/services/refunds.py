"""Refunds: `payment_refund`, through the provider that took the payment.

A refund runs in three steps, so no row lock is held while the provider is called:

1. `_refund_record` (one transaction, order -> payment -> lines locked): check the request,
   record the refund `pending` with its lines, and count its quantities on the order lines.
   A pending refund counts against what is left, and only one refund of an order may be pending
   (a unique constraint), so a second refund racing this one is refused (`RefundInProgress`).
2. `refund_call_provider` (no transaction): the provider call, with an idempotency key from the
   order and the refund number, so a retried call never refunds twice.
3. `refund_settle` (one transaction, order -> refund locked): on success, the refund becomes
   `succeeded`, refunded quantities go back into stock, the order moves to refunded when all
   its money is back, and the shopper is notified; on refusal, the refund becomes `failed` and
   its quantities are given back to the order lines, as if it had not been asked.

A process that stops between steps 2 and 3 leaves the refund pending, which would block every
later refund of the order; `refunds_resume` (a periodic task) asks the provider what became of
such a refund and settles it through step 3.
"""

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from catalog import inventory
from commerce import notifications
from commerce.models import Order, OrderLine
from commerce.orders import order_transition
from commerce.payments import base
from commerce.payments.exceptions import (
    InvalidRefund,
    RefundInProgress,
    RefundNotAllowed,
    RefundPermissionDenied,
    RefundRefused,
)
from commerce.payments.models import Payment, Refund, RefundLine
from commerce.payments.money import to_minor_units
from commerce.payments.providers import provider_get
from commerce.payments.services.events import (
    REFUNDABLE_STATUSES,
    payment_event_receive,
    refunded_total,
)
from nexus.money import money_format
from vendors.permissions import is_editor

logger = logging.getLogger(__name__)

Status = Order.Status


def payment_refund(
    *,
    order: Order,
    actor,
    lines: Mapping[int, int] | None = None,
    amount: Decimal | None = None,
    reason: str = "",
) -> Refund:
    """Refund a paid order through the provider that took the payment; returns the `Refund`.

    - No `lines` and no `amount`: a full refund of what is left (every line's remaining
      quantity, and shipping); the order moves to refunded.
    - `lines` ({order line id: quantity}): those quantities, at their unit price (or `amount`
      when given). The order moves to refunded once everything paid has been refunded.
    - `amount` alone: a goodwill refund of that amount, nothing restocked.
    Refunded quantities go back into stock once, when the provider has accepted the refund.

    Never holds a row lock while the provider is called (see the module docstring).
    Raises `RefundPermissionDenied` (403) unless `actor` is staff (an editor),
    `RefundNotAllowed` (409) when the order is not paid or fulfilled, `RefundInProgress` (409)
    while another refund of the order waits for the provider, `InvalidRefund` (400) for unknown
    lines, quantities beyond what is left, or an amount beyond what was paid minus earlier
    refunds, and `RefundRefused` (502) when the provider refuses (the refund is then kept as
    `failed`, and nothing else changes). Nothing changes when it raises anything else.
    """
    if not is_editor(actor):
        raise RefundPermissionDenied("Only staff can refund orders.")
    if amount is not None and not isinstance(amount, Decimal):
        raise InvalidRefund("The amount must be a decimal number.", field="amount")
    refund = _refund_record(order=order, actor=actor, lines=lines, amount=amount, reason=reason)
    outcome = refund_call_provider(refund)
    return refund_settle(refund=refund, outcome=outcome, actor=actor)


@dataclass(frozen=True)
class _Plan:
    quantities: dict[int, int]
    amount: Decimal


def _refund_record(
    *,
    order: Order,
    actor,
    lines: Mapping[int, int] | None,
    amount: Decimal | None,
    reason: str,
) -> Refund:
    """Step 1: check the request and record the refund pending, under the order's lock."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in REFUNDABLE_STATUSES:
            label = Status(order.status).label.lower()
            raise RefundNotAllowed(
                f"Order {order.number} is {label}; only paid orders can be refunded."
            )
        payment = payments_succeeded(order).select_for_update().first()
        if payment is None:
            raise RefundNotAllowed(f"Order {order.number} has no succeeded payment to refund.")
        refund_refuse_while_pending(order)
        order_lines = {
            line.pk: line
            for line in OrderLine.objects.select_for_update().filter(order=order).order_by("pk")
        }
        remaining = payment.amount - refunded_total(payment)
        plan = _refund_plan(order, order_lines, lines=lines, amount=amount, remaining=remaining)
        _check_amount(plan.amount, remaining, payment.currency)
        return _refund_create(
            order=order,
            payment=payment,
            plan=plan,
            unit_prices={pk: line.unit_price for pk, line in order_lines.items()},
            reason=reason,
            actor=actor,
        )


def payments_succeeded(order: Order) -> QuerySet[Payment]:
    """The order's succeeded payments, the one it was paid with (the first success) first."""
    return order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("succeeded_at", "pk")


def refund_refuse_while_pending(order: Order) -> None:
    if order.refunds.filter(status=Refund.Status.PENDING).exists():
        raise RefundInProgress(
            f"A refund of order {order.number} is waiting for the payment provider; "
            "try again in a moment."
        )


def _refund_plan(
    order: Order,
    order_lines: Mapping[int, OrderLine],
    *,
    lines: Mapping[int, int] | None,
    amount: Decimal | None,
    remaining: Decimal,
) -> _Plan:
    """What to refund: quantities per order line and the amount."""
    if lines is None and amount is None:  # everything left
        return _Plan(
            quantities={
                line_id: line.quantity - line.refunded_quantity
                for line_id, line in order_lines.items()
                if line.quantity > line.refunded_quantity
            },
            amount=remaining,
        )
    quantities = {}
    for line_id, quantity in (lines or {}).items():
        line = order_lines.get(int(line_id))
        if line is None:
            raise InvalidRefund(f"Order {order.number} has no line {line_id}.", field="lines")
        if not isinstance(quantity, int) or quantity < 0:
            raise InvalidRefund("Quantities must be whole numbers.", field="lines")
        left = line.quantity - line.refunded_quantity
        if quantity > left:
            raise InvalidRefund(
                f"Only {left} of {line.product_title} ({line.sku}) can still be refunded.",
                field="lines",
            )
        if quantity:
            quantities[line.pk] = quantity
    if lines is not None and not quantities:
        raise InvalidRefund("Choose at least one item to refund.", field="lines")
    if amount is None:
        amount = sum(
            (order_lines[line_id].unit_price * qty for line_id, qty in quantities.items()),
            Decimal("0"),
        )
    return _Plan(quantities=quantities, amount=amount)


def _check_amount(amount: Decimal, remaining: Decimal, currency: str) -> None:
    if amount <= 0:
        raise InvalidRefund("There is nothing left to refund.", field="amount")
    if amount > remaining:
        raise InvalidRefund(
            f"A refund of {money_format(amount, currency)} is more than the "
            f"{money_format(remaining, currency)} paid and not yet refunded.",
            field="amount",
        )


def _refund_create(
    *,
    order: Order,
    payment: Payment,
    plan: _Plan,
    unit_prices: Mapping[int, Decimal],
    reason: str,
    actor,
) -> Refund:
    """Record the pending refund and count its quantities on the order lines (caller holds
    the order's lock)."""
    try:
        with transaction.atomic():
            refund = Refund.objects.create(
                payment=payment,
                order=order,
                number=order.refunds.count() + 1,
                amount=plan.amount,
                currency=payment.currency,
                reason=reason,
                status=Refund.Status.PENDING,
                created_by=actor,
            )
    except IntegrityError:  # pragma: no cover - the order's lock makes this impossible
        raise RefundInProgress(f"A refund of order {order.number} is already in progress.")
    RefundLine.objects.bulk_create(
        RefundLine(
            refund=refund,
            order_line_id=line_id,
            quantity=quantity,
            amount=unit_prices[line_id] * quantity,
        )
        for line_id, quantity in sorted(plan.quantities.items())
    )
    for line_id, quantity in sorted(plan.quantities.items()):
        # Guarded like a stock change: never past the quantity bought.
        updated = OrderLine.objects.filter(
            pk=line_id, refunded_quantity__lte=F("quantity") - quantity
        ).update(refunded_quantity=F("refunded_quantity") + quantity)
        if updated != 1:  # pragma: no cover - the row lock above makes this impossible
            raise InvalidRefund("That quantity was refunded meanwhile.", field="lines")
    return refund


def _refund_request(refund: Refund) -> base.RefundRequest:
    payment = refund.payment
    refunded_before = (
        payment.refunds.filter(status__in=Refund.COUNTED_STATUSES)
        .exclude(pk=refund.pk)
        .values_list("amount", flat=True)
    )
    return base.RefundRequest(
        payment_reference=payment.reference,
        amount_minor=to_minor_units(refund.amount, payment.currency),
        currency=payment.currency,
        idempotency_key=f"nexus-{refund.order.number}-refund-{refund.number}",
        order_number=refund.order.number,
        refund_number=refund.number,
        refunded_before_minor=to_minor_units(sum(refunded_before, Decimal("0")), payment.currency),
    )


def refund_call_provider(refund: Refund) -> base.RefundResult | base.ProviderError:
    """Step 2: ask the provider, outside any transaction; returns its answer or its refusal."""
    try:
        return provider_get(refund.payment.provider).refund(_refund_request(refund))
    except base.ProviderError as error:
        return error


def refund_settle(
    *, refund: Refund, outcome: base.RefundResult | base.ProviderError, actor
) -> Refund:
    """Step 3: record the provider's answer, under the order's lock; returns the refund.

    A refund of the payment the order was paid with moves the order to refunded once all of
    that payment is back (a review refund of a payment the order does not keep leaves the
    order's status alone). A refund already settled (by `refunds_resume`) is left as it is.
    Raises `RefundRefused` (502) when the refund is failed.
    """
    refund, _ = _refund_settle(refund=refund, outcome=outcome, actor=actor)
    if refund.status == Refund.Status.FAILED:
        raise RefundRefused(refund.failure_message)
    return refund


def _refund_settle(
    *, refund: Refund, outcome: base.RefundResult | base.ProviderError, actor
) -> tuple[Refund, bool]:
    """`refund_settle` without the exception; also says whether this call settled it."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if refund.status != Refund.Status.PENDING:
            return refund, False
        quantities = dict(refund.lines.values_list("order_line_id", "quantity"))
        if isinstance(outcome, base.ProviderError):
            _refund_fail(refund, outcome.message, quantities)
        else:
            _refund_succeed(refund, outcome, quantities, order=order, actor=actor)
    return refund, True


def _refund_fail(refund: Refund, message: str, quantities: Mapping[int, int]) -> None:
    """The provider gave nothing back: the refund's quantities are left to refund again."""
    refund.status = Refund.Status.FAILED
    refund.failure_message = message
    refund.settled_at = timezone.now()
    refund.save(update_fields=["status", "failure_message", "settled_at"])
    for line_id, quantity in quantities.items():
        OrderLine.objects.filter(pk=line_id).update(
            refunded_quantity=F("refunded_quantity") - quantity
        )


def _refund_succeed(
    refund: Refund,
    result: base.RefundResult,
    quantities: Mapping[int, int],
    *,
    order: Order,
    actor,
) -> None:
    refund.status = Refund.Status.SUCCEEDED
    refund.reference = result.reference
    refund.settled_at = timezone.now()
    refund.save(update_fields=["status", "reference", "settled_at"])
    _restock(quantities)
    payment = refund.payment
    if (
        order.status in REFUNDABLE_STATUSES
        and payment.pk == payments_succeeded(order).values_list("pk", flat=True).first()
        and refunded_total(payment) >= payment.amount
    ):
        order_transition(
            order=order,
            to_status=Status.REFUNDED,
            actor=actor,
            note=f"Refund {refund.number}: {money_format(refund.amount, refund.currency)}."
            + (f" {refund.reason}" if refund.reason else ""),
        )
    notifications.notify_refund(refund=refund)
    for event in result.events:
        payment_event_receive(provider=payment.provider, event=event)


# Why a refund the provider has no record of is settled failed.
REFUND_NOT_MADE = (
    "The payment provider has no refund for this request (its answer was lost); nothing was "
    "given back, so it can be refunded again."
)


def refunds_resume(*, now: datetime | None = None) -> int:
    """Settle the refunds left pending longer than `REFUND_RESUME_AFTER_MINUTES` (the process
    that asked the provider stopped before settling; the pending refund blocks every later
    refund of its order); returns how many this run settled.

    Each is looked up at its provider (`refund_state`, outside any transaction; never a new
    refund) and settled as `refund_settle` would have settled the lost answer: accepted, it
    succeeds (stock back, order refunded when all its money is, shopper notified); refused or
    unknown to the provider, it fails and its quantities can be refunded again. While the
    provider cannot tell, the refund stays pending for the next run. Safe to run twice or
    concurrently: `refund_settle` settles a refund once, under the order's lock.
    """
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.REFUND_RESUME_AFTER_MINUTES)
    stale = Refund.objects.filter(status=Refund.Status.PENDING, created_at__lte=cutoff)
    settled = 0
    for refund in stale.select_related("payment", "order").order_by("pk"):
        try:
            result = provider_get(refund.payment.provider).refund_state(_refund_request(refund))
        except base.ProviderError as error:
            logger.warning("Refund %s stays pending: %s", refund.pk, error.message)
            continue
        outcome = result if result is not None else base.ProviderError(REFUND_NOT_MADE)
        _, changed = _refund_settle(refund=refund, outcome=outcome, actor=None)
        settled += changed
    return settled


def _restock(quantities: Mapping[int, int]) -> None:
    restock: dict[int, int] = defaultdict(int)
    for line_id, variant_id in OrderLine.objects.filter(
        pk__in=quantities, variant__isnull=False
    ).values_list("pk", "variant_id"):
        restock[variant_id] += quantities[line_id]
    inventory.stock_release(quantities=dict(restock))
