"""Money as people read it: "€29.00" for the shop's locale and currency.

The one formatter of the project. Pages use it through the `money` template filter
(`{% load money %}{{ amount|money:currency }}`), e-mails through the same filter, and Python
code (messages, PDF, API extras) by calling `money_format`. Formatting follows CLDR through
Babel, so the symbol, its position and the separators are right for the locale.
"""

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django.conf import settings


def money_format(amount, currency: str, *, locale: str | None = None) -> str:
    """`amount` (Decimal, int or a numeric string) in `currency` (ISO 4217) for `locale`
    (default: the SHOP_LOCALE setting). An empty amount gives ""; a non-numeric one is shown
    as it is rather than failing the page."""
    if amount is None or amount == "":
        return ""
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return str(amount)
    return format_currency(
        value, (currency or "").upper() or "EUR", locale=locale or settings.SHOP_LOCALE
    )
