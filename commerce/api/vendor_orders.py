"""The vendor's order lines under /api/v1/vendor/: list, one line, mark shipped.

Thin views: reads go through `commerce.vendor_orders` (scoped to the user by the vendor policy,
so another vendor's line is simply not found: 404), shipping through its one ship flow.
"""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from commerce.vendor_orders import (
    STATUS_CHOICES,
    vendor_order_line_get,
    vendor_order_lines,
    vendor_order_lines_ship,
)
from nexus.openapi import error_response
from vendors.api.permissions import IsVendorMemberOrEditor
from vendors.api.views import FORBIDDEN, TAGS, VendorAPIView
from vendors.exceptions import VendorNotFound


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


class OrderLineFilter(django_filters.FilterSet):
    """Filters of the vendor's order lines; the selector applies them."""

    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_noop", help_text="Line or order status."
    )
    date_from = django_filters.DateFilter(
        method="filter_noop", help_text="Orders placed on or after this date (YYYY-MM-DD)."
    )
    date_to = django_filters.DateFilter(
        method="filter_noop", help_text="Orders placed on or before this date (YYYY-MM-DD)."
    )

    def filter_noop(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        # One place builds the vendor's lines: the selector, given the validated filters.
        data = {key: value for key, value in self.form.cleaned_data.items() if value}
        return vendor_order_lines(user=self.request.user, **data)


class OrderLineListView(ListAPIView):
    permission_classes = [IsVendorMemberOrEditor]
    serializer_class = OrderLineSerializer
    filterset_class = OrderLineFilter

    def get_queryset(self):
        return vendor_order_lines(user=self.request.user)

    @extend_schema(
        operation_id="vendor_order_lines_list",
        summary="The vendor's order lines",
        description="Lines of the caller's vendors only (every vendor for editors), newest "
        "order first, with the shopper's name and shipping address. `status=to_ship` lists "
        "paid lines still to send.",
        responses={200: OrderLineSerializer(many=True), 403: FORBIDDEN},
        tags=TAGS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrderLineDetailView(VendorAPIView):
    @extend_schema(
        operation_id="vendor_order_lines_retrieve",
        summary="One of the vendor's order lines",
        responses={200: OrderLineSerializer, 403: FORBIDDEN},
        tags=TAGS,
    )
    def get(self, request, line_id: int):
        line = vendor_order_line_get(user=request.user, line_id=line_id)
        if line is None:
            raise VendorNotFound(f"No order line {line_id} for your vendor.")
        return Response(OrderLineSerializer(line).data)


class OrderLinesShipView(VendorAPIView):
    @extend_schema(
        operation_id="vendor_order_lines_ship",
        summary="Mark order lines shipped",
        description="Marks the given lines of one vendor shipped with the carrier and tracking "
        "number. When every line of an order is shipped the order becomes `fulfilled` and the "
        "shopper is told. Nothing changes when any line is refused.",
        request=ShipInputSerializer,
        responses={
            200: OrderLineSerializer(many=True),
            400: error_response(400, "Invalid input, or lines of more than one vendor."),
            403: error_response(403, "Not a member, or the vendor is suspended."),
            404: error_response(404, "A line does not exist or belongs to another vendor."),
            409: error_response(409, "A line was already shipped, or its order is not paid."),
        },
        tags=TAGS,
    )
    def post(self, request):
        data = ShipInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shipped = vendor_order_lines_ship(
            user=request.user,
            order_line_ids=data.validated_data["order_line_ids"],
            carrier=data.validated_data["carrier"],
            tracking_number=data.validated_data.get("tracking_number", ""),
        )
        fresh = vendor_order_lines(user=request.user).filter(pk__in=[line.pk for line in shipped])
        return Response(OrderLineSerializer(fresh, many=True).data)
