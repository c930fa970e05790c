"""Money is shown by one helper, for the shop's locale and currency."""

from decimal import Decimal

from django.template import Context, Template

from nexus.money import money_format


def test_amounts_read_as_the_locale_writes_them(settings):
    settings.SHOP_LOCALE = "en_US"

    assert money_format(Decimal("29.00"), "EUR") == "€29.00"
    assert money_format(Decimal("1234.5"), "EUR") == "€1,234.50"
    assert money_format(Decimal("29"), "usd") == "$29.00"
    assert money_format(Decimal("29.00"), "EUR", locale="de_DE") == "29,00\xa0€"
    assert money_format(Decimal("29.00"), "GBP", locale="en_GB") == "£29.00"


def test_the_shop_locale_setting_decides(settings):
    settings.SHOP_LOCALE = "fr_FR"

    assert money_format(Decimal("1234.50"), "EUR") == "1\u202f234,50\xa0€"


def test_empty_and_unreadable_amounts_do_not_break_a_page():
    assert money_format(None, "EUR") == ""
    assert money_format("", "EUR") == ""
    assert money_format("—", "EUR") == "—"


def test_templates_use_the_same_helper(settings):
    settings.SHOP_LOCALE = "en_US"
    template = Template("{% load money %}{{ amount|money:currency }}")

    assert template.render(Context({"amount": Decimal("29.00"), "currency": "EUR"})) == "€29.00"
