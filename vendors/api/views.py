"""The vendor API (/api/v1/vendor/): a member's stock and products. (Their order lines and
shipping are orders, so `commerce.api.vendor_orders` serves them under the same prefix.)

Thin views: every read goes through `vendors.selectors` (already scoped to the user by the one
policy, so another vendor's object is simply not found: 404), every write through a service
(`catalog.inventory.stock_set` / `stock_adjust`).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import inventory
from nexus.openapi import error_response
from vendors import selectors
from vendors.api.permissions import IsVendorMemberOrEditor
from vendors.api.serializers import (
    ProductSummarySerializer,
    StockAdjustInputSerializer,
    StockSerializer,
    StockSetInputSerializer,
)
from vendors.exceptions import VendorNotFound

TAGS = ["vendor"]
FORBIDDEN = error_response(
    403,
    "Not a member of any vendor (and not an editor).",
)
SKU_PARAMETER = OpenApiParameter(
    "sku", OpenApiTypes.STR, OpenApiParameter.PATH, description="The variant's SKU."
)


class VendorAPIView(APIView):
    permission_classes = [IsVendorMemberOrEditor]


class StockListView(ListAPIView):
    permission_classes = [IsVendorMemberOrEditor]
    serializer_class = StockSerializer

    def get_queryset(self):
        return selectors.vendor_variants(user=self.request.user)

    @extend_schema(
        operation_id="vendor_stock_list",
        summary="Stock of the vendor's variants",
        responses={200: StockSerializer(many=True), 403: FORBIDDEN},
        tags=TAGS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _stock_response(request, sku: str):
    return Response(StockSerializer(selectors.vendor_variant_get(user=request.user, sku=sku)).data)


class StockDetailView(VendorAPIView):
    @extend_schema(
        operation_id="vendor_stock_retrieve",
        summary="Stock of one variant",
        parameters=[SKU_PARAMETER],
        responses={200: StockSerializer, 403: FORBIDDEN},
        tags=TAGS,
    )
    def get(self, request, sku: str):
        variant = selectors.vendor_variant_get(user=request.user, sku=sku)
        if variant is None:
            raise VendorNotFound(f"No variant with SKU {sku} for your vendor.")
        return Response(StockSerializer(variant).data)

    @extend_schema(
        operation_id="vendor_stock_set",
        summary="Set the on-hand quantity of a variant",
        description="Sets an absolute quantity in one SQL statement (safe under concurrency).",
        parameters=[SKU_PARAMETER],
        request=StockSetInputSerializer,
        responses={
            200: StockSerializer,
            403: error_response(403, "Not a member, or the vendor is suspended."),
        },
        tags=TAGS,
    )
    def put(self, request, sku: str):
        data = StockSetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variant = selectors.vendor_variant_for_change(user=request.user, sku=sku)
        inventory.stock_set(variant_id=variant.pk, quantity=data.validated_data["quantity"])
        return _stock_response(request, sku)


class StockAdjustView(VendorAPIView):
    @extend_schema(
        operation_id="vendor_stock_adjust",
        summary="Add to or remove from a variant's stock",
        description="Adds `delta` (negative to remove) in one conditional SQL statement: "
        "concurrent adjustments all count, and stock never goes below zero.",
        parameters=[SKU_PARAMETER],
        request=StockAdjustInputSerializer,
        responses={
            200: StockSerializer,
            403: error_response(403, "Not a member, or the vendor is suspended."),
            409: error_response(
                409,
                "Removing more than is in stock (the message says how many are left).",
            ),
        },
        tags=TAGS,
    )
    def post(self, request, sku: str):
        data = StockAdjustInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        variant = selectors.vendor_variant_for_change(user=request.user, sku=sku)
        inventory.stock_adjust(variant_id=variant.pk, delta=data.validated_data["delta"])
        return _stock_response(request, sku)


class ProductSummaryView(ListAPIView):
    permission_classes = [IsVendorMemberOrEditor]
    serializer_class = ProductSummarySerializer

    def get_queryset(self):
        return selectors.vendor_products_summary(user=self.request.user)

    @extend_schema(
        operation_id="vendor_products_list",
        summary="The vendor's products",
        description="Every product of the caller's vendors, drafts included, with its number "
        "of variants and total stock.",
        responses={200: ProductSummarySerializer(many=True), 403: FORBIDDEN},
        tags=TAGS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
