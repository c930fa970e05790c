"""The site's payment page, payment status page and the admin refund screen."""

import json

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.payments.models import Payment, Refund
from commerce.payments.tests.support import stock_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(reserved_order, dummy_settings):
    return reserved_order


def pay_url(order) -> str:
    return reverse("payments:pay", args=[order.number])


def status_url(order) -> str:
    return reverse("payments:status", args=[order.number])


def test_the_dummy_payment_page_offers_the_test_cards(client, order):
    client.force_login(order.user)

    response = client.get(pay_url(order))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pay order " + order.number in html
    assert 'name="card_number"' in html
    assert "4242 4242 4242 4242" in html
    assert "js.stripe.com" not in html


def test_paying_with_the_success_card_shows_the_confirmed_status(
    client, order, django_capture_on_commit_callbacks
):
    client.force_login(order.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pay_url(order), {"card_number": "4242424242424242"})

    assert response.status_code == 302
    assert response["Location"] == status_url(order)
    page = client.get(status_url(order))
    html = page.content.decode()
    assert 'data-order-status="paid"' in html
    assert "Thank you! Your payment of €34.00 is confirmed." in html
    assert 'http-equiv="refresh"' not in html
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert client.get(pay_url(order))["Location"] == status_url(order)  # nothing left to pay


def test_a_declined_card_shows_the_failure_and_offers_another_try(
    client, order, django_capture_on_commit_callbacks
):
    client.force_login(order.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(pay_url(order), {"card_number": "4000 0000 0000 9995"})
    html = client.get(status_url(order)).content.decode()

    assert "The payment did not go through: Your card has insufficient funds." in html
    assert f'href="{pay_url(order)}"' in html
    assert client.get(pay_url(order)).status_code == 200


def test_a_card_that_is_not_a_test_card_is_refused_with_a_message(client, order):
    client.force_login(order.user)

    response = client.post(pay_url(order), {"card_number": "5555 5555 5555 4444"})

    assert response.status_code == 400
    assert "accepts Stripe&#x27;s test cards only" in response.content.decode()
    assert not Payment.objects.exists()


def test_the_status_page_refreshes_until_the_provider_confirms(client, order):
    Payment.objects.create(
        order=order,
        provider="stripe",
        attempt=1,
        reference="pi_waiting",
        status=Payment.Status.PROCESSING,
        amount=order.total,
        currency="EUR",
    )
    client.force_login(order.user)

    html = client.get(status_url(order)).content.decode()

    assert '<meta http-equiv="refresh" content="3">' in html
    assert "waiting for confirmation" in html


def test_payment_pages_belong_to_the_orders_shopper(client, order):
    assert client.get(pay_url(order))["Location"].startswith(reverse("accounts:login"))
    client.force_login(UserFactory())

    assert client.get(pay_url(order)).status_code == 404
    assert client.get(status_url(order)).status_code == 404
    assert client.post(pay_url(order), {"card_number": "4242424242424242"}).status_code == 404
    assert not Payment.objects.exists()


def test_the_stripe_page_loads_stripe_js_from_the_api_base(client, order, stripe_settings):
    stripe_settings.STRIPE_API_BASE = "http://127.0.0.1:8420"
    client.force_login(order.user)

    html = client.get(pay_url(order)).content.decode()

    assert '<script src="http://127.0.0.1:8420/js.stripe.com/v3/"></script>' in html
    assert '"publishable_key": "pk_test_nexus"' in html
    assert 'id="card-element"' in html
    assert "js/payments-stripe.js" in html


def test_stripe_js_can_be_loaded_from_another_address(client, order, stripe_settings):
    stripe_settings.STRIPE_API_BASE = "http://localstripe:8420"
    stripe_settings.STRIPE_JS_URL = "http://localhost:8420/js.stripe.com/v3/"
    client.force_login(order.user)

    html = client.get(pay_url(order)).content.decode()

    assert '<script src="http://localhost:8420/js.stripe.com/v3/"></script>' in html


def test_the_localstripe_command_needs_stripe_settings(stripe_settings):
    from django.core.management import CommandError, call_command

    stripe_settings.STRIPE_API_BASE = ""

    with pytest.raises(CommandError, match="Set STRIPE_API_BASE"):
        call_command("localstripe_webhook")


def test_the_stripe_page_answers_json_errors(client, order, stripe_settings):
    client.force_login(order.user)

    response = client.post(
        pay_url(order), data=json.dumps({"payment_method": "4242"}), content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_payment_method"
    assert not Payment.objects.exists()


# --- Wagtail admin ---------------------------------------------------------------------------


@pytest.fixture
def paid_order(order, django_capture_on_commit_callbacks, client):
    client.force_login(order.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(pay_url(order), {"card_number": "4242424242424242"})
    client.logout()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def test_staff_refund_lines_from_the_wagtail_admin(
    client, paid_order, django_capture_on_commit_callbacks
):
    editor = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(editor)
    first, second = paid_order.lines.order_by("pk")
    url = reverse("payments_admin:order_refund", args=[paid_order.number])

    listing = client.get(reverse("payments_admin:refundable_orders"))
    assert listing.status_code == 200
    assert paid_order.number in listing.content.decode()
    assert client.get(url).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {f"quantity-{first.pk}": "2", f"quantity-{second.pk}": "0"})

    assert response.status_code == 302
    refund = Refund.objects.get()
    assert refund.amount == 25
    assert (stock_of(first), stock_of(second)) == (10, 9)
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PAID

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"full": "1"}, follow=True)
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REFUNDED
    assert (stock_of(first), stock_of(second)) == (10, 10)
    assert f"Refunded €9.00 on order {paid_order.number}" in page.content.decode()
    assert list(Refund.objects.values_list("amount", flat=True)) == [25, 9]


def test_the_admin_refund_screen_is_for_editors_only(client, paid_order):
    vendor_staff = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    vendor_staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(vendor_staff)
    url = reverse("payments_admin:order_refund", args=[paid_order.number])

    # Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard.
    assert client.get(url)["Location"] == reverse("wagtailadmin_home")
    assert client.post(url, {"full": "1"})["Location"] == reverse("wagtailadmin_home")
    assert not Refund.objects.exists()
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PAID
