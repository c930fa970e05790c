"""Money, written once: how it is stored and how it is rounded.

Amounts are `Decimal` in `DecimalField(**MONEY)` (12 digits, 2 decimal places), never float;
one currency per shop (`catalog.models.ShopSettings`). The catalog is the lowest app that
holds prices, so every app above takes these from here. Minor units for payment providers
are `commerce.payments.money`.
"""

from decimal import Decimal

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")


def money(value) -> Decimal:
    """`value` (a Decimal, int or database aggregate) as an amount of money: two places."""
    return Decimal(value).quantize(CENT)


def has_at_most_cents(value: Decimal) -> bool:
    """Whether `value` needs no rounding to be stored as money (at most two places)."""
    return value == value.quantize(CENT)
