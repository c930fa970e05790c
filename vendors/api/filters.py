import django_filters

from vendors.selectors import vendor_order_lines

LINE_STATUS_CHOICES = [
    ("to_ship", "Paid and not shipped yet"),
    ("shipped", "Shipped"),
    ("pending_payment", "Order pending payment"),
    ("paid", "Order paid"),
    ("fulfilled", "Order fulfilled"),
    ("completed", "Order completed"),
    ("cancelled", "Order cancelled"),
    ("refunded", "Order refunded"),
]


class OrderLineFilter(django_filters.FilterSet):
    """Filters of the vendor's order lines; the selector applies them."""

    status = django_filters.ChoiceFilter(
        choices=LINE_STATUS_CHOICES, method="filter_noop", help_text="Line or order status."
    )
    date_from = django_filters.DateFilter(
        method="filter_noop", help_text="Orders placed on or after this date (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        method="filter_noop", help_text="Orders placed on or before this date (YYYY-MM-DD)."
    )

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        # One place builds the vendor's lines: the selector, given the validated filters.
        data = {key: value for key, value in self.form.cleaned_data.items() if value}
        return vendor_order_lines(user=self.request.user, **data)
