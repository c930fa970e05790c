"""A vendor's side of orders: the order lines to fulfil, sales totals, today's dashboard, and
the one ship flow that the vendor API and the vendor admin screens both call.

Orders belong to this app; which vendors a user may act for is the vendors app's one policy
(`vendors.permissions`), asked here at the source, so no interface can forget to scope.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from catalog.money import money
from commerce.models import Order, OrderLine
from commerce.orders import order_lines_ship
from vendors import permissions as policy
from vendors.exceptions import VendorError, VendorNotFound
from vendors.models import Vendor

Status = Order.Status

# Orders whose money is in: revenue counts these, not pending, cancelled or refunded ones.
SOLD_STATUSES = (Status.PAID, Status.FULFILLED, Status.COMPLETED)
PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
# Line statuses a vendor filters by, besides the order statuses.
LINE_STATUS_CHOICES = [("to_ship", "Paid and not shipped yet"), ("shipped", "Shipped")]
STATUS_CHOICES = LINE_STATUS_CHOICES + [
    (status.value, f"Order {status.label.lower()}") for status in Status
]


def _restrict_vendor(queryset: QuerySet, vendor: Vendor | None) -> QuerySet:
    return queryset.filter(vendor_id=vendor.pk) if vendor is not None else queryset


# A line waits to be shipped while its order is paid and the line is not shipped yet.
TO_SHIP = Q(order__status=Status.PAID, shipped_at__isnull=True)


def vendor_order_lines(
    *,
    user,
    vendor: Vendor | None = None,
    status: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[OrderLine]:
    """Order lines the user may see (their vendors' only; all for editors), newest first.

    `status` is a line status ("to_ship": paid and not shipped, "shipped") or an order status
    ("paid", "fulfilled", ...). `date_from`/`date_to` bound the order's creation date, inclusive.
    """
    lines = policy.order_lines_for_user(user, OrderLine.objects.all())
    lines = _restrict_vendor(lines, vendor)
    if status == "to_ship":
        lines = lines.filter(TO_SHIP)
    elif status == "shipped":
        lines = lines.filter(shipped_at__isnull=False)
    elif status:
        lines = lines.filter(order__status=status)
    if date_from:
        lines = lines.filter(order__created_at__date__gte=date_from)
    if date_to:
        lines = lines.filter(order__created_at__date__lte=date_to)
    return lines.select_related("order", "order__user", "vendor").order_by(
        "-order__created_at", "order_id", "pk"
    )


def vendor_order_line_get(*, user, line_id: int) -> OrderLine | None:
    """One order line the user may see, or None (another vendor's line is "not found")."""
    return vendor_order_lines(user=user).filter(pk=line_id).first()


@dataclass(frozen=True)
class PeriodTotal:
    period: datetime.date
    orders: int
    items: int
    revenue: Decimal


def vendor_sales_totals(
    *, user, period: str = "day", vendor: Vendor | None = None, limit: int = 31
) -> list[PeriodTotal]:
    """Sold orders, items and revenue per day, week or month (newest first), from the lines
    of paid, fulfilled and completed orders; refunded quantities are taken off."""
    trunc = PERIODS.get(period)
    if trunc is None:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    lines = policy.order_lines_for_user(
        user, OrderLine.objects.filter(order__status__in=SOLD_STATUSES)
    )
    lines = _restrict_vendor(lines, vendor)
    rows = (
        lines.annotate(bucket=trunc("order__created_at"))
        .values("bucket")
        .annotate(
            orders=Count("order_id", distinct=True),
            items=Coalesce(Sum(F("quantity") - F("refunded_quantity")), 0),
            revenue=Coalesce(
                Sum((F("quantity") - F("refunded_quantity")) * F("unit_price")),
                Decimal("0.00"),
            ),
        )
        .order_by("-bucket")[:limit]
    )
    return [
        PeriodTotal(
            period=row["bucket"].date() if hasattr(row["bucket"], "date") else row["bucket"],
            orders=row["orders"],
            items=row["items"],
            revenue=money(row["revenue"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class DashboardToday:
    orders: int
    items: int
    revenue: Decimal
    lines_to_ship: int


def vendor_dashboard_today(*, user, now: datetime.datetime | None = None) -> DashboardToday:
    """Today's sold orders and revenue for the user's vendors (all vendors for editors), and
    how many lines wait to be shipped."""
    now = timezone.localtime(now or timezone.now())
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = policy.order_lines_for_user(
        user,
        OrderLine.objects.filter(order__status__in=SOLD_STATUSES, order__created_at__gte=start),
    ).aggregate(
        orders=Count("order_id", distinct=True),
        items=Coalesce(Sum("quantity"), 0),
        revenue=Coalesce(Sum("line_total"), Decimal("0.00")),
    )
    to_ship = policy.order_lines_for_user(user, OrderLine.objects.filter(TO_SHIP)).count()
    return DashboardToday(
        orders=today["orders"],
        items=today["items"],
        revenue=money(today["revenue"]),
        lines_to_ship=to_ship,
    )


def vendor_order_lines_ship(
    *, user, order_line_ids: Iterable[int], carrier: str, tracking_number: str
) -> list[OrderLine]:
    """Mark lines shipped on behalf of `user`: the one ship flow of the API and the admin.

    The lines must all be visible to `user` and belong to one vendor; `order_lines_ship` then
    checks that `user` may act for that vendor, locks and ships. Raises `VendorNotFound` (404)
    naming the lines `user` cannot see, `VendorError` (400) for lines of several vendors, and
    whatever `order_lines_ship` raises. Nothing changes when it raises.
    """
    ids = sorted({int(line_id) for line_id in order_line_ids})
    lines = list(vendor_order_lines(user=user).filter(pk__in=ids))
    missing = sorted(set(ids) - {line.pk for line in lines})
    if missing:
        raise VendorNotFound(
            f"No order line {', '.join(map(str, missing))} for your vendor.",
            field="order_line_ids",
        )
    vendor_ids = {line.vendor_id for line in lines}
    if len(vendor_ids) != 1 or None in vendor_ids:
        raise VendorError("Ship the lines of one vendor at a time.", field="order_line_ids")
    return order_lines_ship(
        order_line_ids=ids,
        vendor=lines[0].vendor,
        carrier=carrier,
        tracking_number=tracking_number,
        actor=user,
    )
