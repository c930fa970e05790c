from decimal import Decimal

from rest_framework import serializers


class PaymentStartInputSerializer(serializers.Serializer):
    """Exactly one of the two: Stripe's payment method id, or a test card for the dummy
    provider. Amount and currency are never taken from the client."""

    payment_method = serializers.CharField(
        required=False, max_length=255, help_text="Stripe payment method id (pm_...)."
    )
    card_number = serializers.CharField(
        required=False,
        max_length=30,
        help_text="Dummy provider only: one of Stripe's test card numbers.",
    )

    def validate(self, attrs):
        if bool(attrs.get("payment_method")) == bool(attrs.get("card_number")):
            raise serializers.ValidationError("Send either payment_method or card_number.")
        return attrs


class PaymentOutputSerializer(serializers.Serializer):
    attempt = serializers.IntegerField()
    provider = serializers.CharField()
    status = serializers.CharField()
    reference = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    client_secret = serializers.SerializerMethodField(
        help_text="Present while 3-D Secure is pending: pass it to stripe.confirmCardPayment."
    )
    failure_code = serializers.CharField()
    failure_message = serializers.CharField()

    def get_client_secret(self, payment) -> str | None:
        return payment.client_secret or None


class OrderPaymentOutputSerializer(serializers.Serializer):
    order_number = serializers.CharField(source="order.number")
    order_status = serializers.CharField(source="order.status")
    total = serializers.DecimalField(source="order.total", max_digits=12, decimal_places=2)
    currency = serializers.CharField(source="order.currency")
    is_payable = serializers.BooleanField()
    requires_action = serializers.SerializerMethodField()
    payment = PaymentOutputSerializer(allow_null=True)
    refunded = serializers.DecimalField(max_digits=12, decimal_places=2)

    def get_requires_action(self, summary) -> bool:
        return bool(summary.payment and summary.payment.status == "requires_action")


class RefundLineInputSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1)


class RefundInputSerializer(serializers.Serializer):
    """No lines and no amount: refund everything left. Lines: those quantities. Amount: that
    amount (with lines, instead of their price)."""

    lines = RefundLineInputSerializer(many=True, required=False)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    def validate_lines(self, value):
        ids = [line["line_id"] for line in value]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("Name each line once.")
        return value


class RefundLineOutputSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(source="order_line_id")
    quantity = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class RefundOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    reference = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    lines = RefundLineOutputSerializer(many=True, source="lines.all")
    order_status = serializers.CharField(source="order.status")


class WebhookAcknowledgementSerializer(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField()
