"""Reads of payments and refunds for the API, the site and the admin."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from commerce.exceptions import OrderNotFound
from commerce.models import Order
from commerce.payments.models import Payment, Refund


@dataclass
class PaymentSummary:
    """What a shopper (or staff) sees about paying an order."""

    order: Order
    payment: Payment | None
    refunded: Decimal
    refunds: list[Refund] = field(default_factory=list)

    @property
    def is_payable(self) -> bool:
        return (
            self.order.status == Order.Status.PENDING_PAYMENT
            and not self.order.needs_review
            and (self.payment is None or not self.payment.is_open)
            and (self.payment is None or self.payment.status != Payment.Status.SUCCEEDED)
        )

    @property
    def is_settled(self) -> bool:
        """Nothing more will change by waiting: paid, failed, or no longer payable. A payment
        waiting for 3-D Secure is not settled: the browser may have just finished it."""
        if self.order.status != Order.Status.PENDING_PAYMENT or self.order.needs_review:
            return True
        return self.payment is None or self.payment.status not in (
            *Payment.OPEN_STATUSES,
            Payment.Status.REQUIRES_ACTION,
        )

    @property
    def refundable(self) -> Decimal:
        if self.payment is None or self.payment.status != Payment.Status.SUCCEEDED:
            return Decimal("0.00")
        return self.payment.amount - self.refunded


def payment_latest(*, order: Order) -> Payment | None:
    return order.payments.order_by("-attempt").first()


def payment_summary(*, order: Order) -> PaymentSummary:
    refunds = list(
        Refund.objects.filter(order=order, status__in=Refund.COUNTED_STATUSES).order_by("number")
    )
    succeeded = order.payments.filter(status=Payment.Status.SUCCEEDED).order_by("-pk").first()
    return PaymentSummary(
        order=order,
        payment=succeeded or payment_latest(order=order),
        refunded=sum((refund.amount for refund in refunds), Decimal("0.00")),
        refunds=refunds,
    )


def order_get_for_staff(*, number: str) -> Order:
    """Any order by number, for staff screens. Raises `OrderNotFound`."""
    order = Order.objects.filter(number=str(number).upper()).prefetch_related("lines").first()
    if order is None:
        raise OrderNotFound(f"No order {number}.")
    return order


def orders_refundable(*, search: str = "") -> QuerySet[Order]:
    """Paid and fulfilled orders with what was refunded so far, newest first (staff list)."""
    orders = Order.objects.filter(status__in=[Order.Status.PAID, Order.Status.FULFILLED])
    if search:
        orders = orders.filter(number__icontains=search.strip()) | orders.filter(
            email__icontains=search.strip()
        )
    return orders.annotate(
        refunded_amount=Sum(
            "refunds__amount", filter=Q(refunds__status__in=Refund.COUNTED_STATUSES)
        )
    ).order_by("-created_at", "-pk")


def orders_flagged_for_review() -> QuerySet[Order]:
    """Orders flagged for staff review, oldest change first (staff list)."""
    return Order.objects.filter(needs_review=True).order_by("updated_at", "pk")
