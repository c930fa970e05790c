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
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F

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
from vendors.permissions import is_editor

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
    return refund_settle(refund=refund, outcome=outcome, completes_order=True, actor=actor)


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
        payment = (
            order.payments.select_for_update()
            .filter(status=Payment.Status.SUCCEEDED)
            .order_by("succeeded_at", "pk")
            .first()
        )
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
            f"A refund of {amount} {currency} is more than the {remaining} "
            f"{currency} paid and not yet refunded.",
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


def refund_call_provider(refund: Refund) -> base.RefundResult | base.ProviderError:
    """Step 2: ask the provider, outside any transaction; returns its answer or its refusal."""
    payment = refund.payment
    refunded_before = (
        payment.refunds.filter(status__in=Refund.COUNTED_STATUSES)
        .exclude(pk=refund.pk)
        .values_list("amount", flat=True)
    )
    provider = provider_get(payment.provider)
    try:
        return provider.refund(
            base.RefundRequest(
                payment_reference=payment.reference,
                amount_minor=to_minor_units(refund.amount, payment.currency),
                currency=payment.currency,
                idempotency_key=f"nexus-{refund.order.number}-refund-{refund.number}",
                order_number=refund.order.number,
                refund_number=refund.number,
                refunded_before_minor=to_minor_units(
                    sum(refunded_before, Decimal("0")), payment.currency
                ),
            )
        )
    except base.ProviderError as error:
        return error


def refund_settle(
    *,
    refund: Refund,
    outcome: base.RefundResult | base.ProviderError,
    completes_order: bool,
    actor,
) -> Refund:
    """Step 3: record the provider's answer, under the order's lock.

    `completes_order`: the refund is of the payment the order was paid with, so the order
    moves to refunded once all of it is back (a review refund of a payment the order does not
    keep leaves the order's status alone).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        quantities = dict(refund.lines.values_list("order_line_id", "quantity"))
        if isinstance(outcome, base.ProviderError):
            refund.status = Refund.Status.FAILED
            refund.failure_message = outcome.message
            refund.save(update_fields=["status", "failure_message"])
            for line_id, quantity in quantities.items():
                OrderLine.objects.filter(pk=line_id).update(
                    refunded_quantity=F("refunded_quantity") - quantity
                )
        else:
            refund.status = Refund.Status.SUCCEEDED
            refund.reference = outcome.reference
            refund.save(update_fields=["status", "reference"])
            _restock(quantities)
            payment = refund.payment
            if (
                completes_order
                and order.status in REFUNDABLE_STATUSES
                and refunded_total(payment) >= payment.amount
            ):
                order_transition(
                    order=order,
                    to_status=Status.REFUNDED,
                    actor=actor,
                    note=f"Refund {refund.number}: {refund.amount} {refund.currency}."
                    + (f" {refund.reason}" if refund.reason else ""),
                )
            notifications.notify_refund(refund=refund)
            for event in outcome.events:
                payment_event_receive(provider=payment.provider, event=event)
    if isinstance(outcome, base.ProviderError):
        raise RefundRefused(outcome.message)
    return refund


def _restock(quantities: Mapping[int, int]) -> None:
    restock: dict[int, int] = defaultdict(int)
    for line_id, variant_id in OrderLine.objects.filter(
        pk__in=quantities, variant__isnull=False
    ).values_list("pk", "variant_id"):
        restock[variant_id] += quantities[line_id]
    inventory.stock_release(quantities=dict(restock))
