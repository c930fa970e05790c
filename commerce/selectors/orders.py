"""Reads of a shopper's orders."""

from django.db.models import Prefetch, QuerySet

from commerce.exceptions import OrderNotFound
from commerce.models import Order, OrderLine, OrderStatusChange


def orders_for_user(*, user) -> QuerySet[Order]:
    """The shopper's orders, newest first, with their line count."""
    return Order.objects.filter(user=user).order_by("-created_at", "-pk")


def order_get_for_user(*, user, number: str) -> Order:
    """The shopper's order with this number, lines and history prefetched.

    Raises `OrderNotFound` for an unknown number and for another user's order alike.
    """
    order = (
        Order.objects.filter(user=user, number=str(number).upper())
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("pk")),
            Prefetch(
                "status_changes",
                queryset=OrderStatusChange.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .first()
    )
    if order is None:
        raise OrderNotFound(f"No order {number}.")
    return order
