from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.exceptions import InsufficientStock
from catalog.models import Stock
from commerce.exceptions import (
    InvalidOrderTransition,
    InvalidShipment,
    LinesAlreadyShipped,
    OrderLineNotFound,
    OrderNotFound,
)
from commerce.models import Order, OrderStatusChange
from commerce.orders import (
    LEGAL_TRANSITIONS,
    order_cancel,
    order_lines_ship,
    order_transition,
    orders_expire,
)
from commerce.tests.conftest import stock_of
from vendors.exceptions import VendorSuspended
from vendors.models import Vendor, VendorMembership

Status = Order.Status


def test_transition_records_history_and_sets_paid_at(shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 2})

    returned = order_transition(order=order, to_status=Status.PAID, actor=None, note="Paid")

    assert returned.status == Status.PAID
    assert order.status == Status.PAID
    order.refresh_from_db()
    assert order.paid_at is not None
    history = list(order.status_changes.values_list("from_status", "to_status", "note"))
    assert history == [
        ("", Status.PENDING_PAYMENT, "Order placed."),
        (Status.PENDING_PAYMENT, Status.PAID, "Paid"),
    ]


# The moves of README's "Order statuses" table, written out: a pair added to (or removed
# from) `LEGAL_TRANSITIONS` by mistake fails here.
ALLOWED = {
    ("pending_payment", "paid"),
    ("pending_payment", "cancelled"),
    ("paid", "fulfilled"),
    ("paid", "refunded"),
    ("fulfilled", "completed"),
    ("fulfilled", "refunded"),
}


def test_only_the_listed_transitions_are_allowed(shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})
    assert set(Status.values) == {
        "pending_payment",
        "paid",
        "fulfilled",
        "completed",
        "cancelled",
        "refunded",
    }
    allowed, refused = set(), set()
    for from_status in Status.values:
        for to_status in Status.values:
            Order.objects.filter(pk=order.pk).update(status=from_status)
            order.refresh_from_db()
            changes_before = OrderStatusChange.objects.count()
            try:
                order_transition(order=order, to_status=to_status)
            except InvalidOrderTransition as error:
                assert error.status == 409
                order.refresh_from_db()
                assert order.status == from_status
                assert OrderStatusChange.objects.count() == changes_before
                refused.add((from_status, to_status))
            else:
                order.refresh_from_db()
                assert order.status == to_status
                assert OrderStatusChange.objects.count() == changes_before + 1
                allowed.add((from_status, to_status))
            if (from_status, to_status) == ("pending_payment", "cancelled"):
                # Put back the reservation the cancellation released, for the next moves.
                Stock.objects.filter(variant=shop.variants["mug"]).update(quantity=9)

    assert allowed == ALLOWED
    assert len(refused) == 36 - len(ALLOWED)
    assert ("cancelled", "paid") in refused  # only for an order flagged for review
    assert set(LEGAL_TRANSITIONS) == ALLOWED


def test_a_cancelled_order_flagged_for_review_is_reinstated_with_its_stock(
    shop, shopper, place_order
):
    mug = shop.variants["mug"]
    order = place_order(shopper, {mug: 3})
    order_cancel(order=order, actor=shopper)
    assert stock_of(mug) == 10
    Order.objects.filter(pk=order.pk).update(needs_review=True)

    order_transition(order=order, to_status=Status.PAID, note="Reinstated")

    order.refresh_from_db()
    assert order.status == Status.PAID
    assert order.paid_at is not None
    assert stock_of(mug) == 7
    assert list(order.status_changes.values_list("from_status", "to_status"))[-1] == (
        Status.CANCELLED,
        Status.PAID,
    )


def test_reinstatement_without_the_stock_changes_nothing(shop, shopper, place_order):
    lamp = shop.variants["lamp"]
    order = place_order(shopper, {lamp: 2})
    order_cancel(order=order, actor=shopper)
    place_order(shopper, {lamp: 1})  # someone else bought one meanwhile
    Order.objects.filter(pk=order.pk).update(needs_review=True)
    changes_before = order.status_changes.count()

    with pytest.raises(InsufficientStock, match="only 1 left"):
        order_transition(order=order, to_status=Status.PAID)

    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert order.paid_at is None
    assert stock_of(lamp) == 1
    assert order.status_changes.count() == changes_before


