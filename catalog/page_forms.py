"""Admin edit forms of the catalog's page types (Wagtail `base_form_class`).

Validation that needs the whole page (the page and its inline forms together) lives here, so
the admin answers with a field error instead of failing when the page is saved.
"""

from wagtail.admin.forms import WagtailAdminPageForm


class ProductPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        self._check_archived_skus()
        return cleaned

    def _check_archived_skus(self) -> None:
        """A SKU stays with its product after a revision drops it (the archived row keeps its
        stock and orders), so another product cannot take it. The product's own archived SKUs
        are allowed: saving them revives the row (`catalog.clusters`)."""
        from catalog.models import ProductVariant

        formset = self.formsets.get("variants")
        if formset is None or not formset.is_valid():
            return
        forms = {
            form.cleaned_data["sku"]: form
            for form in formset.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("sku")
            and not form.cleaned_data.get("DELETE")
        }
        if not forms:
            return
        taken = ProductVariant.all_objects.filter(sku__in=forms, is_archived=True)
        if self.instance.pk is not None:
            taken = taken.exclude(page_id=self.instance.pk)
        for sku in taken.values_list("sku", flat=True):
            forms[sku].add_error(
                "sku", f"SKU {sku} belongs to a variant another product no longer offers."
            )
