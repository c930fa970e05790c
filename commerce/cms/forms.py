"""Forms of the vendor order screens: they validate shape; services do the work."""

from django import forms

from commerce.vendor_orders import PERIODS, STATUS_CHOICES


class OrderLineFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "All")] + STATUS_CHOICES, required=False)
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
