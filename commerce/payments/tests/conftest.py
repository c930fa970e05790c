"""Payment test fixtures: orders to pay, a notification spy, eager Celery.

localstripe (`localstripe`, `stripe_settings`, `stripe_live`) is set up in the project's
conftest.py, shared with the GraphQL tests.
"""

import pytest

from commerce.models import Order
from commerce.payments.tests.support import make_reserved_order
from conftest import shared_layer


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """Event processing runs in the test process even when a broker is configured (CI): the
    tests assert what the task does, not the broker's delivery."""
    return eager_celery


@pytest.fixture
def dummy_settings(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = ""
    settings.PAYMENT_PROVIDER = "dummy"
    return settings


@pytest.fixture
def paid_notifications(monkeypatch):
    """Records every `notify_order_paid` / `notify_refund` call (and still makes them)."""
    from commerce import notifications

    calls = {"paid": [], "refund": []}
    original_paid, original_refund = notifications.notify_order_paid, notifications.notify_refund

    def notify_order_paid(*, order):
        calls["paid"].append(order.pk)
        original_paid(order=order)

    def notify_refund(*, refund):
        calls["refund"].append(refund.pk)
        original_refund(refund=refund)

    monkeypatch.setattr(notifications, "notify_order_paid", notify_order_paid)
    monkeypatch.setattr(notifications, "notify_refund", notify_refund)
    return calls


@shared_layer(after=("site_tree_rows",))
def reserved_order_rows(rows) -> dict[str, int]:
    return {"order": make_reserved_order().pk}


@pytest.fixture
def reserved_order(site_tree, reserved_order_rows):
    """`make_reserved_order()`'s order, awaiting payment: 2 x 12.50 and 1 x 5.00 (each line a
    product of its own vendor, 10 in stock before the reservation), shipping 4.00, in EUR.
    Built once for the tests that follow and ask for it; each test's changes are rolled back."""
    return Order.objects.get(pk=reserved_order_rows["order"])