def test_unknown_status_is_refused(shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})
    with pytest.raises(InvalidOrderTransition):
        order_transition(order=order, to_status="shipped")
    order.refresh_from_db()
    assert order.status == Status.PENDING_PAYMENT


def test_cancel_releases_stock_exactly_once(shop, shopper, place_order):
    mug = shop.variants["mug"]
    order = place_order(shopper, {mug: 3, shop.variants["lamp"]: 2})
    assert stock_of(mug) == 7
    assert stock_of(shop.variants["lamp"]) == 0

    order_cancel(order=order, actor=shopper)

    assert stock_of(mug) == 10
    assert stock_of(shop.variants["lamp"]) == 2
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    change = order.status_changes.last()
    assert (change.actor, change.to_status) == (shopper, Status.CANCELLED)

    stale = Order.objects.get(pk=order.pk)
    stale.status = Status.PENDING_PAYMENT  # a second caller holding an outdated copy
    with pytest.raises(InvalidOrderTransition):
        order_transition(order=stale, to_status=Status.CANCELLED)
    with pytest.raises(InvalidOrderTransition):
        order_cancel(order=Order.objects.get(pk=order.pk), actor=shopper)
    assert stock_of(mug) == 10
    assert stock_of(shop.variants["lamp"]) == 2


def test_cancel_of_paid_order_is_refused(shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})
    order_transition(order=order, to_status=Status.PAID)
    with pytest.raises(InvalidOrderTransition):
        order_cancel(order=order, actor=shopper)
    order.refresh_from_db()
    assert order.status == Status.PAID
    assert stock_of(shop.variants["mug"]) == 9


def test_cancel_by_another_shopper_is_not_found(shop, shopper, other_shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})
    with pytest.raises(OrderNotFound):
        order_cancel(order=order, actor=other_shopper)
    order.refresh_from_db()
    assert order.status == Status.PENDING_PAYMENT
    assert stock_of(shop.variants["mug"]) == 9


def test_orders_expire_cancels_only_overdue_orders(shop, shopper, place_order):
    mug = shop.variants["mug"]
    overdue = place_order(shopper, {mug: 2}, key="a")
    fresh = place_order(shopper, {mug: 1}, key="b")
    paid = place_order(shopper, {mug: 1}, key="c")
    order_transition(order=paid, to_status=Status.PAID)
    now = timezone.now()
    Order.objects.filter(pk__in=[overdue.pk, paid.pk]).update(expires_at=now - timedelta(minutes=1))

    assert orders_expire(now=now) == 1
    assert orders_expire(now=now) == 0

    assert Order.objects.get(pk=overdue.pk).status == Status.CANCELLED
    assert Order.objects.get(pk=fresh.pk).status == Status.PENDING_PAYMENT
    assert Order.objects.get(pk=paid.pk).status == Status.PAID
    assert stock_of(mug) == 10 - 1 - 1
    note = Order.objects.get(pk=overdue.pk).status_changes.last().note
    assert note == "Payment window expired."


def test_overlapping_expiry_runs_release_stock_once(shop, shopper, place_order):
    """A second run starts after the first listed its candidates and finishes first."""
    mug = shop.variants["mug"]
    order = place_order(shopper, {mug: 4})
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(expires_at=now - timedelta(seconds=1))

    from commerce import orders as orders_module

    real_candidates = orders_module._expiry_candidates
    inner_runs = []

    def candidates_then_other_run(now):
        candidates = real_candidates(now)
        if not inner_runs:
            inner_runs.append(None)
            inner_runs[0] = orders_expire(now=now)
        return candidates

    with mock.patch.object(orders_module, "_expiry_candidates", candidates_then_other_run):
        first = orders_expire(now=now)

    assert inner_runs == [1]
    assert first == 0
    assert stock_of(mug) == 10
    cancellations = Order.objects.get(pk=order.pk).status_changes.filter(to_status=Status.CANCELLED)
    assert cancellations.count() == 1


def _paid_order(shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1, shop.variants["lamp"]: 1})
    order_transition(order=order, to_status=Status.PAID)
    return order


