"""The order page's timeline: each step with the time the services recorded it."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from commerce.models import Order
from commerce.order_timeline import OrderStep, order_timeline
from commerce.orders import order_cancel, order_lines_ship, order_transition
from commerce.payments.dummy import DummyProvider
from commerce.payments.services import payment_refund

Status = Order.Status
PLACED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Clock:
    """`django.utils.timezone.now` as the test sets it, so recorded times are exact."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta) -> datetime:
        self.at = PLACED + timedelta(**delta)
        return self.at


@pytest.fixture
def clock():
    clock = Clock(PLACED)
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


def _steps(order) -> list[tuple]:
    order = Order.objects.prefetch_related("lines", "status_changes").get(pk=order.pk)
    return [(step.title, step.at, step.detail) for step in order_timeline(order=order)]


def _ship(order, vendor, carrier="DHL", tracking="JD014"):
    lines = order.lines.filter(vendor=vendor).values_list("pk", flat=True)
    order_lines_ship(
        order_line_ids=lines, vendor=vendor, carrier=carrier, tracking_number=tracking, actor=None
    )


def test_a_new_order_shows_it_was_placed_and_what_is_still_to_come(
    clock, shop, shopper, place_order
):
    order = place_order(shopper, {shop.variants["mug"]: 1, shop.variants["lamp"]: 1})

    assert _steps(order) == [
        ("Placed", PLACED, ""),
        ("Paid", None, "Waiting for your payment."),
        ("Shipped by Acme Goods", None, ""),
        ("Shipped by Bright Lights", None, ""),
    ]


def test_paid_then_each_vendor_ships_at_its_own_time(clock, shop, shopper, place_order):
    order = place_order(
        shopper, {shop.variants["mug"]: 2, shop.variants["shirt_m"]: 1, shop.variants["lamp"]: 1}
    )
    paid_at = clock.move(minutes=5)
    order_transition(order=order, to_status=Status.PAID, note="Payment received.")
    acme_at = clock.move(days=1)
    _ship(order, shop.vendor_a)

    assert _steps(order) == [
        ("Placed", PLACED, ""),
        ("Paid", paid_at, "Payment received."),
        ("Shipped by Acme Goods", acme_at, "Mug, Shirt (M) with DHL, tracking JD014."),
        ("Shipped by Bright Lights", None, ""),
    ]

    bright_at = clock.move(days=2, hours=3)
    _ship(order, shop.vendor_b, carrier="UPS", tracking="")

    assert _steps(order) == [
        ("Placed", PLACED, ""),
        ("Paid", paid_at, "Payment received."),
        ("Shipped by Acme Goods", acme_at, "Mug, Shirt (M) with DHL, tracking JD014."),
        ("Shipped by Bright Lights", bright_at, "Lamp with UPS."),
        ("Every item shipped", bright_at, "Every line shipped."),
    ]


def test_a_cancelled_order_ends_with_its_cancellation(clock, shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["lamp"]: 1})
    cancelled_at = clock.move(minutes=12)
    order_cancel(order=order, actor=shopper)

    assert _steps(order) == [
        ("Placed", PLACED, ""),
        ("Cancelled", cancelled_at, "Cancelled by the shopper."),
    ]


def test_refunds_show_their_amounts_and_a_full_refund_ends_the_order(
    clock,
    settings,
    client,
    shop,
    shopper,
    place_order,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    settings.PAYMENT_PROVIDER = "dummy"
    settings.STRIPE_SECRET_KEY = ""
    order = place_order(shopper, {shop.variants["mug"]: 2, shop.variants["lamp"]: 1})
    paid_at = clock.move(minutes=3)
    client.force_login(shopper)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("payments:pay", args=[order.number]), {"card_number": "4242424242424242"}
        )
    order.refresh_from_db()
    assert order.status == Status.PAID
    editor = UserFactory(is_staff=True, is_superuser=True)
    mug_line = order.lines.get(sku=shop.variants["mug"].sku)
    # The provider answers a minute after it is asked: a refund's step is when it settled.
    answers_at = [{"hours": 2, "minutes": 1}, {"hours": 5, "minutes": 1}]
    original = DummyProvider.refund

    def slow_refund(provider, request):
        clock.move(**answers_at.pop(0))
        return original(provider, request)

    with mock.patch.object(DummyProvider, "refund", slow_refund):
        asked_at = clock.move(hours=2)
        with django_capture_on_commit_callbacks(execute=True):
            partial = payment_refund(order=order, actor=editor, lines={mug_line.pk: 1})
        clock.move(hours=5)
        with django_capture_on_commit_callbacks(execute=True):
            payment_refund(order=order, actor=editor)
    partly_at = PLACED + timedelta(hours=2, minutes=1)
    fully_at = PLACED + timedelta(hours=5, minutes=1)
    assert (partial.created_at, partial.settled_at) == (asked_at, partly_at)

    steps = _steps(order)
    assert [step[:2] for step in steps] == [
        ("Placed", PLACED),
        ("Paid", paid_at),
        ("Refund of €12.00", partly_at),
        ("Refund of €46.50", fully_at),
        ("Refunded in full", fully_at),
    ]
    assert steps[-1][2] == ""


def test_the_order_page_lists_the_steps_in_an_ordered_list_with_machine_readable_times(
    clock, client, shop, shopper, place_order
):
    order = place_order(shopper, {shop.variants["lamp"]: 1})
    paid_at = clock.move(minutes=5)
    order_transition(order=order, to_status=Status.PAID, note="Payment received.")
    client.force_login(shopper)

    html = client.get(f"/orders/{order.number}/").content.decode()

    timeline = re.search(r'<ol class="order-timeline"[^>]*>(.*?)</ol>', html, re.S).group(1)
    items = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
        for item in re.findall(r"<li[^>]*>(.*?)</li>", timeline, re.S)
    ]
    assert items == [
        "Placed 2 Mar 2026, 10:00",
        "Paid 2 Mar 2026, 10:05 Payment received.",
        "Shipped by Bright Lights Not yet",
    ]
    assert f'<time datetime="{PLACED.isoformat()}">' in timeline
    assert f'<time datetime="{paid_at.isoformat()}">' in timeline
    assert 'aria-labelledby="order-timeline"' in html
    assert '<h2 id="order-timeline">Timeline</h2>' in html


def test_steps_say_whether_they_are_done():
    assert OrderStep("Placed", PLACED).is_done
    assert not OrderStep("Paid", None).is_done
