"""Template tags the other apps' pages use to show commerce data without importing it."""

from django import template

from commerce.selectors import orders_for_user

register = template.Library()

RECENT_ORDERS = 5


@register.inclusion_tag("commerce/includes/recent_orders.html")
def recent_orders(user):
    """The shopper's latest orders with a link to all of them (the account page shows it)."""
    orders = list(orders_for_user(user=user)[: RECENT_ORDERS + 1])
    return {"orders": orders[:RECENT_ORDERS], "has_more": len(orders) > RECENT_ORDERS}
