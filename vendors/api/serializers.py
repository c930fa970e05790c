"""Input serializers validate shape; output serializers shape responses."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import Availability, availability_for


class ShippingAddressSerializer(serializers.Serializer):
    name = serializers.CharField(source="shipping_name")
    line1 = serializers.CharField(source="shipping_line1")
    line2 = serializers.CharField(source="shipping_line2")
    city = serializers.CharField(source="shipping_city")
    postal_code = serializers.CharField(source="shipping_postal_code")
    country = serializers.CharField(source="shipping_country")
    phone = serializers.CharField(source="shipping_phone")

    class Meta:
        ref_name = "VendorShippingAddress"


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    order_status = serializers.CharField(source="order.status")
    ordered_at = serializers.DateTimeField(source="order.created_at")
    currency = serializers.CharField(source="order.currency")
    shopper_name = serializers.CharField(source="order.shipping_name")
    shipping_address = ShippingAddressSerializer(source="order")
    vendor = serializers.CharField(source="vendor_name")
    product_title = serializers.CharField()
    variant_label = serializers.CharField()
    sku = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipped_at = serializers.DateTimeField(allow_null=True)
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()

    class Meta:
        ref_name = "VendorOrderLine"


class ShipInputSerializer(serializers.Serializer):
    order_line_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=500
    )
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)


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
