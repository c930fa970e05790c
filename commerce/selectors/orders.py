"""Reads of a shopper's orders.

An order's details are its lines (by id) and its status history (oldest first, with the actor):
read with the order by `order_get_for_user`, or afterwards by `order_details_load`.
"""

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from commerce.exceptions import OrderNotFound
from commerce.models import Order, OrderLine, OrderStatusChange


def _order_details() -> list[Prefetch]:
    return [
        Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
        Prefetch(
            "status_changes",
            queryset=OrderStatusChange.objects.select_related("actor").order_by("created_at", "pk"),
        ),
    ]


def orders_for_user(*, user) -> QuerySet[Order]:
    """The shopper's orders, newest first, with their line count."""
    return Order.objects.filter(user=user).order_by("-created_at", "-pk")


def order_get_for_user(*, user, number: str) -> Order:
    """The shopper's order with this number, lines and history prefetched.

    Raises `OrderNotFound` for an unknown number and for another user's order alike.
    """
    order = (
        Order.objects.filter(user=user, number=str(number).upper())
        .prefetch_related(*_order_details())
        .first()
    )
    if order is None:
        raise OrderNotFound(f"No order {number}.")
    return order


def order_details_load(order: Order) -> Order:
    """`order` with its lines and status history read, as `order_get_for_user` reads them:
    two queries, none for the details already set (`order_details_set`)."""
    prefetch_related_objects([order], *_order_details())
    return order


def order_details_set(
    order: Order, *, lines: Iterable[OrderLine], status_changes: Iterable[OrderStatusChange]
) -> None:
    """Give `order` (just written, with these lines and history rows as written, their ids
    and `actor` set) its details as `order_details_load` would read them back, so that they
    are not read again. Rows without an id (a database that does not return the ids of a
    bulk insert) are left to be read."""
    lines = sorted(lines, key=lambda line: line.pk or 0)
    status_changes = sorted(status_changes, key=lambda change: (change.created_at, change.pk or 0))
    if any(row.pk is None for row in [*lines, *status_changes]):
        return
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, rows in (("lines", lines), ("status_changes", status_changes)):
        # As Django's prefetching stores them: the related manager's queryset, already run.
        queryset = getattr(order, name).all()
        queryset._result_cache = rows
        queryset._prefetch_done = True
        cache[name] = queryset
