"""Forms of the catalog's site pages and admin screens (shape validation only)."""

from django import forms

from catalog import selectors
from catalog.models import CategoryPage


class ProductFilterForm(forms.Form):
    """Shopper filters of the category and search pages (GET, works without JavaScript)."""

    q = forms.CharField(label="Search", required=False, max_length=200)
    category = forms.ModelChoiceField(
        queryset=CategoryPage.objects.none(), required=False, empty_label="All categories"
    )
    vendor = forms.ModelMultipleChoiceField(queryset=None, required=False)
    price_min = forms.DecimalField(
        label="Min price", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    price_max = forms.DecimalField(
        label="Max price", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    in_stock = forms.BooleanField(label="In stock only", required=False)
    ordering = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("", "Default")] + list(selectors.ORDERINGS.items()),
    )

    def __init__(self, *args, with_category: bool = True, with_query: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_category:
            self.fields["category"].queryset = selectors.live_categories().order_by("path")
        else:
            del self.fields["category"]
        if not with_query:
            del self.fields["q"]
            self.fields["ordering"].choices = [
                choice for choice in self.fields["ordering"].choices if choice[0] != "relevance"
            ]
        self.fields["vendor"].queryset = selectors.vendor_choices()

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", "The maximum price must not be below the minimum price.")
        return cleaned

    def cleaned_filters(self) -> selectors.ProductFilters:
        """The valid filters; invalid ones are left out (and shown as errors by the page)."""
        if not self.is_bound:
            return selectors.ProductFilters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return selectors.ProductFilters(
            query=(data.get("q") or "").strip(),
            category=data.get("category"),
            vendor_ids=[vendor.pk for vendor in data.get("vendor") or []],
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            in_stock=bool(data.get("in_stock")),
            ordering=data.get("ordering") or "",
        )


class StockSetForm(forms.Form):
    quantity = forms.IntegerField(min_value=0, max_value=1_000_000)


class StockAdjustForm(forms.Form):
    delta = forms.IntegerField(
        label="Add or remove",
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text="Positive to add (a delivery), negative to remove (damage, a count).",
    )

    def clean_delta(self):
        delta = self.cleaned_data["delta"]
        if delta == 0:
            raise forms.ValidationError("Enter a number other than 0.")
        return delta


class ProductImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: title, sku, price, stock, category, options (UTF-8, header row first).",
    )
    publish = forms.BooleanField(
        required=False,
        initial=True,
        help_text="Publish the imported products (untrusted vendors' products are saved as drafts).",
    )


def querystring_without(query_dict, *names: str) -> str:
    """The current query string minus `names`, ready to prepend to "name=value" (ends with
    "&" when not empty). Used for pagination and facet links."""
    query = query_dict.copy()
    for name in names:
        query.pop(name, None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def filter_context(request, form: ProductFilterForm) -> dict:
    """Template variables shared by the category and search pages."""
    return {
        "filter_form": form,
        "selected_vendors": request.GET.getlist("vendor"),
        "querystring_without_page": querystring_without(request.GET, "page"),
        "querystring_without_category": querystring_without(request.GET, "page", "category"),
        "querystring_without_vendor": querystring_without(request.GET, "page", "vendor"),
    }
