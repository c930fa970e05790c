"""`{{ amount|money:currency }}`: the template face of `nexus.money.money_format`."""

from django import template

from nexus.money import money_format

register = template.Library()


@register.filter
def money(amount, currency: str) -> str:
    return money_format(amount, currency)
