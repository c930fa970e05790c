"""Order services: the one status transition function and the operations built on it.

Every status change goes through `order_transition`, which locks the order row, refuses illegal
moves and records who moved it when. Stock reserved at checkout goes back exactly once, when an
order moves pending_payment -> cancelled (by the shopper or by expiry): the status check happens
under the row lock, so a second caller finds the order already cancelled and is refused.

The moves (README, "Order statuses"): pending_payment -> paid | cancelled; paid -> fulfilled |
refunded; fulfilled -> completed | refunded (a shipped order returned and refunded in full); and
one move reserved for staff review, cancelled -> paid (`REINSTATEMENT`): only for an order flagged
for review (a payment succeeded after it was cancelled or expired), and only if its stock can be
reserved again.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from catalog import inventory
from commerce.exceptions import (
    InvalidOrderTransition,
    InvalidShipment,
    LinesAlreadyShipped,
    OrderLineNotFound,
    OrderNotFound,
    PaymentInFlight,
)
from commerce.models import Order, OrderLine, OrderStatusChange
from commerce.payments.models import Payment
from vendors import permissions as vendor_policy
from vendors.exceptions import VendorSuspended

Status = Order.Status

LEGAL_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.PENDING_PAYMENT, Status.PAID),
        (Status.PENDING_PAYMENT, Status.CANCELLED),
        (Status.PAID, Status.FULFILLED),
        (Status.FULFILLED, Status.COMPLETED),
        (Status.PAID, Status.REFUNDED),
        (Status.FULFILLED, Status.REFUNDED),
    }
)

# Reinstating an order whose payment succeeded after it was cancelled: legal only while the
# order is flagged for review, and it takes the order's stock out again (all or nothing).
REINSTATEMENT: tuple[str, str] = (Status.CANCELLED, Status.PAID)


def _label(status: str) -> str:
    return Status(status).label.lower() if status in Status.values else status


def order_transition(*, order: Order, to_status: str, actor=None, note: str = "") -> Order:
    """Move `order` to `to_status` and record the change; returns the updated order.

    Locks the order row (select_for_update) and checks the move against the row's current
    status, so concurrent callers serialise and only the first legal move wins. Moving
    pending_payment -> cancelled puts the order's reserved stock back (once); the reinstatement
    cancelled -> paid (only for an order flagged for review) takes it out again. Moving to paid
    sets `paid_at`. The passed instance is refreshed with the new status.

    Raises `InvalidOrderTransition` (409) for a move not in `LEGAL_TRANSITIONS` (or a
    reinstatement of an order not flagged for review), including a move from a status the order
    has already left, and `InsufficientStock` (409) when a reinstated order's stock is gone.
    Nothing changes when it raises.
    """
    if to_status not in Status.values:
        raise InvalidOrderTransition(f"Unknown order status {to_status!r}.")
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        from_status = locked.status
        move = (from_status, to_status)
        if move not in LEGAL_TRANSITIONS and not (move == REINSTATEMENT and locked.needs_review):
            raise InvalidOrderTransition(
                f"Order {locked.number} is {_label(from_status)} and cannot become "
                f"{_label(to_status)}."
            )
        now = timezone.now()
        locked.status = to_status
        update_fields = ["status", "updated_at"]
        if to_status == Status.PAID and locked.paid_at is None:
            locked.paid_at = now
            update_fields.append("paid_at")
        locked.save(update_fields=update_fields)
        OrderStatusChange.objects.create(
            order=locked, from_status=from_status, to_status=to_status, actor=actor, note=note
        )
        if from_status == Status.PENDING_PAYMENT and to_status == Status.CANCELLED:
            inventory.stock_release(quantities=_reserved_quantities(locked))
        if move == REINSTATEMENT:
            quantities = _reserved_quantities(locked)
            if quantities:
                inventory.stock_reserve(quantities=quantities)
    order.status = locked.status
    order.paid_at = locked.paid_at
    order.updated_at = locked.updated_at
    return locked


def _reserved_quantities(order: Order) -> dict[int, int]:
    quantities: dict[int, int] = defaultdict(int)
    for variant_id, quantity in order.lines.filter(variant__isnull=False).values_list(
        "variant_id", "quantity"
    ):
        quantities[variant_id] += quantity
    return dict(quantities)


def order_cancel(*, order: Order, actor) -> Order:
    """Cancel an order that is still awaiting payment, on behalf of its shopper (or staff).

    A cancellation waits for a payment in flight: while an attempt is being charged (recorded
    before the provider call, or accepted and awaiting the provider's confirmation) it is
    refused, so money never arrives for an order cancelled a moment earlier; once the payment
    has failed the order can be cancelled, once it has succeeded the order is paid. An attempt
    waiting for 3-D Secure has charged nothing and does not hold the cancellation back (a
    success that still comes later is flagged for staff review).

    Releases the reserved stock through `order_transition` (exactly once). Raises
    `OrderNotFound` when `actor` is neither the order's shopper nor staff (another shopper's
    order does not exist for them), `InvalidOrderTransition` (409) when the order is not pending
    payment, and `PaymentInFlight` (409) while a payment is being charged.
    """
    if actor is None or not (order.user_id == actor.pk or actor.is_staff):
        raise OrderNotFound("No such order.")
    note = "Cancelled by the shopper." if order.user_id == actor.pk else "Cancelled by staff."
    with transaction.atomic():
        # payment_start records its attempt under this lock, so the check cannot miss one.
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.status != Status.PENDING_PAYMENT:
            raise InvalidOrderTransition(
                f"Order {locked.number} is {_label(locked.status)}; only orders awaiting "
                "payment can be cancelled."
            )
        if locked.payments.filter(status__in=Payment.OPEN_STATUSES).exists():
            raise PaymentInFlight(
                f"A payment for order {locked.number} is being processed; wait for its "
                "outcome before cancelling."
            )
        return order_transition(order=order, to_status=Status.CANCELLED, actor=actor, note=note)


def orders_expire(*, now=None) -> int:
    """Cancel every order still pending payment whose `expires_at` has passed; returns how many.

    Safe to run concurrently or twice: each order is cancelled through `order_transition`,
    which re-checks the status (and the expiry) under the row lock, so stock is released once.
    An order whose payment the provider has accepted and is confirming (`processing`) waits
    for that outcome, like `order_cancel`; an attempt the provider never answered does not keep
    an order alive (a success that still comes is flagged for staff review).
    """
    now = now or timezone.now()
    expired = 0
    for order_id in _expiry_candidates(now):
        with transaction.atomic():
            order = (
                Order.objects.select_for_update()
                .filter(pk=order_id, status=Status.PENDING_PAYMENT, expires_at__lte=now)
                .exclude(payments__status=Payment.Status.PROCESSING)
                .first()
            )
            if order is None:  # paid, cancelled or expired by another run meanwhile
                continue
            order_transition(
                order=order, to_status=Status.CANCELLED, note="Payment window expired."
            )
        expired += 1
    return expired


def _expiry_candidates(now) -> list[int]:
    return list(
        Order.objects.filter(status=Status.PENDING_PAYMENT, expires_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def order_lines_ship(
    *,
    order_line_ids: Iterable[int],
    vendor,
    carrier: str,
    tracking_number: str,
    actor,
) -> list[OrderLine]:
    """Mark `vendor`'s order lines shipped with a carrier and tracking number.

    Locks the orders concerned (ascending id) and then the lines. When every line of an order
    that still needs shipping is shipped, the order moves paid -> fulfilled through
    `order_transition`. Then `commerce.notifications.notify_lines_shipped` is called once per
    order (it enqueues after commit).

    `actor` must be allowed to act for `vendor` by the vendor policy (`vendors.permissions`);
    `None` is the system (a task, a test), which acts for any vendor.

    Raises `OrderLineNotFound` (404) when `actor` may not see `vendor`'s lines or a line does
    not exist or belongs to another vendor, `VendorSuspended` (403) when `vendor` is suspended
    for a member `actor`, `InvalidShipment` (400) for no lines or no carrier,
    `InvalidOrderTransition` (409) when an order is not paid, `LinesAlreadyShipped` (409) when a
    line was already shipped. Nothing changes when it raises.
    """
    _ship_permission_check(actor=actor, vendor=vendor)
    line_ids, carrier, tracking_number = _shipment_clean(
        order_line_ids=order_line_ids, carrier=carrier, tracking_number=tracking_number
    )
    with transaction.atomic():
        orders, lines = _shipment_lock(line_ids=line_ids, vendor=vendor)
        _shipment_check(orders=orders, lines=lines)
        now = timezone.now()
        for line in lines:
            line.shipped_at = now
            line.carrier = carrier
            line.tracking_number = tracking_number
        OrderLine.objects.bulk_update(lines, ["shipped_at", "carrier", "tracking_number"])
        _shipment_conclude(orders=orders, lines=lines, actor=actor)
    return lines


def _ship_permission_check(*, actor, vendor) -> None:
    if actor is None:
        return
    if not vendor_policy.user_can_manage_vendor(actor, vendor):
        raise OrderLineNotFound("No order line of this vendor is yours to ship.")
    if not vendor_policy.user_can_edit_vendor_content(actor, vendor):
        raise VendorSuspended("This vendor is suspended: its lines cannot be shipped.")


def _shipment_clean(
    *, order_line_ids: Iterable[int], carrier: str, tracking_number: str
) -> tuple[list[int], str, str]:
    """The line ids (sorted, once each), carrier and tracking number, checked."""
    line_ids = sorted({int(line_id) for line_id in order_line_ids})
    carrier = (carrier or "").strip()
    tracking_number = (tracking_number or "").strip()
    if not line_ids:
        raise InvalidShipment("Choose at least one order line to ship.", field="order_line_ids")
    if not carrier:
        raise InvalidShipment("Name the carrier.", field="carrier")
    if len(carrier) > 100 or len(tracking_number) > 100:
        raise InvalidShipment("Carrier and tracking number are at most 100 characters.")
    return line_ids, carrier, tracking_number


def _shipment_lock(*, line_ids: list[int], vendor) -> tuple[dict[int, Order], list[OrderLine]]:
    """Lock the orders of `vendor`'s lines (ascending id), then the lines; every line must be
    `vendor`'s."""
    order_ids = sorted(
        set(
            OrderLine.objects.filter(pk__in=line_ids, vendor=vendor).values_list(
                "order_id", flat=True
            )
        )
    )
    orders = {
        order.pk: order
        for order in Order.objects.select_for_update().filter(pk__in=order_ids).order_by("pk")
    }
    lines = list(
        OrderLine.objects.select_for_update().filter(pk__in=line_ids, vendor=vendor).order_by("pk")
    )
    missing = sorted(set(line_ids) - {line.pk for line in lines})
    if missing:
        raise OrderLineNotFound(f"No order line {', '.join(map(str, missing))} for this vendor.")
    return orders, lines


