"""Refunds against the real PostgreSQL: no row lock is held while the provider is called, and
two refunds racing for the same money give it back once.

Each thread has its own database connection, so the database's locking is what is tested.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from accounts.tests.factories import UserFactory
from commerce.models import Order, OrderLine
from commerce.payments import services
from commerce.payments.dummy import DummyProvider
from commerce.payments.exceptions import InvalidRefund, RefundInProgress, RefundNotAllowed
from commerce.payments.models import Payment, Refund
from commerce.payments.tests.support import make_reserved_order, stock_of

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def paid(postgres, site_tree, dummy_settings):
    order = make_reserved_order(status=Order.Status.PAID)
    Payment.objects.create(
        order=order,
        provider="dummy",
        attempt=1,
        reference="pi_dummy_race",
        status=Payment.Status.SUCCEEDED,
        amount=order.total,
        currency="EUR",
    )
    return order, UserFactory(is_superuser=True, is_staff=True)


def _in_thread(function, results, index):
    def run():
        try:
            results[index] = function()
        except BaseException as error:  # asserted on by the test
            results[index] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_the_provider_is_called_without_row_locks_and_a_second_refund_waits_its_turn(
    paid, monkeypatch
):
    order, editor = paid
    lines = list(order.lines.order_by("pk"))
    in_provider, release = threading.Event(), threading.Event()
    calls = []
    original = DummyProvider.refund

    def slow_refund(self, request):
        calls.append(request.idempotency_key)
        in_provider.set()
        assert release.wait(timeout=30)
        return original(self, request)

    monkeypatch.setattr(DummyProvider, "refund", slow_refund)
    results = [None]
    thread = _in_thread(lambda: services.payment_refund(order=order, actor=editor), results, 0)
    assert in_provider.wait(timeout=30)

    # While the provider works, every row the refund touches can be locked at once (NOWAIT
    # raises if another transaction holds the lock).
    try:
        with transaction.atomic():
            Order.objects.select_for_update(nowait=True).get(pk=order.pk)
            list(Payment.objects.select_for_update(nowait=True).filter(order=order))
            list(OrderLine.objects.select_for_update(nowait=True).filter(order=order))
            list(Refund.objects.select_for_update(nowait=True).filter(order=order))
        # A second refund is told one is under way instead of refunding the money again.
        with pytest.raises(RefundInProgress):
            services.payment_refund(order=order, actor=editor, amount=Decimal("1.00"))
        assert Refund.objects.get().status == Refund.Status.PENDING
    finally:
        release.set()
        thread.join(timeout=60)

    refund = results[0]
    assert isinstance(refund, Refund), refund
    assert calls == [f"nexus-{order.number}-refund-1"]
    refund.refresh_from_db()
    assert (refund.status, refund.amount) == (Refund.Status.SUCCEEDED, Decimal("34.00"))
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert [stock_of(line) for line in lines] == [10, 10]


def test_refunds_racing_for_the_same_money_give_it_back_once(paid, monkeypatch):
    order, editor = paid
    lines = list(order.lines.order_by("pk"))
    calls = []
    original = DummyProvider.refund
    barrier = threading.Barrier(6)

    def counted_refund(self, request):
        calls.append(request.amount_minor)
        return original(self, request)

    monkeypatch.setattr(DummyProvider, "refund", counted_refund)

    def refund_everything():
        barrier.wait(timeout=30)
        return services.payment_refund(order=order, actor=editor)

    results = [None] * 6
    threads = [_in_thread(refund_everything, results, index) for index in range(6)]
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    succeeded = [result for result in results if isinstance(result, Refund)]
    refused = [result for result in results if not isinstance(result, Refund)]
    assert len(succeeded) == 1
    assert all(
        isinstance(error, RefundInProgress | RefundNotAllowed | InvalidRefund) for error in refused
    ), refused
    assert calls == [3400]
    assert list(Refund.objects.values_list("status", "amount")) == [
        (Refund.Status.SUCCEEDED, Decimal("34.00"))
    ]
    assert [stock_of(line) for line in lines] == [10, 10]
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
