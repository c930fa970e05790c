"""Serializer fields of ProductPage in the Wagtail API v2 (attached by CatalogPagesAPIViewSet).

They read what `CatalogPagesAPIViewSet` prefetches (vendor, storefront, categories, variants
with stock, gallery images with renditions), so a page of products costs a fixed number of
queries. Each falls back to plain queries when given an instance that was not prefetched.
"""

from rest_framework import serializers

from catalog.api.absolute import absolute_url, detail_url, page_url
from catalog.models import ProductVariant, Stock, availability_for
from catalog.selectors import API_RENDITIONS


def _variant_quantities(variants: list[ProductVariant]) -> dict[int, int]:
    """Quantity per variant id: from the select_related stock rows, else in one query."""
    if all(ProductVariant.stock.is_cached(variant) for variant in variants):
        quantities = {}
        for variant in variants:
            try:
                quantities[variant.pk] = variant.stock.quantity
            except Stock.DoesNotExist:
                quantities[variant.pk] = 0
        return quantities
    return dict(
        Stock.objects.filter(variant_id__in=[v.pk for v in variants]).values_list(
            "variant_id", "quantity"
        )
    )


class CurrencyField(serializers.Field):
    """The shop's currency code (one per shop, from the site settings)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        return self.context["currency"]


class AvailabilityField(serializers.Field):
    """in_stock / low_stock / sold_out, from the summed stock of the variants."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        total = getattr(page, "total_stock", None)
        if total is None:
            total = sum(_variant_quantities(list(page.variants.all())).values())
        return availability_for(total)


class VendorField(serializers.Field):
    """{id, name, url, is_active}: url is the vendor's storefront page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        vendor = page.vendor
        if vendor is None:
            return None
        storefront = getattr(vendor, "storefront", None)
        request = self.context.get("request")
        return {
            "id": vendor.pk,
            "name": vendor.name,
            "url": page_url(request, storefront) if storefront is not None else None,
            "is_active": vendor.is_active,
        }


class CategoriesField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        request = self.context.get("request")
        router = self.context.get("router")
        categories = sorted(page.categories.all(), key=lambda category: category.path)
        return [
            {
                "id": category.pk,
                "title": category.title,
                "html_url": page_url(request, category),
                "detail_url": detail_url(request, router, type(category), category.pk),
            }
            for category in categories
            if category.live
        ]


class VariantsField(serializers.Field):
    """[{id, sku, options, label, price, quantity, availability}] in the page's order."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        variants = sorted(page.variants.all(), key=lambda v: (v.sort_order or 0, v.pk))
        quantities = _variant_quantities(variants)
        return [
            {
                "id": variant.pk,
                "sku": variant.sku,
                "options": variant.options,
                "label": variant.label,
                "price": str(
                    variant.price_override if variant.price_override is not None else page.price
                ),
                "availability": availability_for(quantities.get(variant.pk, 0)),
            }
            for variant in variants
        ]


class GalleryField(serializers.Field):
    """[{id, caption, thumbnail: {url, width, height}, large: {...}}], renditions prefetched."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        request = self.context.get("request")
        items = sorted(page.gallery_images.all(), key=lambda item: (item.sort_order or 0, item.pk))
        output = []
        for item in items:
            renditions = item.image.get_renditions(*API_RENDITIONS.values())
            entry = {"id": item.image_id, "caption": item.caption, "title": item.image.title}
            for name, spec in API_RENDITIONS.items():
                rendition = renditions[spec]
                entry[name] = {
                    "url": absolute_url(request, rendition.url),
                    "width": rendition.width,
                    "height": rendition.height,
                }
            output.append(entry)
        return output


def product_field_serializers() -> dict:
    return {
        "currency": CurrencyField(),
        "availability": AvailabilityField(),
        "vendor": VendorField(),
        "categories": CategoriesField(),
        "variants": VariantsField(),
        "gallery": GalleryField(),
    }


class ProductFilterInput(serializers.Serializer):
    """Shape of the product filters of /api/v2/pages/ (see CatalogPagesAPIViewSet)."""

    category = serializers.IntegerField(min_value=1, required=False)
    vendor = serializers.CharField(required=False)
    price_min = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    price_max = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False
    )
    in_stock = serializers.ChoiceField(choices=["true", "false", "1", "0"], required=False)
    ordering = serializers.ChoiceField(
        choices=["newest", "price_asc", "price_desc", "relevance"], required=False
    )
    search = serializers.CharField(required=False, max_length=200, allow_blank=True)

    def validate_vendor(self, value):
        try:
            ids = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise serializers.ValidationError(
                "Give vendor ids, separated by commas (e.g. vendor=3 or vendor=3,5)."
            )
        if not ids or min(ids) < 1:
            raise serializers.ValidationError("Vendor ids are positive whole numbers.")
        return ids

    def validate(self, data):
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"price_max": "Must not be below price_min."})
        if data.get("ordering") == "relevance" and not data.get("search"):
            raise serializers.ValidationError({"ordering": "relevance needs a search query."})
        return data
