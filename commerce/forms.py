"""Site forms: shape only; the services enforce the rules."""

import uuid

from django import forms
from django.conf import settings

from accounts.countries import country_choices_with_prompt
from accounts.models import Address
from commerce.cart import quantity_messages

NEW_ADDRESS = "new"


def line_quantity_field(**kwargs) -> forms.IntegerField:
    """A cart line quantity, 1..CART_MAX_LINE_QUANTITY as the setting is when the form is made
    (so a changed setting changes the form), refused with the cart service's own words."""
    return forms.IntegerField(
        min_value=1,
        max_value=settings.CART_MAX_LINE_QUANTITY,
        error_messages=quantity_messages(),
        **kwargs,
    )


class LineQuantityFormMixin:
    """Gives the form a `quantity` field read from the setting at each instantiation."""

    quantity_required = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = line_quantity_field(
            required=self.quantity_required, initial=1 if self.quantity_required else None
        )


class CartAddForm(LineQuantityFormMixin, forms.Form):
    variant = forms.IntegerField(min_value=1, error_messages={"required": "Choose an option."})


class CartLineQuantityForm(LineQuantityFormMixin, forms.Form):
    pass


class WishlistAddForm(forms.Form):
    product = forms.IntegerField(min_value=1)


class WishlistMoveForm(LineQuantityFormMixin, forms.Form):
    quantity_required = False

    variant = forms.IntegerField(min_value=1, required=False)


class CheckoutForm(forms.Form):
    """A saved address or a new one, plus the idempotency key made when the page rendered:
    a double submission (or a reload of the POST) places the order once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)
    address = forms.ChoiceField(widget=forms.RadioSelect, label="Ship to")
    full_name = forms.CharField(max_length=Address.max_length_of("full_name"), required=False)
    line1 = forms.CharField(
        label="Address line 1", max_length=Address.max_length_of("line1"), required=False
    )
    line2 = forms.CharField(
        label="Address line 2", max_length=Address.max_length_of("line2"), required=False
    )
    city = forms.CharField(max_length=Address.max_length_of("city"), required=False)
    postal_code = forms.CharField(max_length=Address.max_length_of("postal_code"), required=False)
    # Required only for a new address; the service reports a missing one beside the field.
    country = forms.ChoiceField(choices=country_choices_with_prompt, required=False)
    phone = forms.CharField(max_length=Address.max_length_of("phone"), required=False)
    save_address = forms.BooleanField(
        label="Save this address for my next order", required=False, initial=True
    )

    ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "postal_code", "country", "phone")

    def __init__(self, *args, addresses=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(address.pk), str(address)) for address in addresses]
        choices.append((NEW_ADDRESS, "A new address"))
        self.fields["address"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            self.initial.setdefault("address", choices[0][0])

    def checkout_arguments(self) -> dict:
        """Keyword arguments for `checkout_complete` (address_id or address)."""
        choice = self.cleaned_data["address"]
        if choice == NEW_ADDRESS:
            return {
                "address": {name: self.cleaned_data[name] for name in self.ADDRESS_FIELDS},
                "save_address": self.cleaned_data["save_address"],
            }
        return {"address_id": int(choice)}