def _shipment_check(*, orders: dict[int, Order], lines: list[OrderLine]) -> None:
    shipped = [line for line in lines if line.shipped_at is not None]
    if shipped:
        raise LinesAlreadyShipped(
            "Already shipped: "
            + ", ".join(f"{line.product_title} ({line.sku})" for line in shipped)
        )
    for order in orders.values():
        if order.status != Status.PAID:
            raise InvalidOrderTransition(
                f"Order {order.number} is {_label(order.status)}; only paid orders can be shipped."
            )


def _shipment_conclude(*, orders: dict[int, Order], lines: list[OrderLine], actor) -> None:
    """Fulfil each order with nothing left to ship, and tell its shopper what was shipped."""
    from commerce import notifications

    lines_by_order: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        lines_by_order[line.order_id].append(line)
    for order_id, order_lines in sorted(lines_by_order.items()):
        order = orders[order_id]
        has_unshipped = (
            OrderLine.objects.filter(order_id=order_id, shipped_at__isnull=True)
            # A fully refunded line needs no shipping.
            .exclude(refunded_quantity__gte=F("quantity"))
            .exists()
        )
        if not has_unshipped:
            order_transition(
                order=order, to_status=Status.FULFILLED, actor=actor, note="Every line shipped."
            )
        notifications.notify_lines_shipped(order=order, lines=order_lines)
