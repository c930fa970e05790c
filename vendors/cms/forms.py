"""Forms of the vendor admin screens: they validate shape; services do the work."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model


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
