from decimal import Decimal

import pytest

from commerce.payments.money import currency_exponent, from_minor_units, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12.34", "EUR", 1234),
        ("0.01", "usd", 1),
        ("1500", "JPY", 1500),
        ("1500.00", "JPY", 1500),
        ("1.234", "KWD", 1234),
        ("12.300", "BHD", 12300),
        ("7.5", "JOD", 7500),
        ("2.100", "OMR", 2100),
        ("0.999", "TND", 999),
    ],
)
def test_amounts_convert_to_minor_units_with_the_currency_exponent(amount, currency, minor):
    assert to_minor_units(Decimal(amount), currency) == minor


@pytest.mark.parametrize(
    ("minor", "currency", "amount"),
    [(1234, "EUR", "12.34"), (1500, "JPY", "1500"), (1234, "KWD", "1.234"), (5, "EUR", "0.05")],
)
def test_minor_units_convert_back_exactly(minor, currency, amount):
    result = from_minor_units(minor, currency)
    assert result == Decimal(amount)
    assert str(result) == amount


def test_exponents():
    assert [currency_exponent(c) for c in ("JPY", "EUR", "GBP", "BHD", "KWD")] == [0, 2, 2, 3, 3]


@pytest.mark.parametrize(
    ("amount", "currency"), [("10.5", "JPY"), ("1.005", "EUR"), ("1.0001", "KWD")]
)
def test_amounts_that_would_need_rounding_are_refused(amount, currency):
    with pytest.raises(ValueError, match="cannot be expressed"):
        to_minor_units(Decimal(amount), currency)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_minor_units(12.34, "EUR")
