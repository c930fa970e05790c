"""Input and output serializers of the commerce API.

Input serializers only check shape; the services enforce the rules. Prices and totals are
output only: a price or total sent by a client is not a field of any input and is ignored.
"""

from django.conf import settings
from rest_framework import serializers

from accounts.api.fields import CountryCodeField
from accounts.models import Address
from catalog.models import Availability
from catalog.money import MONEY
from commerce.cart import quantity_messages
from commerce.models import Order

# --- Input -----------------------------------------------------------------------------------


class LineQuantitySerializerMixin:
    """A `quantity` field of 1..CART_MAX_LINE_QUANTITY as the setting is when the serializer is
    made (so a changed setting changes it), refused with the cart service's own words."""

    quantity_default = None

    def get_fields(self):
        fields = super().get_fields()
        options = {} if self.quantity_default is None else {"default": self.quantity_default}
        fields["quantity"] = serializers.IntegerField(
            min_value=1,
            max_value=settings.CART_MAX_LINE_QUANTITY,
            error_messages=quantity_messages(),
            **options,
        )
        return fields


class CartLineAddInputSerializer(LineQuantitySerializerMixin, serializers.Serializer):
    quantity_default = 1

    variant = serializers.IntegerField(min_value=1, help_text="Id of the product variant.")


class CartLineUpdateInputSerializer(LineQuantitySerializerMixin, serializers.Serializer):
    """The body of PATCH /cart/lines/<id>/: the new quantity, which is required. Never
    partial, so the schema (which treats PATCH bodies as partial) marks it required too."""

    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value) -> None:
        pass  # a PATCH without the quantity changes nothing: it is refused


class ShippingAddressSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=Address.max_length_of("full_name"))
    line1 = serializers.CharField(max_length=Address.max_length_of("line1"))
    line2 = serializers.CharField(
        max_length=Address.max_length_of("line2"), required=False, allow_blank=True, default=""
    )
    city = serializers.CharField(max_length=Address.max_length_of("city"))
    postal_code = serializers.CharField(max_length=Address.max_length_of("postal_code"))
    country = CountryCodeField(min_length=2)
    phone = serializers.CharField(
        max_length=Address.max_length_of("phone"), required=False, allow_blank=True, default=""
    )


class CheckoutInputSerializer(serializers.Serializer):
    address_id = serializers.IntegerField(
        min_value=1, required=False, help_text="One of your saved addresses."
    )
    shipping_address = ShippingAddressSerializer(
        required=False, help_text="A shipping address, when no saved address is used."
    )

    def validate(self, attrs):
        if ("address_id" in attrs) == ("shipping_address" in attrs):
            raise serializers.ValidationError(
                "Send either address_id or shipping_address (exactly one)."
            )
        return attrs


class WishlistAddInputSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, help_text="Id of the product page.")


class WishlistMoveInputSerializer(LineQuantitySerializerMixin, serializers.Serializer):
    quantity_default = 1

    variant = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="Which variant to add; may be left out when the product has only one.",
    )


# --- Output ----------------------------------------------------------------------------------


class VendorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProductRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_null=True)


class VariantRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    label = serializers.CharField()


class CartLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    variant = VariantRefSerializer()
    product = ProductRefSerializer()
    vendor = VendorRefSerializer(allow_null=True)
    unit_price = serializers.DecimalField(**MONEY, help_text="Live price, computed now.")
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(**MONEY)
    available_quantity = serializers.IntegerField()
    availability = serializers.ChoiceField(choices=Availability.choices)
    problem = serializers.CharField(
        allow_null=True, help_text="Why this line cannot be checked out as it is, if it cannot."
    )


class CartVendorGroupSerializer(serializers.Serializer):
    vendor = VendorRefSerializer(allow_null=True)
    line_ids = serializers.ListField(child=serializers.IntegerField())
    subtotal = serializers.DecimalField(**MONEY)
    shipping = serializers.DecimalField(**MONEY, help_text="The vendor's flat shipping rate.")
    total = serializers.DecimalField(**MONEY)


class CartSerializer(serializers.Serializer):
    token = serializers.UUIDField(
        allow_null=True,
        help_text="Anonymous carts only: send it back in the X-Cart-Token header.",
    )
    currency = serializers.CharField()
    item_count = serializers.IntegerField()
    lines = CartLineSerializer(many=True)
    vendors = CartVendorGroupSerializer(many=True)
    subtotal = serializers.DecimalField(**MONEY)
    shipping_total = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    problems = serializers.ListField(child=serializers.CharField())


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField(allow_null=True)
    variant_id = serializers.IntegerField(allow_null=True)
    vendor_id = serializers.IntegerField(allow_null=True)
    vendor_name = serializers.CharField()
    product_title = serializers.CharField()
    variant_label = serializers.CharField()
    sku = serializers.CharField()
    unit_price = serializers.DecimalField(**MONEY)
    quantity = serializers.IntegerField()
    line_total = serializers.DecimalField(**MONEY)
    shipped_at = serializers.DateTimeField(allow_null=True)
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    refunded_quantity = serializers.IntegerField()


class OrderStatusChangeSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.ChoiceField(choices=Order.Status.choices)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ShippingAddressOutputSerializer(serializers.Serializer):
    full_name = serializers.CharField(source="shipping_name")
    line1 = serializers.CharField(source="shipping_line1")
    line2 = serializers.CharField(source="shipping_line2")
    city = serializers.CharField(source="shipping_city")
    postal_code = serializers.CharField(source="shipping_postal_code")
    country = serializers.CharField(source="shipping_country")
    phone = serializers.CharField(source="shipping_phone")


class OrderSummarySerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(**MONEY)
    shipping_total = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(
        allow_null=True, help_text="An unpaid order is cancelled at this time."
    )
    is_cancellable = serializers.BooleanField()


class OrderSerializer(OrderSummarySerializer):
    email = serializers.EmailField()
    shipping_address = ShippingAddressOutputSerializer(source="*")
    lines = OrderLineSerializer(many=True)
    status_history = OrderStatusChangeSerializer(many=True, source="status_changes")


class WishlistItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = ProductRefSerializer()
    vendor = VendorRefSerializer(allow_null=True)
    price = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="Current lowest price of the product's variants."
    )
    availability = serializers.ChoiceField(choices=Availability.choices)
    is_available = serializers.BooleanField()
    variants = VariantRefSerializer(many=True)
    created_at = serializers.DateTimeField()
