"""Amounts to and from a provider's minor units (cents, yen, fils).

The one place that knows how many decimal places a currency has (ISO 4217 exponent). Orders
keep `Decimal` amounts with two places; a provider wants an integer count of the smallest unit.
"""

from decimal import Decimal

# Currencies whose exponent is not 2. Everything else uses 2 (EUR, USD, GBP, ...).
CURRENCY_EXPONENTS: dict[str, int] = {
    # No minor unit.
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    # Three decimal places.
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}
DEFAULT_EXPONENT = 2


def currency_exponent(currency: str) -> int:
    return CURRENCY_EXPONENTS.get(currency.upper(), DEFAULT_EXPONENT)


def to_minor_units(amount: Decimal, currency: str) -> int:
    """`Decimal("12.34")`, "EUR" -> 1234; `Decimal("1500")`, "JPY" -> 1500.

    Raises `ValueError` for an amount that is not representable exactly in the currency
    (`Decimal("10.50")` yen): rounding money silently would charge the wrong amount.
    """
    if not isinstance(amount, Decimal):
        raise TypeError("Amounts are Decimal, never float.")
    minor = amount.scaleb(currency_exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(f"{amount} cannot be expressed in {currency.upper()} minor units.")
    return int(minor)


def from_minor_units(minor: int, currency: str) -> Decimal:
    """1234, "EUR" -> `Decimal("12.34")`; 1500, "JPY" -> `Decimal("1500")`."""
    exponent = currency_exponent(currency)
    return Decimal(int(minor)).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))
