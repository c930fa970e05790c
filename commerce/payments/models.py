"""Payment attempts, received provider events and refunds.

A `Payment` is one attempt to pay an order (one Stripe PaymentIntent). Its amount and currency
are copied from the order when the attempt starts; the client never sends them. A
`PaymentEvent` row exists once per provider event id: the unique constraint is what makes a
second delivery of the same webhook a no-op. A `Refund` is money given back on a payment, with
the order lines (and quantities) it covers.
"""

from django.conf import settings
from django.db import models

from catalog.money import MONEY
from nexus.money import money_format


class Payment(models.Model):
    class Status(models.TextChoices):
        # Recorded before the provider is called; stays so if the call's outcome is unknown.
        CREATED = "created", "Created"
        REQUIRES_ACTION = "requires_action", "Requires authentication"
        # The provider accepted the payment; waiting for its confirmation event.
        PROCESSING = "processing", "Processing"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    # PROTECT: payments are accounting records of the order.
    order = models.ForeignKey("commerce.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=20)
    attempt = models.PositiveIntegerField()
    reference = models.CharField(max_length=255, blank=True, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CREATED)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    # Only while 3-D Secure is pending: the browser needs it to finish the attempt.
    client_secret = models.CharField(max_length=255, blank=True)
    failure_code = models.CharField(max_length=100, blank=True)
    failure_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-attempt"]
        constraints = [
            models.UniqueConstraint(fields=["order", "attempt"], name="payments_payment_attempt"),
            models.UniqueConstraint(
                fields=["provider", "reference"],
                condition=~models.Q(reference=""),
                name="payments_payment_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} attempt {self.attempt} ({self.status})"

    # Still in flight: a new attempt must not start while the provider may be charging.
    OPEN_STATUSES = (Status.CREATED, Status.PROCESSING)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class PaymentEvent(models.Model):
    """One provider event, stored once; processed by `payment_event_handle` once."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    kind = models.CharField(max_length=30)
    reference = models.CharField(max_length=255, blank=True)
    # The normalised fields (`commerce.payments.base.ProviderEvent`), so processing does not
    # depend on the provider's payload shape; `payload` keeps that shape for the audit trail.
    amount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    failure_code = models.CharField(max_length=100, blank=True)
    failure_message = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # What processing did, for people reading the admin ("order paid", "amount mismatch", ...).
    outcome = models.TextField(blank=True)
    payment = models.ForeignKey(
        Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_event_once"),
        ]
        indexes = [models.Index(fields=["processed_at", "received_at"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class Refund(models.Model):
    """Money given back on a payment. Recorded `pending` (under the order's lock) before the
    provider is called, then settled `succeeded` or `failed`; pending and succeeded refunds count
    against what is left to refund, so two refunds never give the same money back twice."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    COUNTED_STATUSES = (Status.PENDING, Status.SUCCEEDED)

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey("commerce.Order", on_delete=models.PROTECT, related_name="refunds")
    number = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    # The provider's id (Stripe re_...). Empty only for amounts reported by a provider event
    # without one (a refund made in the provider's dashboard).
    reference = models.CharField(max_length=255, blank=True)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUCCEEDED)
    failure_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the provider's answer was recorded (succeeded or failed); empty while pending. A
    # refund resumed after a stopped process settles well after it was asked for.
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number"], name="payments_refund_number"),
            # At most one refund of an order talks to the provider at a time.
            models.UniqueConstraint(
                fields=["order"],
                condition=models.Q(status="pending"),
                name="payments_refund_one_pending_per_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payments_refund_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"Refund {self.number} of {self.order_id}: {money_format(self.amount, self.currency)}"
        )


class RefundLine(models.Model):
    refund = models.ForeignKey(Refund, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "commerce.OrderLine", on_delete=models.PROTECT, related_name="refund_lines"
    )
    quantity = models.PositiveIntegerField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="payments_refundline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x line {self.order_line_id}"
