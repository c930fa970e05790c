"""A shopper's checkout paid through Stripe.js, in Debian's Chromium (Playwright).

The shop talks to localstripe (its Stripe.js stand-in is served at /js.stripe.com/v3/ and its
API at STRIPE_API_BASE), and localstripe delivers signed webhooks to the live test server: the
order turns paid only when that webhook is handled, as with Stripe itself.
"""

from decimal import Decimal

import pytest

from accounts.tests.factories import UserFactory
from catalog.models import Stock
from catalog.tests.factories import make_product
from commerce.models import Order
from commerce.payments.models import Payment, PaymentEvent
from commerce.payments.tests.support import wait_for
from nexus.tests.browser_steps import (
    checkout_to_new_address,
    fill_stripe_card,
    site_log_in,
)
from vendors.tests.factories import make_vendor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOPPER_PASSWORD = "correct-horse-battery"  # noqa: S105 - UserFactory's password
# localstripe accepts this card's payment method and declines the charge, as Stripe does.
DECLINED_CARD = "4000000000000341"
SUCCESS_CARD = "4242424242424242"
# Stripe.js draws the card field (Stripe's own frame in production, localstripe's inputs here):
# the shop does not render it, so the accessibility check leaves it out.
STRIPE_CARD_ELEMENT = "#card-element"


@pytest.fixture
def lantern(site_tree):
    vendor = make_vendor(name="Harbour Goods", shipping_flat_rate=Decimal("4.50"))
    return make_product(vendor=vendor, title="Storm Lantern", price="36.00", stock=5)


def test_a_declined_card_then_a_good_one_pay_the_order_through_stripe_js(
    lantern, stripe_live, live_server, browser_context, check_page
):
    base = live_server.url
    page = browser_context({"width": 1280, "height": 900})
    shopper = UserFactory(email="lantern.buyer@example.com")

    # An anonymous cart follows the shopper through the login that checkout asks for.
    page.goto(f"{base}{lantern.url}")
    check_page(page, "product")
    page.click("form.add-to-cart button[type=submit]")
    page.wait_for_url(f"{base}/cart/")
    check_page(page, "cart")
    page.click("form.cart__checkout button[type=submit]")
    page.wait_for_url(f"{base}/account/login/?next=/checkout/")
    check_page(page, "login")
    site_log_in(page, base, shopper.email, SHOPPER_PASSWORD, next_path="/checkout/")
    assert page.locator(".checkout__lines").inner_text() == "1 × Storm Lantern — €36.00"
    check_page(page, "checkout")
    number = checkout_to_new_address(page, base)
    check_page(page, "order-placed")

    order = Order.objects.get(user=shopper)
    assert (order.number, order.status, order.total) == (
        number,
        Order.Status.PENDING_PAYMENT,
        Decimal("40.50"),
    )
    assert Stock.objects.get(variant__page=lantern).quantity == 4

    # The order page leads to the Stripe payment page, where Stripe.js mounts the card field.
    page.click(".order__payment a.button")
    page.wait_for_url(f"{base}/orders/{number}/pay/")
    fill_stripe_card(page, DECLINED_CARD)
    check_page(page, "pay-with-stripe", exclude=[STRIPE_CARD_ELEMENT])
    page.click("#payment-form button[type=submit]")
    page.wait_for_url(f"{base}/orders/{number}/payment/")
    failure = page.locator(".payment__state--failed")
    assert failure.inner_text() == "The payment did not go through: Your card was declined."
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    check_page(page, "payment-declined")

    # Another card: the payment page says the last attempt failed, and the next one pays.
    page.click("a.button:has-text('Try another card')")
    page.wait_for_url(f"{base}/orders/{number}/pay/")
    assert page.locator(".payment .message--error").inner_text() == (
        "Your last attempt did not go through: Your card was declined. You can try again."
    )
    check_page(page, "pay-again", exclude=[STRIPE_CARD_ELEMENT])
    fill_stripe_card(page, SUCCESS_CARD)
    page.click("#payment-form button[type=submit]")
    page.wait_for_url(f"{base}/orders/{number}/payment/")
    # The status page refreshes itself until localstripe's webhook has been handled.
    page.wait_for_selector("[data-order-status=paid]", timeout=30_000)
    assert page.locator(".payment__state--paid").inner_text() == (
        "Thank you! Your payment of €40.50 is confirmed."
    )
    check_page(page, "payment-confirmed")

    page.click(f".payment__links a:has-text('See order {number}')")
    page.wait_for_url(f"{base}/orders/{number}/")
    assert page.locator(".order-status").inner_text() == "Paid"
    paid_step = page.locator(".order-timeline__step", has_text="Paid")
    assert paid_step.locator(".order-timeline__detail").inner_text() == "Payment received."
    check_page(page, "order-paid")

    stripe_live.wait_idle()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert list(order.payments.order_by("attempt").values_list("attempt", "status")) == [
        (1, Payment.Status.FAILED),
        (2, Payment.Status.SUCCEEDED),
    ]
    succeeded = order.payments.get(attempt=2)
    assert wait_for(
        lambda: (
            PaymentEvent.objects.filter(
                type="payment_intent.succeeded", reference=succeeded.reference
            )
            .exclude(processed_at=None)
            .exists()
        )
    )
    assert Stock.objects.get(variant__page=lantern).quantity == 4
