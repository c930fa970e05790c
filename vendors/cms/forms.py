"""Forms of the vendor admin screens: they validate shape; services do the work."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model

from vendors.selectors import PERIODS


class OrderLineFilterForm(forms.Form):
    STATUS_CHOICES = [("", "All")] + [
        ("to_ship", "To ship"),
        ("shipped", "Shipped"),
        ("paid", "Order paid"),
        ("fulfilled", "Order fulfilled"),
        ("completed", "Order completed"),
        ("refunded", "Order refunded"),
        ("cancelled", "Order cancelled"),
        ("pending_payment", "Order pending payment"),
    ]

    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class ShipLinesForm(forms.Form):
    line_ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    carrier = forms.CharField(max_length=100)
    tracking_number = forms.CharField(max_length=100, required=False)

    def __init__(self, *args, line_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line_ids"].choices = [(line_id, line_id) for line_id in line_ids]
        self.fields["line_ids"].error_messages["invalid_choice"] = (
            "Order line %(value)s is not one of your lines."
        )


class PeriodForm(forms.Form):
    period = forms.ChoiceField(choices=[(key, key.title()) for key in PERIODS], required=False)


class VendorCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    contact_email = forms.EmailField()
    owner_email = forms.EmailField(help_text="An existing user account; they become the owner.")
    is_trusted = forms.BooleanField(
        required=False, help_text="Trusted vendors publish directly; others go to moderation."
    )
    commission_rate = forms.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=Decimal("10.00")
    )
    shipping_flat_rate = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, initial=Decimal("0.00")
    )

    def clean_owner_email(self):
        email = self.cleaned_data["owner_email"].strip().lower()
        owner = get_user_model().objects.filter(email__iexact=email).first()
        if owner is None:
            raise forms.ValidationError("No user has this e-mail address.")
        self.cleaned_data["owner"] = owner
        return email


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    is_trusted = forms.BooleanField(required=False)
