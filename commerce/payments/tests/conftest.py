"""Payment test fixtures: orders to pay, a notification spy, eager Celery.

localstripe (`localstripe`, `stripe_settings`, `stripe_live`) is set up in the project's
conftest.py, shared with the GraphQL tests.
"""

import pytest

from commerce.payments.tests.support import make_reserved_order


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


@pytest.fixture
def order_factory(site_tree):
    return make_reserved_order
