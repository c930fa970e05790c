"""Helpers of the payment tests: orders as checkout leaves them, signed Stripe webhooks."""

import hashlib
import hmac
import json
import time
import urllib.request
from datetime import timedelta

from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.models import Stock
from catalog.tests.factories import make_product
from commerce.models import Order, OrderLine
from commerce.tests.factories import make_order
from vendors.tests.factories import make_vendor

WEBHOOK_SECRET = "whsec_nexus_test_secret"
SECRET_KEY = "sk_test_nexus"
PUBLISHABLE_KEY = "pk_test_nexus"
WEBHOOK_PATH = "/api/v1/payments/webhooks/stripe/"


def make_reserved_order(
    *,
    user=None,
    prices=("12.50", "5.00"),
    quantities=(2, 1),
    stock: int = 10,
    shipping: str = "4.00",
    currency: str = "EUR",
    status: str = Order.Status.PENDING_PAYMENT,
    expires_in_minutes: int = 30,
) -> Order:
    """An order as checkout leaves it: lines snapshotted, stock already reserved (taken out).

    Needs the `site_tree` fixture. Each line is a product of its own vendor with `stock` units
    before the reservation.
    """
    user = user or UserFactory()
    items = []
    for price, quantity in zip(prices, quantities, strict=True):
        product = make_product(vendor=make_vendor(), price=price, stock=stock)
        inventory.stock_adjust(variant_id=product.variants.get().pk, delta=-quantity)
        items.append((product, quantity))
    return make_order(
        user=user,
        items=items,
        status=status,
        currency=currency,
        shipping_total=shipping,
        expires_at=timezone.now() + timedelta(minutes=expires_in_minutes),
    )


def stripe_payment_method(number: str) -> str:
    """The id of a card payment method made at the configured Stripe API (what Stripe.js's
    createPaymentMethod does in the browser)."""
    from commerce.payments.providers import provider_get

    payment_method = provider_get("stripe").client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
        }
    )
    return payment_method.id


def localstripe_authenticate(localstripe: str, client_secret: str, *, success: bool) -> dict:
    """What localstripe's stripe.confirmCardPayment sends when the shopper answers 3-D Secure."""
    intent_id = client_secret.split("_secret_")[0]
    request = urllib.request.Request(  # noqa: S310 - the loopback localstripe
        f"{localstripe}/v1/payment_intents/{intent_id}/_authenticate?success={str(success).lower()}",
        data=json.dumps({"key": PUBLISHABLE_KEY, "client_secret": client_secret}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def stock_of(line: OrderLine) -> int:
    return Stock.objects.get(variant_id=line.variant_id).quantity


def wait_for(condition, *, timeout: float = 15.0, interval: float = 0.1):
    """Poll `condition` until it returns something truthy (webhooks arrive asynchronously)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)


def stripe_signature(
    body: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> str:
    """A `Stripe-Signature` header as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = b"%d.%s" % (timestamp, body)
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_type: str, obj: dict, *, event_id: str | None = None) -> bytes:
    """The JSON body of a Stripe event delivery."""
    return json.dumps(
        {
            "id": event_id or f"evt_test_{time.monotonic_ns()}",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def intent_object(
    payment, *, amount_minor: int, currency: str = "eur", status="succeeded", **extra
) -> dict:
    return {
        "id": payment.reference,
        "object": "payment_intent",
        "amount": amount_minor,
        "currency": currency,
        "status": status,
        "metadata": {
            "order_number": payment.order.number,
            "payment_id": str(payment.pk),
            "attempt": str(payment.attempt),
        },
        **extra,
    }
