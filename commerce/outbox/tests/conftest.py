"""Fixtures of the outbox and notification tests: paid orders (Celery runs in-process with the
project-wide `eager_celery`)."""

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import make_product
from commerce.tests.factories import make_order
from vendors.tests.factories import make_vendor


@pytest.fixture
def two_vendor_order(site_tree):
    """A paid order with two lines from vendor A (one of whose owners is a user) and one from
    vendor B."""
    from vendors.models import VendorMembership

    vendor_a = make_vendor(name="Alpha Goods")
    vendor_b = make_vendor(name="Beta Wares")
    owner = UserFactory(email="owner@alpha.example.com")
    VendorMembership.objects.create(user=owner, vendor=vendor_a, role="owner")
    staff = UserFactory(email="staff@alpha.example.com")
    VendorMembership.objects.create(user=staff, vendor=vendor_a, role="staff")
    shopper = UserFactory(email="shopper@example.com")
    mug = make_product(vendor=vendor_a, title="Blue Mug", price="12.50")
    plate = make_product(vendor=vendor_a, title="Plate", price="8.00")
    lamp = make_product(vendor=vendor_b, title="Desk Lamp", price="40.00")
    order = make_order(user=shopper, items=[(mug, 2), (plate, 1), (lamp, 1)])
    return type(
        "TwoVendorOrder",
        (),
        {"order": order, "vendor_a": vendor_a, "vendor_b": vendor_b, "shopper": shopper},
    )


@pytest.fixture
def two_vendor_pending_order(two_vendor_order):
    """The same order, still awaiting payment."""
    from commerce.models import Order

    Order.objects.filter(pk=two_vendor_order.order.pk).update(
        status="pending_payment", paid_at=None
    )
    two_vendor_order.order.refresh_from_db()
    return two_vendor_order
