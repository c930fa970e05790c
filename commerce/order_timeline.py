"""The shopper's view of an order's steps, read from what the services recorded.

Every step comes from a stored time: the status changes (`OrderStatusChange`, written by
`commerce.orders.order_transition` and by checkout), each shipment (`OrderLine.shipped_at`,
written by `order_lines_ship`), and each refund the provider accepted (`Refund.settled_at`).
Steps still to come (payment, each vendor's shipment) follow, without a time.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from commerce.models import Order
from commerce.payments.models import Refund
from nexus.money import money_format

Status = Order.Status

STATUS_TITLES = {
    Status.PENDING_PAYMENT: "Placed",
    Status.PAID: "Paid",
    Status.FULFILLED: "Every item shipped",
    Status.COMPLETED: "Completed",
    Status.CANCELLED: "Cancelled",
    Status.REFUNDED: "Refunded in full",
}


@dataclass(frozen=True)
class OrderStep:
    title: str
    # When it happened; None for a step still to come.
    at: datetime | None
    detail: str = ""

    @property
    def is_done(self) -> bool:
        return self.at is not None


def order_timeline(*, order: Order) -> list[OrderStep]:
    """The order's steps, oldest first, then the steps still to come.

    Reads `order.status_changes` and `order.lines` (prefetched by
    `commerce.selectors.order_get_for_user`) and makes one query, for the refunds.
    """
    # A shipment or a refund can move the order's status at the same moment: the cause is
    # listed before the status it led to (the sort is stable).
    done = _shipment_steps(order) + _refund_steps(order) + _status_steps(order)
    done.sort(key=lambda step: step.at)
    return done + _upcoming_steps(order)


def _status_steps(order: Order) -> list[OrderStep]:
    steps = []
    for change in order.status_changes.all():
        if not change.from_status:
            steps.append(OrderStep("Placed", change.created_at))
        elif change.from_status != change.to_status:  # equal: a review note, not a step
            # A full refund's amount is its refund step's; its note is the staff's.
            note = "" if change.to_status == Status.REFUNDED else change.note
            steps.append(OrderStep(STATUS_TITLES[change.to_status], change.created_at, note))
    if not steps or steps[0].title != "Placed":
        steps.insert(0, OrderStep("Placed", order.created_at))
    return steps


def _shipment_steps(order: Order) -> list[OrderStep]:
    """One step per shipment: a vendor's lines shipped together (same time, carrier, tracking)."""
    shipments: OrderedDict[tuple, list[str]] = OrderedDict()
    for line in order.lines.all():
        if line.shipped_at is not None:
            key = (line.shipped_at, line.vendor_name, line.carrier, line.tracking_number)
            shipments.setdefault(key, []).append(_item(line))
    steps = []
    for (shipped_at, vendor_name, carrier, tracking_number), items in shipments.items():
        detail = f"{', '.join(items)} with {carrier}"
        if tracking_number:
            detail += f", tracking {tracking_number}"
        steps.append(OrderStep(f"Shipped by {vendor_name}", shipped_at, detail + "."))
    return steps


def _refund_steps(order: Order) -> list[OrderStep]:
    refunds = order.refunds.filter(status=Refund.Status.SUCCEEDED).order_by("settled_at", "pk")
    return [
        OrderStep(f"Refund of {money_format(refund.amount, refund.currency)}", refund.settled_at)
        for refund in refunds
    ]


def _upcoming_steps(order: Order) -> list[OrderStep]:
    if order.status == Status.PENDING_PAYMENT:
        steps = [OrderStep("Paid", None, "Waiting for your payment.")]
    elif order.status == Status.PAID:
        steps = []
    else:
        return []
    waiting: OrderedDict[str, None] = OrderedDict()
    for line in order.lines.all():
        if line.shipped_at is None and line.refunded_quantity < line.quantity:
            waiting[line.vendor_name] = None
    steps += [OrderStep(f"Shipped by {vendor}", None) for vendor in waiting]
    return steps


def _item(line) -> str:
    label = f" ({line.variant_label})" if line.variant_label else ""
    return f"{line.product_title}{label}"
