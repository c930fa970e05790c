"""Refunds: `payment_refund`, through the provider that took the payment."""

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from catalog import inventory
from commerce import notifications
from commerce.models import Order, OrderLine
from commerce.orders import order_transition
from commerce.payments import base
from commerce.payments.exceptions import (
    InvalidRefund,
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
    Refunded quantities go back into stock and onto `OrderLine.refunded_quantity` in the same
    transaction as the refund record, so each is restocked once.

    Locks the order row, then its lines, for the whole operation, including the provider call
    (idempotency key from the order and the refund number, so a retry never refunds twice).
    Raises `RefundPermissionDenied` (403) unless `actor` is staff (an editor),
    `RefundNotAllowed` (409) when the order is not paid or fulfilled, `InvalidRefund` (400) for
    unknown lines, quantities beyond what is left, or an amount beyond what was paid minus
    earlier refunds, and `RefundRefused` (502) when the provider refuses. Nothing changes when
    it raises.
    """
    if not is_editor(actor):
        raise RefundPermissionDenied("Only staff can refund orders.")
    if amount is not None and not isinstance(amount, Decimal):
        raise InvalidRefund("The amount must be a decimal number.", field="amount")
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
            .order_by("-succeeded_at", "-pk")
            .first()
        )
        if payment is None:
            raise RefundNotAllowed(f"Order {order.number} has no succeeded payment to refund.")
        order_lines = {
            line.pk: line
            for line in OrderLine.objects.select_for_update().filter(order=order).order_by("pk")
        }
        refunded_before = refunded_total(payment)
        remaining = payment.amount - refunded_before
        is_full = lines is None and amount is None
        if is_full:
            quantities = {
                line_id: line.quantity - line.refunded_quantity
                for line_id, line in order_lines.items()
                if line.quantity > line.refunded_quantity
            }
            amount = remaining
        else:
            quantities = {}
            for line_id, quantity in (lines or {}).items():
                line = order_lines.get(int(line_id))
                if line is None:
                    raise InvalidRefund(
                        f"Order {order.number} has no line {line_id}.", field="lines"
                    )
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
        if amount <= 0:
            raise InvalidRefund("There is nothing left to refund.", field="amount")
        if amount > remaining:
            raise InvalidRefund(
                f"A refund of {amount} {payment.currency} is more than the {remaining} "
                f"{payment.currency} paid and not yet refunded.",
                field="amount",
            )
        number = order.refunds.count() + 1
        provider = provider_get(payment.provider)
        try:
            result = provider.refund(
                base.RefundRequest(
                    payment_reference=payment.reference,
                    amount_minor=to_minor_units(amount, payment.currency),
                    currency=payment.currency,
                    idempotency_key=f"nexus-{order.number}-refund-{number}",
                    order_number=order.number,
                    refund_number=number,
                    refunded_before_minor=to_minor_units(refunded_before, payment.currency),
                )
            )
        except base.ProviderError as error:
            raise RefundRefused(error.message)
        refund = Refund.objects.create(
            payment=payment,
            order=order,
            number=number,
            amount=amount,
            currency=payment.currency,
            reference=result.reference,
            reason=reason,
            created_by=actor,
        )
        RefundLine.objects.bulk_create(
            RefundLine(
                refund=refund,
                order_line_id=line_id,
                quantity=quantity,
                amount=order_lines[line_id].unit_price * quantity,
            )
            for line_id, quantity in sorted(quantities.items())
        )
        restock: dict[int, int] = defaultdict(int)
        for line_id, quantity in sorted(quantities.items()):
            # Guarded like a stock change: never past the quantity bought.
            updated = OrderLine.objects.filter(
                pk=line_id, refunded_quantity__lte=F("quantity") - quantity
            ).update(refunded_quantity=F("refunded_quantity") + quantity)
            if updated != 1:  # pragma: no cover - the row lock above makes this impossible
                raise InvalidRefund("That quantity was refunded meanwhile.", field="lines")
            if order_lines[line_id].variant_id:
                restock[order_lines[line_id].variant_id] += quantity
        inventory.stock_release(quantities=dict(restock))
        if refunded_before + amount >= payment.amount:
            order_transition(
                order=order,
                to_status=Status.REFUNDED,
                actor=actor,
                note=f"Refund {number}: {amount} {payment.currency}."
                + (f" {reason}" if reason else ""),
            )
        notifications.notify_refund(refund=refund)
        for event in result.events:
            payment_event_receive(provider=provider.name, event=event)
    return refund
