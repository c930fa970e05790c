from django import forms

from vendors.models import VendorApplication


class VendorApplicationForm(forms.ModelForm):
    class Meta:
        model = VendorApplication
        fields = ["shop_name", "contact_email", "description"]
        labels = {"description": "What will you sell?"}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
