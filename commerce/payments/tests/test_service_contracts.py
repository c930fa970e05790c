"""The payment services enforce their own contracts, whoever calls them (view, task, command)."""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from commerce.exceptions import OrderNotFound
from commerce.models import Order
from commerce.payments import services
from commerce.payments.base import PaymentMethodInput
from commerce.payments.exceptions import RefundPermissionDenied
from commerce.payments.models import Payment, PaymentEvent, Refund
from commerce.payments.tests.support import make_reserved_order, stock_of

pytestmark = pytest.mark.django_db


def _paid(order: Order) -> Payment:
    return Payment.objects.create(
        order=order,
        provider="dummy",
        attempt=1,
        reference="pi_dummy_contract",
        status=Payment.Status.SUCCEEDED,
        amount=order.total,
        currency=order.currency,
    )


def test_a_refund_by_anyone_but_staff_is_refused_and_changes_nothing(site_tree, dummy_settings):
    order = make_reserved_order(status=Order.Status.PAID)
    _paid(order)
    stock_before = [stock_of(line) for line in order.lines.order_by("pk")]
    # The shopper, a staff account outside the Editors group, an inactive superuser, nobody.
    for actor in (
        order.user,
        UserFactory(is_staff=True),
        UserFactory(is_superuser=True, is_active=False),
        None,
    ):
        with pytest.raises(RefundPermissionDenied) as raised:
            services.payment_refund(order=order, actor=actor, amount=Decimal("1.00"))
        assert raised.value.status == 403

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert not Refund.objects.exists()
    assert [line.refunded_quantity for line in order.lines.order_by("pk")] == [0, 0]
    assert [stock_of(line) for line in order.lines.order_by("pk")] == stock_before


def test_paying_another_shoppers_order_is_refused_and_changes_nothing(
    reserved_order, dummy_settings
):
    order = reserved_order

    for user in (UserFactory(), UserFactory(is_staff=True, is_superuser=True), None):
        with pytest.raises(OrderNotFound) as raised:
            services.payment_start(
                order=order, user=user, method=PaymentMethodInput(card_number="4242424242424242")
            )
        assert raised.value.status == 404

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert not Payment.objects.exists()
    assert not PaymentEvent.objects.exists()
