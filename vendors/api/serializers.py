"""Input serializers validate shape; output serializers shape responses."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Availability, availability_for


class StockSerializer(serializers.Serializer):
    sku = serializers.CharField()
    product_id = serializers.IntegerField(source="page_id")
    product_title = serializers.CharField(source="page.title")
    variant_label = serializers.CharField(source="label")
    vendor_id = serializers.IntegerField(source="page.vendor_id")
    quantity = serializers.IntegerField()
    availability = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=Availability.choices))
    def get_availability(self, variant) -> str:
        return availability_for(variant.quantity)

    class Meta:
        ref_name = "VendorStock"


class StockSetInputSerializer(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000)


class StockAdjustInputSerializer(serializers.Serializer):
    delta = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000)

    def validate_delta(self, value):
        if value == 0:
            raise serializers.ValidationError("Give a non-zero number to add or remove.")
        return value


class ProductSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    vendor_id = serializers.IntegerField()
    live = serializers.BooleanField()
    has_unpublished_changes = serializers.BooleanField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    variant_count = serializers.IntegerField()
    total_stock = serializers.IntegerField()

    class Meta:
        ref_name = "VendorProduct"
