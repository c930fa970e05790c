"""Orders flagged for review: staff refund, reinstate or dismiss, each recorded with who and why;
a cancellation waits for a payment in flight; a re-sent event does not repeat its reason."""

import json

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from catalog import inventory
from catalog.exceptions import InsufficientStock
from commerce.exceptions import PaymentInFlight
from commerce.models import Order
from commerce.orders import order_cancel, orders_expire
from commerce.payments import services
from commerce.payments.base import PaymentMethodInput, PaymentRequest
from commerce.payments.exceptions import InvalidReview, RefundPermissionDenied, ReviewNotNeeded
from commerce.payments.models import Payment, PaymentEvent, Refund
from commerce.payments.money import to_minor_units
from commerce.payments.providers import provider_get
from commerce.payments.stripe import stripe_event_normalise
from commerce.payments.tests.support import (
    intent_object,
    make_reserved_order,
    stock_of,
    stripe_event,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def late_order(
    reserved_order, dummy_settings, django_capture_on_commit_callbacks, paid_notifications
):
    """A cancelled order (its window expired) whose dummy payment then succeeded."""
    order = reserved_order
    payment = Payment.objects.create(
        order=order, provider="dummy", attempt=1, amount=order.total, currency="EUR"
    )
    Order.objects.filter(pk=order.pk).update(expires_at=order.created_at)
    assert orders_expire() == 1
    result = provider_get("dummy").start_payment(
        PaymentRequest(
            order_number=order.number,
            payment_id=payment.pk,
            attempt=1,
            amount_minor=to_minor_units(order.total, "EUR"),
            currency="EUR",
            method=PaymentMethodInput(card_number="4242424242424242"),
            idempotency_key="late",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        for event in result.events:
            services.payment_event_receive(provider="dummy", event=event)
    order.refresh_from_db()
    assert (order.status, order.needs_review) == (Order.Status.CANCELLED, True)
    return order


def test_staff_reinstate_a_late_paid_order_and_its_stock_is_reserved_again(
    late_order, editor, paid_notifications, django_capture_on_commit_callbacks
):
    lines = list(late_order.lines.order_by("pk"))
    assert [stock_of(line) for line in lines] == [10, 10]

    with django_capture_on_commit_callbacks(execute=True):
        services.order_review_resolve(
            order=late_order, actor=editor, action="reinstate", note="Stock is still there"
        )

    late_order.refresh_from_db()
    assert (late_order.status, late_order.needs_review, late_order.review_reason) == (
        Order.Status.PAID,
        False,
        "",
    )
    assert late_order.paid_at is not None
    assert [stock_of(line) for line in lines] == [8, 9]
    last = late_order.status_changes.order_by("pk").last()
    assert (last.from_status, last.to_status, last.actor) == ("cancelled", "paid", editor)
    reference = late_order.payments.get().reference
    assert last.note == f"Reinstated after review ({reference}): Stock is still there"
    assert paid_notifications["paid"] == [late_order.pk]
    assert not Refund.objects.exists()


def test_reinstating_without_the_stock_is_refused_and_changes_nothing(late_order, editor):
    line = late_order.lines.order_by("pk").first()
    inventory.stock_set(variant_id=line.variant_id, quantity=1)  # two were bought
    changes = late_order.status_changes.count()

    with pytest.raises(InsufficientStock):
        services.order_review_resolve(
            order=late_order, actor=editor, action="reinstate", note="Try"
        )

    late_order.refresh_from_db()
    assert (late_order.status, late_order.needs_review) == (Order.Status.CANCELLED, True)
    assert stock_of(line) == 1
    assert late_order.status_changes.count() == changes


def test_dismissing_keeps_the_money_and_records_why(late_order, editor):
    services.order_review_resolve(
        order=late_order, actor=editor, action="dismiss", note="Refunded in Stripe's dashboard"
    )

    late_order.refresh_from_db()
    assert (late_order.status, late_order.needs_review) == (Order.Status.CANCELLED, False)
    last = late_order.status_changes.order_by("pk").last()
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        "cancelled",
        "cancelled",
        editor,
        "Review dismissed: Refunded in Stripe's dashboard",
    )
    assert not Refund.objects.exists()


def test_resolving_is_refused_without_rights_a_reason_or_a_flag(late_order, editor):
    changes = late_order.status_changes.count()
    for actor in (late_order.user, UserFactory(is_staff=True), None):
        with pytest.raises(RefundPermissionDenied):
            services.order_review_resolve(order=late_order, actor=actor, action="refund", note="x")
    with pytest.raises(InvalidReview, match="Say why"):
        services.order_review_resolve(order=late_order, actor=editor, action="refund", note=" ")
    with pytest.raises(InvalidReview, match="Choose one of"):
        services.order_review_resolve(order=late_order, actor=editor, action="keep", note="x")

    late_order.refresh_from_db()
    assert late_order.needs_review is True
    assert late_order.status_changes.count() == changes
    assert not Refund.objects.exists()

    services.order_review_resolve(order=late_order, actor=editor, action="refund", note="x")
    with pytest.raises(ReviewNotNeeded):
        services.order_review_resolve(order=late_order, actor=editor, action="refund", note="x")
    assert Refund.objects.count() == 1


def test_a_paid_order_paid_twice_refunds_only_the_second_payment(
    site_tree, dummy_settings, editor, django_capture_on_commit_callbacks
):
    order = make_reserved_order(status=Order.Status.PAID)
    first, second = (
        Payment.objects.create(
            order=order,
            provider="dummy",
            attempt=attempt,
            reference=f"pi_dummy_{attempt}",
            status=Payment.Status.SUCCEEDED,
            amount=order.total,
            currency="EUR",
            succeeded_at=order.created_at,
        )
        for attempt in (1, 2)
    )
    Order.objects.filter(pk=order.pk).update(needs_review=True, review_reason="Paid twice")

    with django_capture_on_commit_callbacks(execute=True):
        services.order_review_resolve(order=order, actor=editor, action="refund", note="Twice")

    refund = Refund.objects.get()
    assert (refund.payment_id, refund.amount) == (second.pk, order.total)
    order.refresh_from_db()
    assert (order.status, order.needs_review) == (Order.Status.PAID, False)
    assert [line.refunded_quantity for line in order.lines.all()] == [0, 0]
    Order.objects.filter(pk=order.pk).update(needs_review=True)
    with pytest.raises(InvalidReview, match="only a cancelled order"):
        services.order_review_resolve(order=order, actor=editor, action="reinstate", note="x")
    assert first.refunds.count() == 0


def test_editors_resolve_flagged_orders_in_the_admin(
    client, late_order, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    listing = client.get(reverse("payments_review_admin:review_orders"))
    assert listing.status_code == 200
    assert late_order.number in listing.content.decode()
    url = reverse("payments_review_admin:order_review", args=[late_order.number])
    assert "refund it" in client.get(url).content.decode()

    assert client.post(url, {"action": "refund", "note": ""}).status_code == 302
    assert not Refund.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "refund", "note": "Late payment"}, follow=True)

    assert f"Order {late_order.number} refunded; the flag is cleared." in response.content.decode()
    assert Refund.objects.get().amount == late_order.total
    assert (
        late_order.number
        not in client.get(reverse("payments_review_admin:review_orders")).content.decode()
    )

    shopper = late_order.user
    client.force_login(shopper)
    assert client.get(url)["Location"] != url  # not an editor: sent away


def test_a_cancellation_waits_for_a_payment_in_flight(reserved_order, dummy_settings):
    order = reserved_order
    lines = list(order.lines.order_by("pk"))
    payment = Payment.objects.create(
        order=order, provider="dummy", attempt=1, amount=order.total, currency="EUR"
    )
    for status in (Payment.Status.CREATED, Payment.Status.PROCESSING):
        Payment.objects.filter(pk=payment.pk).update(status=status)
        with pytest.raises(PaymentInFlight, match="wait for its outcome"):
            order_cancel(order=order, actor=order.user)
        order.refresh_from_db()
        assert order.status == Order.Status.PENDING_PAYMENT
        assert [stock_of(line) for line in lines] == [8, 9]

    # Expiry also waits while the provider confirms an accepted payment.
    Order.objects.filter(pk=order.pk).update(expires_at=order.created_at)
    assert orders_expire() == 0

    Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.FAILED)
    order_cancel(order=order, actor=order.user)
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert [stock_of(line) for line in lines] == [10, 10]


def test_a_resent_mismatched_event_gives_its_reason_once(reserved_order, dummy_settings):
    order = reserved_order
    payment = Payment.objects.create(
        order=order,
        provider="stripe",
        attempt=1,
        reference="pi_mismatch",
        status=Payment.Status.PROCESSING,
        amount=order.total,
        currency="EUR",
    )
    for event_id in ("evt_first", "evt_resent"):
        body = stripe_event(
            "payment_intent.succeeded", intent_object(payment, amount_minor=100), event_id=event_id
        )
        stored, _ = services.payment_event_receive(
            provider="stripe", event=stripe_event_normalise(json.loads(body))
        )
        services.payment_event_handle(event_pk=stored.pk)

    order.refresh_from_db()
    assert PaymentEvent.objects.filter(processed_at__isnull=False).count() == 2
    assert order.needs_review is True
    assert order.review_reason == (
        f"Payment pi_mismatch took €1.00, but order {order.number} totals €34.00; not marked paid."
    )
