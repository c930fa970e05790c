"""Payment services: start an attempt, receive and handle provider events, refund.

These are the only callers of a payment provider. The order becomes paid in exactly one place,
`payment_event_handle`, whether the event came from a signed Stripe webhook or from the dummy
provider in-process; the synchronous answer of a provider never marks an order paid.

Lock order, everywhere: the stored event row, then the order row, then the payment row.
"""

from commerce.payments.services.attempts import payment_idempotency_key, payment_start
from commerce.payments.services.events import (
    payment_event_handle,
    payment_event_receive,
    payment_events_pending,
    payment_webhook_receive,
)
from commerce.payments.services.refunds import payment_refund, refunds_resume
from commerce.payments.services.reviews import order_review_resolve

__all__ = [
    "order_review_resolve",
    "payment_event_handle",
    "payment_event_receive",
    "payment_events_pending",
    "payment_idempotency_key",
    "payment_refund",
    "payment_start",
    "payment_webhook_receive",
    "refunds_resume",
]