def test_ship_lines_of_one_vendor_then_all_fulfils(shop, shopper, place_order):
    order = _paid_order(shop, shopper, place_order)
    line_a = order.lines.get(vendor=shop.vendor_a)
    line_b = order.lines.get(vendor=shop.vendor_b)

    with mock.patch("commerce.notifications.notify_lines_shipped") as notify:
        shipped = order_lines_ship(
            order_line_ids=[line_a.pk],
            vendor=shop.vendor_a,
            carrier="DHL",
            tracking_number="TRACK1",
            actor=_member_of(shop.vendor_a),
        )
    assert [line.pk for line in shipped] == [line_a.pk]
    line_a.refresh_from_db()
    assert (line_a.carrier, line_a.tracking_number) == ("DHL", "TRACK1")
    assert line_a.shipped_at is not None
    order.refresh_from_db()
    assert order.status == Status.PAID
    notify.assert_called_once()
    assert notify.call_args.kwargs["order"].pk == order.pk
    assert [line.pk for line in notify.call_args.kwargs["lines"]] == [line_a.pk]

    with mock.patch("commerce.notifications.notify_lines_shipped"):
        order_lines_ship(
            order_line_ids=[line_b.pk],
            vendor=shop.vendor_b,
            carrier="UPS",
            tracking_number="",
            actor=None,
        )
    order.refresh_from_db()
    assert order.status == Status.FULFILLED
    assert order.status_changes.last().to_status == Status.FULFILLED


def _member_of(vendor):
    member = UserFactory()
    VendorMembership.objects.create(user=member, vendor=vendor)
    return member


@pytest.mark.parametrize(
    ("is_paid", "line_of", "carrier", "tracking_number", "actor", "error"),
    [
        pytest.param(
            True, "vendor_b", "DHL", "1", None, OrderLineNotFound, id="other-vendors-line"
        ),
        pytest.param(
            False, "vendor_a", "DHL", "1", None, InvalidOrderTransition, id="unpaid-order"
        ),
        pytest.param(False, None, "DHL", "", None, InvalidShipment, id="no-lines"),
        pytest.param(False, "vendor_a", " ", "", None, InvalidShipment, id="blank-carrier"),
        pytest.param(
            True, "vendor_a", "DHL", "1", "shopper", OrderLineNotFound, id="actor-not-a-member"
        ),
        pytest.param(
            True, "vendor_a", "DHL", "1", "vendor_b", OrderLineNotFound, id="actor-of-another"
        ),
        pytest.param(
            True, "vendor_a", "DHL", "1", "suspended", VendorSuspended, id="vendor-suspended"
        ),
    ],
)
def test_ship_is_refused_and_changes_nothing(
    shop, shopper, place_order, is_paid, line_of, carrier, tracking_number, actor, error
):
    """Vendor A ships the line of `line_of` (or no line at all), as `actor`: the system
    (None), the shopper, a member of vendor B, or a member of vendor A once suspended."""
    order = place_order(shopper, {shop.variants["mug"]: 1, shop.variants["lamp"]: 1})
    if is_paid:
        order_transition(order=order, to_status=Status.PAID)
    line_ids = [order.lines.get(vendor=getattr(shop, line_of)).pk] if line_of else []
    if actor == "shopper":
        actor = shopper
    elif actor == "vendor_b":
        actor = _member_of(shop.vendor_b)
    elif actor == "suspended":
        actor = _member_of(shop.vendor_a)
        Vendor.objects.filter(pk=shop.vendor_a.pk).update(status=Vendor.Status.SUSPENDED)
        shop.vendor_a.refresh_from_db()

    with pytest.raises(error):
        order_lines_ship(
            order_line_ids=line_ids,
            vendor=shop.vendor_a,
            carrier=carrier,
            tracking_number=tracking_number,
            actor=actor,
        )

    assert list(order.lines.values_list("shipped_at", "carrier", "tracking_number")) == [
        (None, "", ""),
        (None, "", ""),
    ]
    order.refresh_from_db()
    assert order.status == (Status.PAID if is_paid else Status.PENDING_PAYMENT)


def test_ship_refuses_lines_already_shipped(shop, shopper, place_order):
    order = place_order(shopper, {shop.variants["mug"]: 1})
    line = order.lines.get()
    order_transition(order=order, to_status=Status.PAID)
    order_lines_ship(
        order_line_ids=[line.pk],
        vendor=shop.vendor_a,
        carrier="DHL",
        tracking_number="1",
        actor=None,
    )
    with pytest.raises(LinesAlreadyShipped):
        order_lines_ship(
            order_line_ids=[line.pk],
            vendor=shop.vendor_a,
            carrier="UPS",
            tracking_number="2",
            actor=None,
        )
    line.refresh_from_db()
    assert (line.carrier, line.tracking_number) == ("DHL", "1")
