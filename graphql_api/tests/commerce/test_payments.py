"""paymentStart through GraphQL with both providers.

Stripe: against localstripe, the order turns paid only when localstripe's signed webhook
reaches the live test server. Dummy: every refusal carries the code, message and field that
POST /api/v1/orders/{number}/payment/ answers in the same situation, and records nothing.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.payments.models import Payment, PaymentEvent
from commerce.payments.tests.support import (
    localstripe_authenticate,
    stripe_payment_method,
    wait_for,
)
from graphql_api.tests.conftest import data_of

PAY = """mutation($number: String!, $card: String, $method: String) {
  paymentStart(orderNumber: $number, cardNumber: $card, paymentMethod: $method) {
    payment { orderNumber orderStatus isPayable requiresAction total currency
      payment { attempt provider status amount currency clientSecret failureCode } }
    errors { code message field } } }"""
ORDER_PAYMENT = """query($number: String!) { order(number: $number) { status
  payment { orderStatus isPayable requiresAction payment { provider status clientSecret } } } }"""
THREE_D_SECURE_CARD = "4000002500003155"
LOCALSTRIPE_DECLINED_CARD = "4000000000000341"  # localstripe declines it when charging


def _pay(gql, order, user, **method):
    variables = {"number": order.number, "card": method.get("card"), "method": method.get("pm")}
    return data_of(gql(PAY, variables, user=user))["paymentStart"]


def _order_status(order) -> str:
    return Order.objects.get(pk=order.pk).status


# --- Stripe, against localstripe and its signed webhooks -------------------------------------


@pytest.fixture
def stripe_order(shop, shopper, place_order, stripe_live):
    return place_order(shopper, {shop.variants["mug"]: 1})


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stripe_payment_started_over_graphql_is_paid_by_the_signed_webhook(
    gql, stripe_order, shopper, stripe_live
):
    payload = _pay(gql, stripe_order, shopper, pm=stripe_payment_method("4242424242424242"))

    assert payload["errors"] == []
    started = payload["payment"]
    assert (started["orderNumber"], started["total"], started["currency"]) == (
        stripe_order.number,
        "16.50",
        "EUR",
    )
    assert started["requiresAction"] is False
    assert started["payment"]["provider"] == "stripe"
    assert (started["payment"]["attempt"], started["payment"]["amount"]) == (1, "16.50")
    assert started["payment"]["clientSecret"] is None
    # Paid by the webhook localstripe signs and posts to the live server, not by the answer.
    assert wait_for(lambda: _order_status(stripe_order) == Order.Status.PAID)
    stripe_live.wait_idle()
    payment = Payment.objects.get(order=stripe_order)
    assert payment.reference.startswith("pi_")
    assert (
        PaymentEvent.objects.filter(
            payment=payment, type="payment_intent.succeeded", processed_at__isnull=False
        ).count()
        == 1
    )
    read = data_of(gql(ORDER_PAYMENT, {"number": stripe_order.number}, user=shopper))["order"]
    assert read == {
        "status": "PAID",
        "payment": {
            "orderStatus": "PAID",
            "isPayable": False,
            "requiresAction": False,
            "payment": {"provider": "stripe", "status": "succeeded", "clientSecret": None},
        },
    }


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_3d_secure_over_graphql_hands_out_the_client_secret_then_the_webhook_pays(
    gql, stripe_order, shopper, stripe_live
):
    payload = _pay(gql, stripe_order, shopper, pm=stripe_payment_method(THREE_D_SECURE_CARD))

    assert payload["errors"] == []
    assert payload["payment"]["requiresAction"] is True
    assert payload["payment"]["orderStatus"] == "PENDING_PAYMENT"
    secret = payload["payment"]["payment"]["clientSecret"]
    assert secret.startswith("pi_")
    assert payload["payment"]["payment"]["status"] == "requires_action"
    assert _order_status(stripe_order) == Order.Status.PENDING_PAYMENT

    intent = localstripe_authenticate(stripe_live.url, secret, success=True)

    assert intent["status"] == "succeeded"
    assert wait_for(lambda: _order_status(stripe_order) == Order.Status.PAID)
    stripe_live.wait_idle()
    assert Payment.objects.get(order=stripe_order).status == Payment.Status.SUCCEEDED


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_card_stripe_declines_leaves_the_order_payable(gql, stripe_order, shopper, stripe_live):
    payload = _pay(gql, stripe_order, shopper, pm=stripe_payment_method(LOCALSTRIPE_DECLINED_CARD))
    stripe_live.wait_idle()

    assert payload["errors"] == []
    assert payload["payment"]["payment"]["status"] == "failed"
    assert payload["payment"]["payment"]["failureCode"] == "card_declined"
    assert payload["payment"]["isPayable"] is True
    assert _order_status(stripe_order) == Order.Status.PENDING_PAYMENT


# --- The same refusals as the DRF API --------------------------------------------------------


def _drf_error(user, order, data) -> tuple[int, dict]:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    response = client.post(f"/api/v1/orders/{order.number}/payment/", data, format="json")
    return response.status_code, response.json()["error"]


def _as_drf(variables: dict) -> dict:
    names = {"card": "card_number", "method": "payment_method"}
    return {names[key]: value for key, value in variables.items() if value is not None}


def _drf_field(error: dict) -> str | None:
    fields = list(error.get("fields", {}))
    return None if fields in ([], ["non_field_errors"]) else fields[0]


ORDER_CHANGES = {
    "paid": {"status": Order.Status.PAID},
    "cancelled": {"status": Order.Status.CANCELLED},
    "expired": {"expires_at": timezone.now() - timedelta(minutes=1)},
    "under review": {"needs_review": True},
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "change", "variables", "code", "status"),
    [
        ("owner", None, {}, "invalid", 400),
        ("owner", None, {"card": "4242424242424242", "method": "pm_x"}, "invalid", 400),
        ("owner", None, {"card": "1234 5678"}, "invalid_payment_method", 400),
        ("owner", None, {"card": "4" * 31}, "invalid", 400),
        ("owner", "paid", {"card": "4242424242424242"}, "order_not_payable", 409),
        ("owner", "cancelled", {"card": "4242424242424242"}, "order_not_payable", 409),
        ("owner", "expired", {"card": "4242424242424242"}, "order_not_payable", 409),
        ("owner", "under review", {"card": "4242424242424242"}, "order_not_payable", 409),
        ("stranger", None, {"card": "4242424242424242"}, "order_not_found", 404),
    ],
)
def test_refused_payments_answer_as_the_drf_api_and_record_nothing(
    gql, shop, shopper, place_order, who, change, variables, code, status
):
    order = place_order(shopper, {shop.variants["mug"]: 1})
    if change is not None:
        Order.objects.filter(pk=order.pk).update(**ORDER_CHANGES[change])
    before = _order_status(order)
    user = shopper if who == "owner" else UserFactory()

    payload = _pay(gql, order, user, card=variables.get("card"), pm=variables.get("method"))
    drf_status, drf_error = _drf_error(user, order, _as_drf(variables))

    assert payload["payment"] is None
    [error] = payload["errors"]
    assert (drf_status, drf_error["code"]) == (status, code)
    assert error == {
        "code": drf_error["code"],
        "message": drf_error["message"],
        "field": _drf_field(drf_error),
    }
    assert not Payment.objects.exists()
    assert _order_status(order) == before


@pytest.mark.django_db
def test_anonymous_payment_is_refused_as_on_the_drf_api(gql, shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})

    payload = _pay(gql, order, None, card="4242424242424242")
    drf_status, drf_error = _drf_error(None, order, {"card_number": "4242424242424242"})

    assert (drf_status, drf_error["code"]) == (401, "not_authenticated")
    assert [error["code"] for error in payload["errors"]] == ["not_authenticated"]
    assert not Payment.objects.exists()
    assert _order_status(order) == Order.Status.PENDING_PAYMENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("card", "failure"),
    [("4000000000000002", "card_declined"), ("4000000000009995", "insufficient_funds")],
)
def test_a_declined_dummy_card_is_a_failed_attempt_not_an_error(
    gql, shop, shopper, place_order, card, failure
):
    order = place_order(shopper, {shop.variants["mug"]: 1})

    payload = _pay(gql, order, shopper, card=card)

    assert payload["errors"] == []
    assert payload["payment"]["payment"]["status"] == "failed"
    assert payload["payment"]["payment"]["failureCode"] == failure
    assert payload["payment"]["isPayable"] is True
    assert _order_status(order) == Order.Status.PENDING_PAYMENT


@pytest.mark.django_db
def test_an_unreachable_stripe_is_a_typed_error_and_the_retry_reuses_the_attempt(
    gql, shop, shopper, place_order, stripe_settings
):
    stripe_settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    order = place_order(shopper, {shop.variants["mug"]: 1})

    first = _pay(gql, order, shopper, pm="pm_card_visa")
    second = _pay(gql, order, shopper, pm="pm_card_visa")
    drf_status, drf_error = _drf_error(shopper, order, {"payment_method": "pm_card_visa"})

    assert drf_status == 503
    for payload in (first, second):
        assert payload["payment"] is None
        assert [(e["code"], e["message"]) for e in payload["errors"]] == [
            (drf_error["code"], drf_error["message"])
        ]
    assert drf_error["code"] == "payment_provider_unavailable"
    payment = Payment.objects.get(order=order)  # one attempt: the same idempotency key each time
    assert (payment.attempt, payment.status) == (1, Payment.Status.CREATED)
    assert _order_status(order) == Order.Status.PENDING_PAYMENT


@pytest.mark.django_db
def test_a_card_number_is_refused_while_stripe_is_the_provider(
    gql, shop, shopper, place_order, stripe_settings
):
    order = place_order(shopper, {shop.variants["mug"]: 1})

    payload = _pay(gql, order, shopper, card="4242424242424242")
    drf_status, drf_error = _drf_error(shopper, order, {"card_number": "4242424242424242"})

    assert (drf_status, drf_error["code"]) == (400, "invalid_payment_method")
    assert payload["errors"] == [
        {
            "code": "invalid_payment_method",
            "message": drf_error["message"],
            "field": "payment_method",
        }
    ]
    assert not Payment.objects.exists()
