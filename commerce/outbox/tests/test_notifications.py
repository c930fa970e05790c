"""Notifications through the outbox, with Celery run in-process (the worker tests in
test_worker.py run the same path through RabbitMQ and a worker process)."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from commerce.notifications import notify_lines_shipped, notify_order_paid
from commerce.outbox.models import OutboxMessage, SentEmail
from commerce.outbox.services import (
    outbox_backoff,
    outbox_drain,
    outbox_message_deliver,
    outbox_message_retry,
)

pytestmark = pytest.mark.django_db


def _pay(order, capture):
    with capture(execute=True), transaction.atomic():
        notify_order_paid(order=order)


def test_order_paid_sends_one_confirmation_and_one_notice_per_vendor(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks
):
    order = two_vendor_order.order
    _pay(order, django_capture_on_commit_callbacks)

    # Sorted on both sides: the keys sort as text ("vendor:100" before "vendor:99").
    assert sorted(OutboxMessage.objects.values_list("key", "status")) == sorted(
        [
            (f"order-paid:{order.pk}:shopper", "delivered"),
            (f"order-paid:{order.pk}:vendor:{two_vendor_order.vendor_a.pk}", "delivered"),
            (f"order-paid:{order.pk}:vendor:{two_vendor_order.vendor_b.pk}", "delivered"),
        ]
    )
    assert len(mail.outbox) == 3
    by_recipients = {tuple(message.to): message for message in mail.outbox}
    shopper = by_recipients[("shopper@example.com",)]
    assert shopper.subject == f"Nexus: order {order.number} confirmed"
    assert "2 x Blue Mug" in shopper.body and "1 x Desk Lamp" in shopper.body
    assert "Total paid: €73.00" in shopper.body
    html = shopper.alternatives[0][0]
    assert "Thank you for your order" in html and order.number in html
    # Vendor A: its contact address and its owner (not its staff member); only its lines.
    alpha = by_recipients[("alpha-goods@vendors.example.com", "owner@alpha.example.com")]
    assert alpha.subject == f"New order {order.number} for Alpha Goods"
    assert "Blue Mug" in alpha.body and "Plate" in alpha.body
    assert "Desk Lamp" not in alpha.body and "Desk Lamp" not in alpha.alternatives[0][0]
    assert "Your items: €33.00" in alpha.body
    beta = by_recipients[("beta-wares@vendors.example.com",)]
    assert "Desk Lamp" in beta.body and "Blue Mug" not in beta.body
    assert SentEmail.objects.count() == 3


def test_notifying_twice_sends_nothing_twice(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks
):
    _pay(two_vendor_order.order, django_capture_on_commit_callbacks)
    _pay(two_vendor_order.order, django_capture_on_commit_callbacks)

    assert OutboxMessage.objects.count() == 3
    assert len(mail.outbox) == 3


def test_nothing_is_sent_when_the_transaction_rolls_back(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify_order_paid(order=two_vendor_order.order)
        raise RuntimeError("payment failed after all")

    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_nothing_is_published_before_commit(two_vendor_order, eager_celery):
    with transaction.atomic():
        notify_order_paid(order=two_vendor_order.order)
        assert OutboxMessage.objects.filter(status="pending").count() == 3
    # The test's own transaction never commits, so nothing was published or sent.
    assert mail.outbox == []


def test_a_redelivered_message_does_not_send_again(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks
):
    """At-least-once delivery: a worker that sent the e-mail but died before acknowledging
    makes the broker deliver the message again. The e-mail ledger makes that a no-op."""
    _pay(two_vendor_order.order, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(key__endswith=":shopper")
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending")

    assert outbox_message_deliver(message_id=message.pk) == "delivered"
    assert outbox_message_deliver(message_id=message.pk) == "delivered"
    assert len(mail.outbox) == 3


def test_a_duplicate_send_after_a_lost_ledger_row_carries_the_same_message_id(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks, settings
):
    """A worker killed after the send but before its transaction commits loses the ledger row,
    so the redelivered message sends again: with the same Message-ID, which the receiving
    server can drop. Another message, or the same key recorded anew, gets another id."""
    settings.DEFAULT_FROM_EMAIL = "Nexus Shop <orders@shop.example.com>"
    _pay(two_vendor_order.order, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(key__endswith=":shopper")
    first_ids = {
        sent.extra_headers["X-Nexus-Message-Key"]: sent.message()["Message-ID"]
        for sent in mail.outbox
    }
    # What the killed worker's rolled-back transaction leaves: no ledger row, still pending.
    SentEmail.objects.filter(key=message.key).delete()
    OutboxMessage.objects.filter(pk=message.pk).update(status="pending")

    assert outbox_message_deliver(message_id=message.pk) == "delivered"

    assert len(mail.outbox) == 4
    resent = mail.outbox[3].message()
    assert resent["X-Nexus-Message-Key"] == message.key
    assert resent["Message-ID"] == first_ids[message.key]
    assert re.fullmatch(r"<[0-9a-f]{40}@shop\.example\.com>", resent["Message-ID"])
    assert len(set(first_ids.values())) == 3
    # The same key in a rebuilt database (a new row, recorded later) is another e-mail.
    OutboxMessage.objects.filter(pk=message.pk).delete()
    SentEmail.objects.filter(key=message.key).delete()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notify_order_paid(order=two_vendor_order.order)
    assert len(mail.outbox) == 5
    assert mail.outbox[4].extra_headers["X-Nexus-Message-Key"] == message.key
    assert mail.outbox[4].message()["Message-ID"] not in first_ids.values()


class FailingSMTP:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    def open(self):
        pass

    def close(self):
        pass


def test_smtp_down_is_retried_with_backoff_then_dead_lettered(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.EMAIL_BACKEND = "commerce.outbox.tests.test_notifications.FailingSMTP"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    order = two_vendor_order.order
    before = timezone.now()
    _pay(order, django_capture_on_commit_callbacks)

    message = OutboxMessage.objects.get(key=f"order-paid:{order.pk}:shopper")
    assert message.status == "pending"
    assert message.attempts == 1
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert message.next_attempt_at >= before + timedelta(minutes=1)
    assert SentEmail.objects.count() == 0
    # Not due yet: the drain leaves it alone.
    assert outbox_drain() == 0

    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert outbox_drain() == 3  # second attempt of each of the three messages
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 2)
    assert message.next_attempt_at == later + outbox_backoff(attempts=2)

    later = later + timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    outbox_drain()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("dead", 3)
    assert OutboxMessage.objects.filter(status="dead").count() == 3
    assert SentEmail.objects.count() == 0
    assert mail.outbox == []

    # SMTP is back; staff retry the dead letter from the admin.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        outbox_message_retry(message=message)
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 1)
    assert [m.to for m in mail.outbox] == [["shopper@example.com"]]


def test_backoff_doubles_up_to_an_hour():
    assert [outbox_backoff(attempts=n).total_seconds() for n in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_a_message_for_a_deleted_order_is_dead_at_once(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks
):
    message = OutboxMessage.objects.create(
        key="order-paid:999999:shopper",
        task_name="commerce.order_confirmation_send",
        payload={"order_id": 999999},
    )
    assert outbox_message_deliver(message_id=message.pk) == "dead"
    message.refresh_from_db()
    assert message.attempts == 1
    assert message.last_error.startswith("DoesNotExist")


def test_shipping_notification_lists_the_shipped_lines(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks
):
    order = two_vendor_order.order
    mug_line = order.lines.get(product_title="Blue Mug")
    mug_line.carrier, mug_line.tracking_number = "DHL", "JD0123"
    mug_line.shipped_at = timezone.now()
    mug_line.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify_lines_shipped(order=order, lines=[mug_line])
        notify_lines_shipped(order=order, lines=[mug_line])

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["shopper@example.com"]
    assert "2 x Blue Mug: DHL JD0123" in mail.outbox[0].body
    assert "Desk Lamp" not in mail.outbox[0].body


def test_refund_notification_names_the_amount_once(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from commerce.notifications import notify_refund
    from commerce.payments.models import Payment, Refund

    order = two_vendor_order.order
    payment = Payment.objects.create(
        order=order, provider="dummy", attempt=1, amount=order.total, currency="EUR"
    )
    refund = Refund.objects.create(
        payment=payment, order=order, number=1, amount=Decimal("25.00"), currency="EUR"
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_refund(refund=refund)
        notify_refund(refund=refund)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["shopper@example.com"]
    assert mail.outbox[0].subject == f"Nexus: refund for order {order.number}"
    assert f"A refund of €25.00 for order {order.number}" in mail.outbox[0].body


def test_e_mail_links_use_the_site_url_setting(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://shop.example.com:8443"
    _pay(two_vendor_order.order, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 3
    for message in mail.outbox:
        html = message.alternatives[0][0]
        links = [part.split('"', 1)[0] for part in html.split('href="')[1:]]
        links = [link for link in links if not link.startswith("mailto:")]
        assert links, message.subject
        assert all(link.startswith("https://shop.example.com:8443/") for link in links), links
        assert "http://localhost" not in message.body + html


def test_order_confirmation_links_to_the_orders_page(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks
):
    import re

    _pay(two_vendor_order.order, django_capture_on_commit_callbacks)

    shopper = next(message for message in mail.outbox if message.to == ["shopper@example.com"])
    assert re.search(r"^Your orders: \S*/orders/$", shopper.body, re.M)
    assert re.search(r'<a href="\S*/orders/"[^>]*>See your orders</a>', shopper.alternatives[0][0])
    assert "/account/" not in shopper.body
