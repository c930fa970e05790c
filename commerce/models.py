"""Carts, orders and wishlists.

Orders snapshot everything a shopper bought (title, SKU, vendor, unit price, quantity) so that
editing or deleting a product page never changes a past order: the foreign keys to live catalog
rows are SET_NULL. Order status changes only through `commerce.orders.order_transition`.
"""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from catalog.money import MONEY

# No 0/O, 1/I/L: order numbers are read out over the phone and typed from e-mails.
ORDER_NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ORDER_NUMBER_PREFIX = "NX-"


def order_number_generate() -> str:
    return ORDER_NUMBER_PREFIX + "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(8))


class Cart(models.Model):
    """A shopper's cart: one per user, one per anonymous visitor.

    Anonymous carts are found by `token`: the site keeps it in the session, API clients get it
    on creation and send it back in the `X-Cart-Token` header. A user's cart has `user` set.
    Prices are not stored here: totals are computed from live prices on every read.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cart",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of {self.user}" if self.user_id else f"Anonymous cart {self.token}"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    # CASCADE: a deleted variant can no longer be bought, so its line has nothing to point at.
    variant = models.ForeignKey(
        "catalog.ProductVariant", on_delete=models.CASCADE, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="commerce_cartline_unique"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="commerce_cartline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.variant_id}"


class WishlistItem(models.Model):
    """A product a user saved for later. The wishlist is the set of a user's items."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wishlist_items"
    )
    product = models.ForeignKey("catalog.ProductPage", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="commerce_wishlist_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} saved {self.product_id}"


class WishlistWatch(models.Model):
    """What shoppers who wishlisted a product last saw of it: its "from" price and whether it
    was in stock. The periodic `commerce.wishlist_notices` task compares the live product with
    this row to notice a price drop or a return to stock, then updates it."""

    # Not a foreign key: a watch outlives its product harmlessly (a deleted product is simply
    # not scanned again), and deleting a product never waits on this table.
    product_id = models.PositiveBigIntegerField(unique=True)
    price = models.DecimalField(**MONEY)
    is_in_stock = models.BooleanField()
    # Bumped on every change seen; part of the notices' keys, so each change is told once.
    changes = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"product {self.product_id}: {self.price}, in stock {self.is_in_stock}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Pending payment"
        PAID = "paid", "Paid"
        FULFILLED = "fulfilled", "Fulfilled"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"

    number = models.CharField(max_length=16, unique=True, editable=False)
    # PROTECT: an order is an accounting record; deleting the account must not erase it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    email = models.EmailField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(**MONEY)
    shipping_total = models.DecimalField(**MONEY, default=Decimal("0.00"))
    total = models.DecimalField(**MONEY)
    shipping_name = models.CharField(max_length=200)
    shipping_line1 = models.CharField(max_length=200)
    shipping_line2 = models.CharField(max_length=200, blank=True)
    shipping_city = models.CharField(max_length=100)
    shipping_postal_code = models.CharField(max_length=20)
    shipping_country = models.CharField(max_length=2)
    shipping_phone = models.CharField(max_length=40, blank=True)
    # Unique per user (constraint below): a retried checkout finds the order it already made.
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    needs_review = models.BooleanField(default=False)
    review_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="commerce_order_idempotency_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(subtotal__gte=0)
                & models.Q(shipping_total__gte=0)
                & models.Q(total__gte=0),
                name="commerce_order_amounts_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        if not self.number:
            self.number = order_number_generate()
        super().save(*args, **kwargs)

    @property
    def is_cancellable(self) -> bool:
        return self.status == self.Status.PENDING_PAYMENT

    @property
    def shipping_address_lines(self) -> list[str]:
        lines = [self.shipping_name, self.shipping_line1, self.shipping_line2]
        lines.append(f"{self.shipping_postal_code} {self.shipping_city}".strip())
        lines.append(self.shipping_country)
        return [line for line in lines if line]


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    # SET_NULL on every live catalog reference: the snapshot fields below are the record.
    variant = models.ForeignKey(
        "catalog.ProductVariant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    product = models.ForeignKey(
        "catalog.ProductPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    vendor = models.ForeignKey(
        "vendors.Vendor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    vendor_name = models.CharField(max_length=120)
    product_title = models.CharField(max_length=255)
    variant_label = models.CharField(max_length=255, blank=True)
    sku = models.CharField("SKU", max_length=64)
    unit_price = models.DecimalField(**MONEY)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(**MONEY)
    shipped_at = models.DateTimeField(null=True, blank=True)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    refunded_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="commerce_orderline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_quantity__lte=models.F("quantity")),
                name="commerce_orderline_refund_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_title} ({self.sku})"


class OrderStatusChange(models.Model):
    """One row per status transition: who, when, from, to. A staff review resolved without a
    move (a refund of a cancelled order, a dismissal) is a row whose from and to are equal."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    # Blank for the row that records the order being placed.
    from_status = models.CharField(max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Order.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} -> {self.to_status}"
