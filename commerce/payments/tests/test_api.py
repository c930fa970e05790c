"""POST/GET /api/v1/orders/{number}/payment/ and the staff refund API.

Transactional: in production the dummy provider's event is handled when `payment_start`
commits, before the answer is built, and these tests see the same.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import include, path
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.payments.models import Payment, Refund
from commerce.payments.tests.support import make_reserved_order, stock_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def order(site_tree, dummy_settings):
    return make_reserved_order()


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def pay_url(order) -> str:
    return f"/api/v1/orders/{order.number}/payment/"


def test_the_owner_pays_with_a_test_card_and_the_order_is_paid(order, paid_notifications):
    response = api(order.user).post(
        pay_url(order), {"card_number": "4242 4242 4242 4242"}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["order_number"] == order.number
    assert body["order_status"] == "paid"
    assert body["total"] == "34.00"
    assert body["is_payable"] is False
    assert body["requires_action"] is False
    assert body["payment"]["status"] == "succeeded"
    assert body["payment"]["amount"] == "34.00"
    assert body["payment"]["currency"] == "EUR"
    assert body["payment"]["client_secret"] is None
    assert paid_notifications["paid"] == [order.pk]

    status = api(order.user).get(pay_url(order))
    assert status.status_code == 200
    assert status.json()["payment"]["status"] == "succeeded"


@pytest.mark.parametrize(
    ("card", "code"),
    [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds")],
)
def test_a_declined_card_answers_the_failure_and_the_order_stays_payable(order, card, code):
    response = api(order.user).post(pay_url(order), {"card_number": card}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["order_status"] == "pending_payment"
    assert body["is_payable"] is True
    assert body["payment"]["status"] == "failed"
    assert body["payment"]["failure_code"] == code
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_the_amount_always_comes_from_the_order(order):
    response = api(order.user).post(
        pay_url(order),
        {"card_number": "4242424242424242", "amount": "0.01", "currency": "JPY"},
        format="json",
    )

    assert response.status_code == 201
    payment = Payment.objects.get(order=order)
    assert (payment.amount, payment.currency) == (Decimal("34.00"), "EUR")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "non_field_errors"),
        ({"card_number": "4242424242424242", "payment_method": "pm_x"}, "non_field_errors"),
        ({"card_number": "1234 5678"}, "payment_method"),
    ],
)
def test_bad_input_is_a_400_and_records_nothing(order, data, field):
    response = api(order.user).post(pay_url(order), data, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_only_the_owner_sees_or_pays_an_order(order):
    stranger = UserFactory()

    assert api().get(pay_url(order)).status_code == 401
    assert (
        api().post(pay_url(order), {"card_number": "4242424242424242"}, format="json").status_code
        == 401
    )
    assert api(stranger).get(pay_url(order)).status_code == 404
    response = api(stranger).post(
        pay_url(order), {"card_number": "4242424242424242"}, format="json"
    )
    assert response.status_code == 404
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": Order.Status.PAID}, "is paid and cannot be paid again"),
        ({"status": Order.Status.CANCELLED}, "is cancelled and cannot be paid again"),
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "expired before it was paid"),
    ],
)
def test_a_paid_cancelled_or_expired_order_cannot_be_paid(order, change, message):
    Order.objects.filter(pk=order.pk).update(**change)

    response = api(order.user).post(
        pay_url(order), {"card_number": "4242424242424242"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_not_payable"
    assert message in response.json()["error"]["message"]
    assert not Payment.objects.exists()


def test_an_unreachable_provider_is_a_503_and_the_retry_reuses_the_attempt(order, stripe_settings):
    stripe_settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    first = api(order.user).post(pay_url(order), {"payment_method": "pm_card_visa"}, format="json")
    second = api(order.user).post(pay_url(order), {"payment_method": "pm_card_visa"}, format="json")

    assert first.status_code == second.status_code == 503
    assert first.json()["error"]["code"] == "payment_provider_unavailable"
    payment = Payment.objects.get(order=order)  # one attempt: same idempotency key on retry
    assert (payment.attempt, payment.status) == (1, Payment.Status.CREATED)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


# --- Refunds ---------------------------------------------------------------------------------


@pytest.fixture
def paid_order(order):
    response = api(order.user).post(
        pay_url(order), {"card_number": "4242424242424242"}, format="json"
    )
    assert response.json()["order_status"] == "paid"
    return order


def refunds_url(order) -> str:
    return f"/api/v1/orders/{order.number}/refunds/"


def test_refunds_are_for_staff_only(paid_order):
    lines_before = [stock_of(line) for line in paid_order.lines.all()]

    assert api().post(refunds_url(paid_order), {}, format="json").status_code == 401
    response = api(paid_order.user).post(refunds_url(paid_order), {}, format="json")
    assert response.status_code == 403
    assert api(paid_order.user).get(refunds_url(paid_order)).status_code == 403
    assert not Refund.objects.exists()
    assert [stock_of(line) for line in paid_order.lines.all()] == lines_before


def test_an_editor_refunds_per_line_then_fully(paid_order):
    from django.contrib.auth.models import Group

    editor = UserFactory()
    editor.groups.add(Group.objects.get_or_create(name="Editors")[0])
    first, second = paid_order.lines.order_by("pk")

    partial = api(editor).post(
        refunds_url(paid_order),
        {"lines": [{"line_id": first.pk, "quantity": 1}], "reason": "Damaged"},
        format="json",
    )
    full = api(editor).post(refunds_url(paid_order), {}, format="json")

    assert partial.status_code == 201
    assert partial.json()["amount"] == "12.50"
    assert partial.json()["order_status"] == "paid"
    assert partial.json()["lines"] == [{"line_id": first.pk, "quantity": 1, "amount": "12.50"}]
    assert partial.json()["reference"].startswith("re_dummy_")
    assert full.status_code == 201
    assert full.json()["amount"] == "21.50"
    assert full.json()["order_status"] == "refunded"
    assert (stock_of(first), stock_of(second)) == (10, 10)
    listing = api(editor).get(refunds_url(paid_order)).json()
    assert [refund["amount"] for refund in listing] == ["12.50", "21.50"]


def test_a_refund_beyond_what_was_paid_is_refused(paid_order):
    editor = UserFactory(is_superuser=True, is_staff=True)
    stock_before = [stock_of(line) for line in paid_order.lines.all()]

    response = api(editor).post(refunds_url(paid_order), {"amount": "34.01"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_refund"
    assert response.json()["error"]["message"] == (
        "A refund of €34.01 is more than the €34.00 paid and not yet refunded."
    )
    assert not Refund.objects.exists()
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PAID
    assert [stock_of(line) for line in paid_order.lines.all()] == stock_before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"lines": []}, "lines"),
        ({"amount": "0"}, "amount"),
        ({"lines": [{"line_id": 1, "quantity": 0}]}, "lines.0.quantity"),
        ({"lines": [{"line_id": 999999, "quantity": 1}]}, "lines"),
    ],
)
def test_bad_refund_input_is_a_400_and_changes_nothing(paid_order, data, field):
    editor = UserFactory(is_superuser=True, is_staff=True)

    response = api(editor).post(refunds_url(paid_order), data, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Refund.objects.exists()
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PAID
    assert [stock_of(line) for line in paid_order.lines.order_by("pk")] == [8, 9]


def test_an_unpaid_order_cannot_be_refunded(order):
    editor = UserFactory(is_superuser=True, is_staff=True)

    response = api(editor).post(refunds_url(order), {}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "refund_not_allowed"
    assert not Refund.objects.exists()


def test_the_payment_endpoints_are_documented():
    generator = SchemaGenerator(patterns=[path("api/v1/", include("commerce.payments.api.urls"))])
    schema = generator.get_schema(request=None, public=True)

    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/orders/{number}/payment/"])
    assert "post" in paths["/api/v1/payments/webhooks/stripe/"]
    assert {"get", "post"} <= set(paths["/api/v1/orders/{number}/refunds/"])


def test_a_database_outage_while_the_event_is_handled_leaves_it_to_the_sweep(
    order, monkeypatch, settings
):
    """The provider took the money and its event is stored; the database failing while the
    event is handled in-process (Celery eager: no broker) is not the shopper's 500. The answer
    says the payment is being confirmed, and the periodic sweep pays the order once."""
    from django.db import OperationalError

    from commerce.payments import services
    from commerce.payments.models import PaymentEvent
    from commerce.payments.tasks import payment_events_retry

    handle = services.payment_event_handle

    def database_restarting(**kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(services, "payment_event_handle", database_restarting)

    response = api(order.user).post(
        pay_url(order), {"card_number": "4242 4242 4242 4242"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["order_status"] == "pending_payment"
    order.refresh_from_db()
    assert order.status == "pending_payment"
    [event] = PaymentEvent.objects.all()
    assert event.processed_at is None

    monkeypatch.setattr(services, "payment_event_handle", handle)
    settings.PAYMENT_EVENTS_RETRY_SECONDS = 0
    assert payment_events_retry() == 1
    order.refresh_from_db()
    assert order.status == "paid"
    assert Payment.objects.get(order=order).status == "succeeded"
