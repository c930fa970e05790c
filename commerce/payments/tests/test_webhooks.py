"""The Stripe webhook endpoint: signatures, replays, ordering, mismatches.

Deliveries are built and signed here exactly as Stripe (and localstripe) sign them; the
end-to-end deliveries from localstripe are in test_scenarios.py.
"""

import json
import threading
import time
import urllib.request
from decimal import Decimal

import pytest

from commerce.models import Order
from commerce.payments.models import Payment, PaymentEvent, Refund
from commerce.payments.tests.support import (
    WEBHOOK_PATH,
    intent_object,
    stripe_event,
    stripe_signature,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment(reserved_order, stripe_settings):
    order = reserved_order
    return Payment.objects.create(
        order=order,
        provider="stripe",
        attempt=1,
        reference="pi_test_webhook",
        status=Payment.Status.PROCESSING,
        amount=order.total,
        currency=order.currency,
    )


def post(client, body: bytes, signature: str | None = None, **headers):
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post(WEBHOOK_PATH, data=body, content_type="application/json", **headers)


def deliver(client, captured, body: bytes):
    """A correctly signed delivery; its processing task runs after commit."""
    with captured(execute=True):
        return post(client, body, stripe_signature(body))


def succeeded(payment, **kwargs) -> bytes:
    return stripe_event(
        "payment_intent.succeeded", intent_object(payment, amount_minor=3400), **kwargs
    )


def failed(payment, **kwargs) -> bytes:
    obj = intent_object(
        payment,
        amount_minor=3400,
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "message": "Your card was declined."},
    )
    return stripe_event("payment_intent.payment_failed", obj, **kwargs)


def assert_nothing_changed(payment):
    order = Order.objects.get(pk=payment.order_id)
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.needs_review is False
    assert not order.status_changes.exists()
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.PROCESSING
    assert PaymentEvent.objects.count() == 0


def test_a_signed_success_event_marks_the_order_paid(
    client, django_capture_on_commit_callbacks, payment, paid_notifications
):
    response = deliver(client, django_capture_on_commit_callbacks, succeeded(payment))

    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False}
    order = Order.objects.get(pk=payment.order_id)
    assert order.status == Order.Status.PAID
    assert Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED
    assert PaymentEvent.objects.get().outcome == "Order paid."
    assert paid_notifications["paid"] == [order.pk]


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(lambda body: stripe_signature(body, secret="whsec_forged"), id="forged"),
        pytest.param(lambda body: stripe_signature(body + b" "), id="other-body"),
        pytest.param(
            lambda body: stripe_signature(body, timestamp=int(time.time()) - 600), id="stale"
        ),
        pytest.param(lambda body: "t=1,v1=abc", id="garbage"),
        pytest.param(lambda body: None, id="missing"),
    ],
)
def test_a_bad_signature_is_rejected_and_changes_nothing(
    client, django_capture_on_commit_callbacks, payment, paid_notifications, signature
):
    body = succeeded(payment)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body, signature(body))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_webhook"
    assert_nothing_changed(payment)
    assert paid_notifications["paid"] == []


