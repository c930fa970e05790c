"""The payment scenarios, run with each provider through the same service calls.

`stripe`: the shop talks to localstripe, which charges the card and delivers real signed
webhooks to the live test server; the order changes only when the webhook is handled.
`dummy`: the embedded provider emits the same events in-process, through the same path.

localstripe declines at charge time only for its "charge fails" cards (4000000000000341); its
4000000000000002 is declined only when attached to a customer, so the Stripe run uses the former
where the dummy run uses Stripe's generic decline card.
"""

import json
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from commerce.models import Order, OrderStatusChange
from commerce.orders import orders_expire
from commerce.payments import base, services
from commerce.payments import tasks as payment_tasks
from commerce.payments.base import PaymentMethodInput, PaymentRequest
from commerce.payments.exceptions import (
    InvalidRefund,
    OrderNotPayable,
    RefundInProgress,
    RefundNotAllowed,
)
from commerce.payments.models import Payment, PaymentEvent, Refund
from commerce.payments.money import to_minor_units
from commerce.payments.providers import provider_get
from commerce.payments.services import refunds
from commerce.payments.stripe import stripe_event_normalise
from commerce.payments.tests.support import (
    WEBHOOK_PATH,
    make_reserved_order,
    stock_of,
    stripe_event,
    stripe_payment_method,
    stripe_signature,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CARDS = {
    "stripe": {"success": "4242424242424242", "declined": "4000000000000341"},
    "dummy": {"success": "4242424242424242", "declined": "4000000000000002"},
}


@dataclass
class Shop:
    """How a test pays with one provider and delivers a provider event to the shop."""

    provider: str
    live_server_url: str = ""
    localstripe: object = None

    def settle(self) -> None:
        if self.localstripe is not None:
            self.localstripe.wait_idle()

    def method(self, outcome: str) -> PaymentMethodInput:
        number = CARDS[self.provider][outcome]
        if self.provider == "dummy":
            return PaymentMethodInput(card_number=number)
        return PaymentMethodInput(payment_method_id=stripe_payment_method(number))

    def handled(self, payment: Payment, event_type: str) -> PaymentEvent | None:
        """Wait until an event of `event_type` about `payment` has been handled."""
        event = wait_for(
            lambda: PaymentEvent.objects.filter(
                payment=payment, type=event_type, processed_at__isnull=False
            ).first()
        )
        self.settle()
        return event

    def deliver_refund_report(self, payment: Payment, refunded_minor: int) -> None:
        """The provider reports the charge's refunded total (Stripe's `charge.refunded`)."""
        charge = {
            "id": "ch_report",
            "object": "charge",
            "payment_intent": payment.reference,
            "amount_refunded": refunded_minor,
            "currency": payment.currency.lower(),
        }
        if self.provider == "dummy":
            event = stripe_event_normalise(json.loads(stripe_event("charge.refunded", charge)))
            services.payment_event_receive(provider="dummy", event=event)
            return
        body = stripe_event("charge.refunded", charge)
        request = urllib.request.Request(
            f"{self.live_server_url}{WEBHOOK_PATH}",
            data=body,
            headers={
                "Content-Type": "application/json",
                "Stripe-Signature": stripe_signature(body),
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.status == 200
        self.settle()


@pytest.fixture(params=["dummy", "stripe"])
def shop(request, site_tree, paid_notifications):
    if request.param == "stripe":
        localstripe = request.getfixturevalue("stripe_live")
        return Shop("stripe", request.getfixturevalue("live_server").url, localstripe)
    request.getfixturevalue("dummy_settings")
    return Shop("dummy")


@pytest.fixture
def editor():
    return UserFactory(is_staff=True, is_superuser=True)


def _pay(shop: Shop, order: Order, outcome: str) -> Payment:
    return services.payment_start(order=order, user=order.user, method=shop.method(outcome))


def test_successful_payment_marks_the_order_paid_once(shop, paid_notifications):
    order = make_reserved_order()
    lines = list(order.lines.order_by("pk"))

    payment = _pay(shop, order, "success")

    assert shop.handled(payment, "payment_intent.succeeded") is not None
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.paid_at is not None
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.amount == Decimal("34.00")
    assert payment.reference.startswith("pi_")
    assert payment.attempt == 1
    assert list(order.status_changes.values_list("from_status", "to_status")) == [
        ("pending_payment", "paid")
    ]
    assert paid_notifications["paid"] == [order.pk]
    assert [stock_of(line) for line in lines] == [8, 9]  # still reserved, nothing restocked

    with pytest.raises(OrderNotPayable):
        _pay(shop, order, "success")
    assert order.payments.count() == 1


def test_declined_card_leaves_the_order_payable(shop, paid_notifications):
    order = make_reserved_order()

    declined = _pay(shop, order, "declined")

    assert shop.handled(declined, "payment_intent.payment_failed") is not None
    order.refresh_from_db()
    declined.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.paid_at is None
    assert declined.status == Payment.Status.FAILED
    assert declined.failure_code == "card_declined"
    assert declined.failure_message
    assert not OrderStatusChange.objects.filter(order=order).exists()
    assert paid_notifications["paid"] == []

    retried = _pay(shop, order, "success")

    assert retried.attempt == 2
    assert shop.handled(retried, "payment_intent.succeeded") is not None
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert paid_notifications["paid"] == [order.pk]


def test_amount_mismatch_flags_the_order_and_never_marks_it_paid(shop, paid_notifications):
    """The provider takes another amount than the order's total (a tampered or stale request):
    the event is flagged, not trusted."""
    order = make_reserved_order()
    payment = Payment.objects.create(
        order=order, provider=shop.provider, attempt=1, amount=order.total, currency="EUR"
    )
    provider = provider_get(shop.provider)
    result = provider.start_payment(
        PaymentRequest(
            order_number=order.number,
            payment_id=payment.pk,
            attempt=1,
            amount_minor=to_minor_units(order.total, "EUR") - 100,
            currency="EUR",
            method=shop.method("success"),
            idempotency_key=f"tampered-{order.number}",
        )
    )
    for event in result.events:  # the dummy provider's events take the webhook's path
        services.payment_event_receive(provider=shop.provider, event=event)

    assert shop.handled(payment, "payment_intent.succeeded") is not None
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.needs_review is True
    assert "took €33.00" in order.review_reason
    assert "totals €34.00" in order.review_reason
    assert payment.status != Payment.Status.SUCCEEDED
    assert payment.failure_code == "amount_mismatch"
    assert paid_notifications["paid"] == []
    with pytest.raises(OrderNotPayable, match="reviewed"):
        _pay(shop, order, "success")


def test_full_refund_restocks_once(shop, editor, paid_notifications):
    order = make_reserved_order()
    lines = list(order.lines.order_by("pk"))
    payment = _pay(shop, order, "success")
    assert shop.handled(payment, "payment_intent.succeeded") is not None
    order.refresh_from_db()

    refund = services.payment_refund(order=order, actor=editor, reason="Customer changed mind")

    order.refresh_from_db()
    assert refund.amount == Decimal("34.00")
    assert refund.reference.startswith("re_")
    assert order.status == Order.Status.REFUNDED
    assert [line.refunded_quantity for line in order.lines.order_by("pk")] == [2, 1]
    assert [stock_of(line) for line in lines] == [10, 10]
    assert sorted(refund.lines.values_list("order_line_id", "quantity")) == [
        (lines[0].pk, 2),
        (lines[1].pk, 1),
    ]
    assert paid_notifications["refund"] == [refund.pk]

    # The provider reports the refund (charge.refunded); it is already recorded.
    shop.deliver_refund_report(payment, 3400)
    assert wait_for(
        lambda: PaymentEvent.objects.filter(
            payment=payment, type="charge.refunded", outcome="Refund already recorded."
        ).exists()
    )
    with pytest.raises(RefundNotAllowed):
        services.payment_refund(order=order, actor=editor)
    assert Refund.objects.filter(order=order).count() == 1
    assert [stock_of(line) for line in lines] == [10, 10]
    assert paid_notifications["refund"] == [refund.pk]


def test_partial_refunds_restock_once_and_never_exceed_the_payment(shop, editor):
    order = make_reserved_order()
    first_line, second_line = order.lines.order_by("pk")
    payment = _pay(shop, order, "success")
    assert shop.handled(payment, "payment_intent.succeeded") is not None
    order.refresh_from_db()

    partial = services.payment_refund(order=order, actor=editor, lines={first_line.pk: 1})

    order.refresh_from_db()
    first_line.refresh_from_db()
    assert partial.amount == Decimal("12.50")
    assert order.status == Order.Status.PAID
    assert first_line.refunded_quantity == 1
    assert (stock_of(first_line), stock_of(second_line)) == (9, 9)

    with pytest.raises(InvalidRefund, match="more than the €21.50"):
        services.payment_refund(order=order, actor=editor, amount=Decimal("21.51"))
    with pytest.raises(InvalidRefund, match="Only 1 of"):
        services.payment_refund(order=order, actor=editor, lines={first_line.pk: 2})
    assert Refund.objects.filter(order=order).count() == 1
    assert (stock_of(first_line), stock_of(second_line)) == (9, 9)

    shop.deliver_refund_report(payment, 1250)  # the provider's report of the first refund

    services.payment_refund(order=order, actor=editor, lines={first_line.pk: 1, second_line.pk: 1})
    order.refresh_from_db()
    assert order.status == Order.Status.PAID  # shipping (4.00) is still paid
    assert (stock_of(first_line), stock_of(second_line)) == (10, 10)

    rest = services.payment_refund(order=order, actor=editor)

    order.refresh_from_db()
    assert rest.amount == Decimal("4.00")
    assert rest.lines.count() == 0
    assert order.status == Order.Status.REFUNDED
    assert (stock_of(first_line), stock_of(second_line)) == (10, 10)
    assert sum(r.amount for r in Refund.objects.filter(order=order)) == Decimal("34.00")
    assert wait_for(
        lambda: PaymentEvent.objects.filter(
            payment=payment, type="charge.refunded", processed_at__isnull=False
        ).exists()
    )
    assert Refund.objects.filter(order=order).count() == 3


def _late_success(shop: Shop) -> tuple[Order, Payment]:
    """An order whose payment window expired while the provider was charging its card: the
    success arrives for a cancelled order, which is flagged for review."""
    order = make_reserved_order()
    payment = Payment.objects.create(
        order=order, provider=shop.provider, attempt=1, amount=order.total, currency="EUR"
    )
    Order.objects.filter(pk=order.pk).update(expires_at=order.created_at)
    assert orders_expire() == 1
    result = provider_get(shop.provider).start_payment(
        PaymentRequest(
            order_number=order.number,
            payment_id=payment.pk,
            attempt=1,
            amount_minor=to_minor_units(order.total, "EUR"),
            currency="EUR",
            method=shop.method("success"),
            idempotency_key=f"late-{order.number}",
        )
    )
    Payment.objects.filter(pk=payment.pk).update(reference=result.reference)
    for event in result.events:  # the dummy provider's events take the webhook's path
        services.payment_event_receive(provider=shop.provider, event=event)
    assert shop.handled(payment, "payment_intent.succeeded") is not None
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.status, order.needs_review) == (Order.Status.CANCELLED, True)
    assert payment.status == Payment.Status.SUCCEEDED
    return order, payment


def test_staff_refund_a_payment_that_arrived_after_expiry(shop, editor, paid_notifications):
    order, payment = _late_success(shop)
    lines = list(order.lines.order_by("pk"))
    assert [stock_of(line) for line in lines] == [10, 10]  # released at expiry

    services.order_review_resolve(
        order=order, actor=editor, action="refund", note="Shopper asked for the money back"
    )

    order.refresh_from_db()
    refund = Refund.objects.get(order=order)
    assert (refund.amount, refund.status, refund.payment_id) == (
        Decimal("34.00"),
        Refund.Status.SUCCEEDED,
        payment.pk,
    )
    assert refund.reference.startswith("re_")
    assert refund.created_by == editor
    assert (order.status, order.needs_review, order.review_reason) == (
        Order.Status.CANCELLED,
        False,
        "",
    )
    last = order.status_changes.order_by("pk").last()
    assert (last.from_status, last.to_status, last.actor) == ("cancelled", "cancelled", editor)
    assert last.note == (
        f"Refunded after review: €34.00 ({refund.reference}). Shopper asked for the money back"
    )
    assert [stock_of(line) for line in lines] == [10, 10]  # nothing restocked twice
    assert paid_notifications["paid"] == []
    assert paid_notifications["refund"] == [refund.pk]

    # The provider's report of that refund records nothing more.
    shop.deliver_refund_report(payment, 3400)
    assert wait_for(
        lambda: PaymentEvent.objects.filter(
            payment=payment, type="charge.refunded", outcome="Refund already recorded."
        ).exists()
    )
    assert Refund.objects.filter(order=order).count() == 1


# --- A refund whose provider answer was lost (the process stopped mid-refund) -----------------


class ProcessStopped(Exception):
    """Stands for the process dying at that point (deploy, OOM kill)."""


def _stop(*args, **kwargs):
    raise ProcessStopped


def _paid(shop: Shop) -> tuple[Order, Payment]:
    order = make_reserved_order()
    payment = _pay(shop, order, "success")
    assert shop.handled(payment, "payment_intent.succeeded") is not None
    order.refresh_from_db()
    return order, payment


def _refund_interrupted(order, editor, *, step: str) -> Refund:
    """`payment_refund` stops after the provider call (`refund_settle`) or before it
    (`refund_call_provider`)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(refunds, step, _stop)
        with pytest.raises(ProcessStopped):
            services.payment_refund(order=order, actor=editor, reason="Returned")
    return Refund.objects.get(order=order)


def _later(minutes: int):
    return timezone.now() + timedelta(minutes=minutes)


def _refund_state(order: Order) -> list:
    order.refresh_from_db()
    return [
        order.status,
        list(Refund.objects.filter(order=order).values_list("status", "failure_message")),
        [line.refunded_quantity for line in order.lines.order_by("pk")],
        [stock_of(line) for line in order.lines.order_by("pk")],
    ]


@pytest.fixture
def stripe_shop(site_tree, stripe_live, live_server):
    return Shop("stripe", live_server.url, stripe_live)


def test_a_refund_the_provider_made_before_the_process_stopped_is_settled_by_the_sweep(
    shop, editor, paid_notifications, settings
):
    settings.REFUND_RESUME_AFTER_MINUTES = 15
    order, payment = _paid(shop)
    refund = _refund_interrupted(order, editor, step="refund_settle")
    pending = [
        Order.Status.PAID,
        [(Refund.Status.PENDING, "")],
        [2, 1],  # counted against what is left while pending
        [8, 9],  # not restocked yet
    ]
    assert _refund_state(order) == pending
    refund.refresh_from_db()
    assert refund.settled_at is None
    with pytest.raises(RefundInProgress):
        services.payment_refund(order=order, actor=editor)

    assert refunds.refunds_resume(now=_later(14)) == 0  # not stale yet: maybe still talking
    assert _refund_state(order) == pending

    assert refunds.refunds_resume(now=_later(16)) == 1

    assert _refund_state(order) == [
        Order.Status.REFUNDED,
        [(Refund.Status.SUCCEEDED, "")],
        [2, 1],
        [10, 10],
    ]
    refund.refresh_from_db()
    assert refund.reference.startswith("re_")
    # Settled when the sweep found the provider's answer, not when the refund was asked for.
    settled_at = refund.settled_at
    assert refund.created_at < settled_at <= timezone.now()
    assert paid_notifications["refund"] == [refund.pk]
    last = order.status_changes.order_by("pk").last()
    assert (last.from_status, last.to_status, last.actor) == ("paid", "refunded", None)
    assert last.note == "Refund 1: €34.00. Returned"

    # Run again, or the stopped process's answer arriving after all: settled once.
    assert refunds.refunds_resume(now=_later(30)) == 0
    late = refunds.refund_settle(
        refund=refund, outcome=base.RefundResult(reference="re_late"), actor=editor
    )
    assert late.reference == refund.reference
    assert Refund.objects.get(pk=refund.pk).settled_at == settled_at
    assert _refund_state(order)[1:] == [[(Refund.Status.SUCCEEDED, "")], [2, 1], [10, 10]]
    assert paid_notifications["refund"] == [refund.pk]


def test_a_refund_stopped_before_it_reached_stripe_is_settled_failed_and_can_be_made_again(
    stripe_shop, editor, paid_notifications
):
    order, payment = _paid(stripe_shop)
    _refund_interrupted(order, editor, step="refund_call_provider")

    assert refunds.refunds_resume(now=_later(16)) == 1

    assert _refund_state(order) == [
        Order.Status.PAID,
        [(Refund.Status.FAILED, refunds.REFUND_NOT_MADE)],
        [0, 0],
        [8, 9],
    ]
    assert paid_notifications["refund"] == []
    assert refunds.refunds_resume(now=_later(30)) == 0

    again = services.payment_refund(order=order, actor=editor)

    assert (again.number, again.status, again.amount) == (
        2,
        Refund.Status.SUCCEEDED,
        Decimal("34.00"),
    )
    assert _refund_state(order) == [
        Order.Status.REFUNDED,
        [(Refund.Status.FAILED, refunds.REFUND_NOT_MADE), (Refund.Status.SUCCEEDED, "")],
        [2, 1],
        [10, 10],
    ]


def test_a_refund_stays_pending_while_stripe_cannot_be_asked(
    stripe_shop, editor, paid_notifications, settings
):
    order, payment = _paid(stripe_shop)
    refund = _refund_interrupted(order, editor, step="refund_settle")
    pending = _refund_state(order)
    assert pending == [Order.Status.PAID, [(Refund.Status.PENDING, "")], [2, 1], [8, 9]]
    reachable = settings.STRIPE_API_BASE

    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    assert refunds.refunds_resume(now=_later(16)) == 0
    assert _refund_state(order) == pending
    assert paid_notifications["refund"] == []

    settings.STRIPE_API_BASE = reachable
    assert refunds.refunds_resume(now=_later(21)) == 1
    refund.refresh_from_db()
    assert (refund.status, refund.reference[:3]) == (Refund.Status.SUCCEEDED, "re_")
    assert _refund_state(order)[0] == Order.Status.REFUNDED


def test_beat_runs_the_refund_sweep(site_tree, dummy_settings, editor, paid_notifications):
    schedule = dummy_settings.CELERY_BEAT_SCHEDULE["payments-refunds-resume"]
    assert (schedule["task"], schedule["schedule"]) == (payment_tasks.refunds_resume.name, 300.0)
    order, payment = _paid(Shop("dummy"))
    refund = _refund_interrupted(order, editor, step="refund_settle")
    assert payment_tasks.refunds_resume.run() == 0  # just recorded

    Refund.objects.filter(pk=refund.pk).update(created_at=_later(-16))
    assert payment_tasks.refunds_resume.run() == 1

    assert _refund_state(order) == [
        Order.Status.REFUNDED,
        [(Refund.Status.SUCCEEDED, "")],
        [2, 1],
        [10, 10],
    ]
    assert paid_notifications["refund"] == [refund.pk]
