"""The Stripe checkout page against localstripe: 3-D Secure on the server side, and the page in
Chromium with localstripe's stand-in Stripe.js (the same page real Stripe.js drives)."""

import json

import pytest
from django.urls import reverse

from commerce.models import Order
from commerce.payments.models import Payment
from commerce.payments.tests.support import (
    localstripe_authenticate,
    make_reserved_order,
    stripe_payment_method,
    wait_for,
)

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

THREE_D_SECURE_CARD = "4000002500003155"


@pytest.fixture
def order(site_tree, stripe_live):
    return make_reserved_order()


def _post_payment_method(client, order, payment_method: str):
    return client.post(
        reverse("payments:pay", args=[order.number]),
        data=json.dumps({"payment_method": payment_method}),
        content_type="application/json",
    )


def test_a_card_needing_3d_secure_gets_the_client_secret_then_pays(
    client, order, stripe_live, paid_notifications
):
    client.force_login(order.user)

    response = _post_payment_method(client, order, stripe_payment_method(THREE_D_SECURE_CARD))

    assert response.status_code == 201
    body = response.json()
    assert body["requires_action"] is True
    assert body["client_secret"].startswith("pi_")
    assert body["status_url"] == reverse("payments:status", args=[order.number])
    payment = Payment.objects.get(order=order)
    assert payment.status == Payment.Status.REQUIRES_ACTION
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT

    intent = localstripe_authenticate(stripe_live.url, body["client_secret"], success=True)

    assert intent["status"] == "succeeded"
    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.PAID)
    stripe_live.wait_idle()
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.client_secret == ""
    assert paid_notifications["paid"] == [order.pk]


def test_failed_3d_secure_leaves_the_order_payable_with_a_new_attempt(client, order, stripe_live):
    client.force_login(order.user)
    body = _post_payment_method(client, order, stripe_payment_method(THREE_D_SECURE_CARD)).json()

    localstripe_authenticate(stripe_live.url, body["client_secret"], success=False)
    retry = _post_payment_method(client, order, stripe_payment_method("4242424242424242"))

    assert retry.status_code == 201
    assert retry.json()["requires_action"] is False
    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.PAID)
    stripe_live.wait_idle()
    assert list(order.payments.order_by("attempt").values_list("attempt", "status")) == [
        (1, "requires_action"),
        (2, "succeeded"),
    ]


# --- In the browser ---------------------------------------------------------------------------


def _logged_in_page(browser, client, live_server, user):
    client.force_login(user)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


def _fill_card(page, number: str):
    # localstripe's Card Element: plain inputs named by their placeholder.
    page.fill("#card-element input[placeholder=number]", number)
    page.fill("#card-element input[placeholder=exp_month]", "12")
    page.fill("#card-element input[placeholder=exp_year]", "34")
    page.fill("#card-element input[placeholder=cvc]", "123")
    page.fill("#card-element input[placeholder=postal_code]", "42424")


@pytest.mark.browser
@pytest.mark.parametrize("card", ["4242424242424242", THREE_D_SECURE_CARD])
def test_the_stripe_checkout_page_pays_in_the_browser(
    chromium_browser, client, live_server, stripe_live, order, card
):
    page = _logged_in_page(chromium_browser, client, live_server, order.user)
    page.goto(f"{live_server.url}{reverse('payments:pay', args=[order.number])}")
    page.wait_for_selector("#card-element input[placeholder=number]")

    _fill_card(page, card)
    page.click("#payment-form button[type=submit]")
    if card == THREE_D_SECURE_CARD:
        page.click("text=Complete authentication")

    page.wait_for_url(f"**{reverse('payments:status', args=[order.number])}", timeout=15_000)
    # The status page refreshes itself until the webhook has landed.
    page.wait_for_selector("[data-order-status=paid]", timeout=30_000)
    assert "Thank you! Your payment of €34.00 is confirmed." in page.content()
    stripe_live.wait_idle()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payments.get().status == Payment.Status.SUCCEEDED


@pytest.mark.browser
def test_a_declined_card_in_the_browser_shows_the_failure(
    chromium_browser, client, live_server, stripe_live, order
):
    page = _logged_in_page(chromium_browser, client, live_server, order.user)
    page.goto(f"{live_server.url}{reverse('payments:pay', args=[order.number])}")
    page.wait_for_selector("#card-element input[placeholder=number]")

    _fill_card(page, "4000000000000341")  # localstripe declines this card when charging
    page.click("#payment-form button[type=submit]")

    page.wait_for_url(f"**{reverse('payments:status', args=[order.number])}", timeout=15_000)
    page.wait_for_selector("text=The payment did not go through", timeout=30_000)
    stripe_live.wait_idle()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_the_management_command_points_localstripe_at_the_shop(order, live_server, stripe_live):
    from io import StringIO

    from django.core.management import call_command

    from commerce.payments import services
    from commerce.payments.base import PaymentMethodInput

    output = StringIO()
    call_command("localstripe_webhook", site_url=live_server.url, stdout=output)
    services.payment_start(
        order=order,
        user=order.user,
        method=PaymentMethodInput(payment_method_id=stripe_payment_method("4242424242424242")),
    )

    assert output.getvalue().strip() == (
        f"localstripe delivers webhooks to {live_server.url}/api/v1/payments/webhooks/stripe/"
    )
    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == Order.Status.PAID)
    stripe_live.wait_idle()
