"""Orders for tests that need one but do not test the checkout that places them."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from catalog.models import ProductPage
from commerce.models import Order, OrderLine


def make_order(
    *,
    user,
    items: Iterable[tuple[ProductPage, int]],
    status: str = Order.Status.PAID,
    currency: str = "EUR",
    shipping_total: Decimal | str = "0.00",
    shipping_name: str = "Ada Lovelace",
    shipping_line1: str = "1 Analytical Street",
    shipping_city: str = "London",
    shipping_postal_code: str = "N1 1AA",
    shipping_country: str = "GB",
    paid_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> Order:
    """An order of `user` with one line per (product, quantity) in `items`, each of the product's
    first variant, written as rows with the snapshot checkout takes. Stock is not touched.

    Totals are the lines' sum plus `shipping_total`. A paid order is paid now unless `paid_at`
    says when; `expires_at` defaults to the end of the payment window checkout sets.
    """
    items = list(items)
    now = timezone.now()
    if paid_at is None and status == Order.Status.PAID:
        paid_at = now
    if expires_at is None:
        expires_at = now + timedelta(minutes=settings.ORDER_PAYMENT_TIMEOUT_MINUTES)
    variants = [product.variants.first() for product, _ in items]
    subtotal = sum(
        (variant.price * quantity for variant, (_, quantity) in zip(variants, items, strict=True)),
        Decimal("0.00"),
    )
    order = Order.objects.create(
        user=user,
        email=user.email,
        status=status,
        currency=currency,
        subtotal=subtotal,
        shipping_total=Decimal(shipping_total),
        total=subtotal + Decimal(shipping_total),
        shipping_name=shipping_name,
        shipping_line1=shipping_line1,
        shipping_city=shipping_city,
        shipping_postal_code=shipping_postal_code,
        shipping_country=shipping_country,
        paid_at=paid_at,
        expires_at=expires_at,
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant=variant,
            product=product,
            vendor=product.vendor,
            vendor_name=product.vendor.name,
            product_title=product.title,
            variant_label=variant.label if variant.options else "",
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantity,
            line_total=variant.price * quantity,
        )
        for variant, (product, quantity) in zip(variants, items, strict=True)
    )
    return order
