"""Availability: derived from stock, never stored."""

from django.conf import settings
from django.db import models


class Availability(models.TextChoices):
    IN_STOCK = "in_stock", "In stock"
    LOW_STOCK = "low_stock", "Low stock"
    SOLD_OUT = "sold_out", "Sold out"


def availability_for(quantity: int | None) -> str:
    """Availability is derived from stock, never stored: sold out at 0 (or no stock row), low
    stock at or below `LOW_STOCK_THRESHOLD`, in stock above. A variant's is that of its own
    quantity, a product's that of its variants' summed stock (archived variants left out)."""
    if not quantity or quantity <= 0:
        return Availability.SOLD_OUT
    if quantity <= settings.LOW_STOCK_THRESHOLD:
        return Availability.LOW_STOCK
    return Availability.IN_STOCK


def availability_filter(availability: str, *, field: str = "quantity") -> models.Q:
    """The quantities `availability_for` maps to `availability`, as a filter on the integer
    `field` (an annotated quantity, 0 without a stock row). Raises `KeyError` for an unknown
    availability."""
    threshold = settings.LOW_STOCK_THRESHOLD
    return {
        Availability.SOLD_OUT: models.Q(**{f"{field}__lte": 0}),
        Availability.LOW_STOCK: models.Q(**{f"{field}__gt": 0, f"{field}__lte": threshold}),
        Availability.IN_STOCK: models.Q(**{f"{field}__gt": threshold}),
    }[availability]
