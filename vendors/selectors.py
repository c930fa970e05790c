"""Reads for vendor operations: order lines, sales totals, stock, products, the dashboard.

Every function takes the acting `user` and narrows at the source through the one policy in
`vendors.permissions`, so admin views and the API cannot forget to scope. Orders belong to
`commerce`, which depends on this app; they are read here by model name, never imported.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from vendors import permissions as policy
from vendors.models import Vendor

# Orders whose money is in: revenue counts these, not pending, cancelled or refunded ones.
SOLD_STATUSES = ("paid", "fulfilled", "completed")
PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
LINE_STATUSES = ("to_ship", "shipped")


def _order_line_model():
    return apps.get_model("commerce", "OrderLine")


def _restrict_vendor(queryset: QuerySet, vendor: Vendor | None, field: str) -> QuerySet:
    return queryset.filter(**{field: vendor.pk}) if vendor is not None else queryset


def vendor_order_lines(
    *,
    user,
    vendor: Vendor | None = None,
    status: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet:
    """Order lines the user may see (their vendors' only; all for editors), newest first.

    `status` is a line status ("to_ship": paid and not shipped, "shipped") or an order status
    ("paid", "fulfilled", ...). `date_from`/`date_to` bound the order's creation date, inclusive.
    """
    lines = policy.order_lines_for_user(user, _order_line_model().objects.all())
    lines = _restrict_vendor(lines, vendor, "vendor_id")
    if status == "to_ship":
        lines = lines.filter(order__status="paid", shipped_at__isnull=True)
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


def vendor_order_line_get(*, user, line_id: int):
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
        user, _order_line_model().objects.filter(order__status__in=SOLD_STATUSES)
    )
    lines = _restrict_vendor(lines, vendor, "vendor_id")
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
            revenue=Decimal(row["revenue"]).quantize(Decimal("0.01")),
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
    model = _order_line_model()
    today = policy.order_lines_for_user(
        user,
        model.objects.filter(order__status__in=SOLD_STATUSES, order__created_at__gte=start),
    ).aggregate(
        orders=Count("order_id", distinct=True),
        items=Coalesce(Sum("quantity"), 0),
        revenue=Coalesce(Sum("line_total"), Decimal("0.00")),
    )
    to_ship = policy.order_lines_for_user(
        user, model.objects.filter(order__status="paid", shipped_at__isnull=True)
    ).count()
    return DashboardToday(
        orders=today["orders"],
        items=today["items"],
        revenue=Decimal(today["revenue"]).quantize(Decimal("0.01")),
        lines_to_ship=to_ship,
    )


def vendor_variants(*, user, vendor: Vendor | None = None) -> QuerySet:
    """Product variants of the user's vendors with their stock row, by product then SKU."""
    from catalog.models import ProductVariant

    variants = policy.variants_for_user(user, ProductVariant.objects.all())
    variants = _restrict_vendor(variants, vendor, "page__vendor_id")
    return (
        variants.select_related("page", "page__vendor", "stock")
        .annotate(quantity=Coalesce("stock__quantity", 0))
        .order_by("page__title", "sku")
    )


def vendor_variant_get(*, user, sku: str):
    """The variant with `sku` if the user may see it, else None (another vendor's is not found)."""
    return vendor_variants(user=user).filter(sku=sku).first()


def vendor_low_stock(*, user, threshold: int | None = None) -> QuerySet:
    """Variants at or under the low-stock threshold (sold out included), lowest first."""
    threshold = settings.LOW_STOCK_THRESHOLD if threshold is None else threshold
    return (
        vendor_variants(user=user)
        .filter(Q(stock__isnull=True) | Q(stock__quantity__lte=threshold))
        .order_by("quantity", "page__title", "sku")
    )


def vendor_products_summary(*, user, vendor: Vendor | None = None) -> QuerySet:
    """The user's vendors' products with variant count and total stock (drafts included)."""
    from catalog.models import ProductPage

    products = policy.products_for_user(user, ProductPage.objects.all())
    products = _restrict_vendor(products, vendor, "vendor_id")
    return (
        products.select_related("vendor")
        .annotate(
            variant_count=Count("variants", distinct=True),
            total_stock=Coalesce(Sum("variants__stock__quantity"), 0),
        )
        .order_by("title", "pk")
    )