def test_webhooks_are_refused_when_no_secret_is_configured(client, payment, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    body = succeeded(payment)

    response = post(client, body, stripe_signature(body))

    assert response.status_code == 400
    assert_nothing_changed(payment)


def test_a_signed_body_that_is_not_an_event_is_rejected(client, payment):
    body = json.dumps({"hello": "world"}).encode()

    response = post(client, body, stripe_signature(body))

    assert response.status_code == 400
    assert_nothing_changed(payment)


def test_a_replayed_event_is_acknowledged_and_does_nothing(
    client, django_capture_on_commit_callbacks, payment, paid_notifications
):
    body = succeeded(payment, event_id="evt_replayed")
    first = deliver(client, django_capture_on_commit_callbacks, body)

    second = deliver(client, django_capture_on_commit_callbacks, body)

    assert first.json()["duplicate"] is False
    assert second.status_code == 200
    assert second.json() == {"received": True, "duplicate": True}
    assert PaymentEvent.objects.count() == 1
    order = Order.objects.get(pk=payment.order_id)
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["paid"]
    assert paid_notifications["paid"] == [order.pk]


def test_a_second_success_event_for_the_same_payment_changes_nothing(
    client, django_capture_on_commit_callbacks, payment, paid_notifications
):
    deliver(client, django_capture_on_commit_callbacks, succeeded(payment, event_id="evt_one"))
    deliver(client, django_capture_on_commit_callbacks, succeeded(payment, event_id="evt_two"))

    order = Order.objects.get(pk=payment.order_id)
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["paid"]
    assert PaymentEvent.objects.get(event_id="evt_two").outcome == (
        "Payment already succeeded; nothing to do."
    )
    assert paid_notifications["paid"] == [order.pk]


@pytest.mark.parametrize("order_of_events", [("failed", "succeeded"), ("succeeded", "failed")])
def test_events_in_either_order_end_in_the_same_state(
    client, django_capture_on_commit_callbacks, payment, paid_notifications, order_of_events
):
    bodies = {"failed": failed(payment), "succeeded": succeeded(payment)}

    for name in order_of_events:
        deliver(client, django_capture_on_commit_callbacks, bodies[name])

    order = Order.objects.get(pk=payment.order_id)
    payment.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.failure_code == ""
    assert paid_notifications["paid"] == [order.pk]


@pytest.mark.parametrize("order_of_events", [("refunded", "succeeded"), ("succeeded", "refunded")])
def test_a_refund_reported_before_the_success_ends_in_the_same_state(
    client, django_capture_on_commit_callbacks, payment, order_of_events
):
    charge = {
        "id": "ch_test",
        "object": "charge",
        "payment_intent": payment.reference,
        "amount_refunded": 3400,
        "currency": "eur",
    }
    bodies = {
        "refunded": stripe_event("charge.refunded", charge),
        "succeeded": succeeded(payment),
    }

    for name in order_of_events:
        deliver(client, django_capture_on_commit_callbacks, bodies[name])

    order = Order.objects.get(pk=payment.order_id)
    assert order.status == Order.Status.REFUNDED
    refund = Refund.objects.get(order=order)
    assert refund.amount == Decimal("34.00")
    assert refund.lines.count() == 0  # a refund made at the provider names no items
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["paid", "refunded"]
    assert PaymentEvent.objects.filter(processed_at__isnull=True).count() == 0
    assert PaymentEvent.objects.get(type="charge.refunded").outcome == (
        "Recorded a refund of €34.00 made at the provider."
    )


@pytest.mark.parametrize(
    ("amount_minor", "currency"), [(3300, "eur"), (3400, "usd"), (340000, "eur")]
)
def test_an_amount_or_currency_mismatch_is_flagged_not_paid(
    client,
    django_capture_on_commit_callbacks,
    payment,
    paid_notifications,
    amount_minor,
    currency,
    caplog,
):
    body = stripe_event(
        "payment_intent.succeeded",
        intent_object(payment, amount_minor=amount_minor, currency=currency),
    )

    response = deliver(client, django_capture_on_commit_callbacks, body)

    assert response.status_code == 200
    order = Order.objects.get(pk=payment.order_id)
    payment.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.needs_review is True
    assert "not marked paid" in order.review_reason
    assert payment.status == Payment.Status.PROCESSING
    assert payment.failure_code == "amount_mismatch"
    assert paid_notifications["paid"] == []
    assert "needs review" in caplog.text


def test_a_success_after_cancellation_is_flagged_for_a_refund(
    client, django_capture_on_commit_callbacks, payment, paid_notifications
):
    Order.objects.filter(pk=payment.order_id).update(status=Order.Status.CANCELLED)

    deliver(client, django_capture_on_commit_callbacks, succeeded(payment))

    order = Order.objects.get(pk=payment.order_id)
    assert order.status == Order.Status.CANCELLED
    assert order.needs_review is True
    assert "refund it" in order.review_reason
    assert paid_notifications["paid"] == []


def test_an_event_for_an_unknown_payment_is_acknowledged_and_ignored(
    client, django_capture_on_commit_callbacks, payment
):
    obj = intent_object(payment, amount_minor=3400)
    obj["id"] = "pi_from_another_shop"
    obj["metadata"] = {"order_number": "NX-OTHER", "payment_id": str(payment.pk)}

    response = deliver(
        client, django_capture_on_commit_callbacks, stripe_event("payment_intent.succeeded", obj)
    )

    assert response.status_code == 200
    assert PaymentEvent.objects.get().outcome == "No payment of this shop matches the event."
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PENDING_PAYMENT


def test_event_types_nexus_does_not_use_are_stored_and_ignored(
    client, django_capture_on_commit_callbacks, payment
):
    body = stripe_event("customer.created", {"id": "cus_1", "object": "customer"})

    response = deliver(client, django_capture_on_commit_callbacks, body)

    assert response.status_code == 200
    event = PaymentEvent.objects.get()
    assert (event.kind, event.outcome) == ("ignored", "Event type not used by Nexus.")
    assert Order.objects.get(pk=payment.order_id).status == Order.Status.PENDING_PAYMENT


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_duplicate_deliveries_are_processed_once(
    server_database, live_server, payment, paid_notifications
):
    body = succeeded(payment, event_id="evt_concurrent")
    signature = stripe_signature(body)
    barrier = threading.Barrier(6)
    answers: list[dict] = []

    def deliver_once():
        request = urllib.request.Request(
            f"{live_server.url}{WEBHOOK_PATH}",
            data=body,
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
            method="POST",
        )
        barrier.wait()
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answers.append(json.loads(response.read()))

    threads = [threading.Thread(target=deliver_once) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == 6
    assert sorted(answer["duplicate"] for answer in answers) == [False] + [True] * 5
    assert PaymentEvent.objects.count() == 1
    order = Order.objects.get(pk=payment.order_id)
    assert order.status == Order.Status.PAID
    assert list(order.status_changes.values_list("to_status", flat=True)) == ["paid"]
    assert paid_notifications["paid"] == [order.pk]
