"""Fixtures of the outbox and notification tests: paid orders and Celery run in-process."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from catalog.tests.factories import make_product
from vendors.tests.factories import make_vendor


@pytest.fixture
def eager_celery():
    """Tasks run in the test process even when a broker is configured (the worker tests
    start their own worker)."""
    from nexus.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


def make_order(*, user, items, status="paid"):
    """An order with one line per (product, quantity) in `items`, built directly (the
    checkout is not under test here)."""
    from commerce.models import Order, OrderLine

    subtotal = sum((product.price * quantity for product, quantity in items), Decimal("0"))
    order = Order.objects.create(
        user=user,
        email=user.email,
        status=status,
        currency="EUR",
        subtotal=subtotal,
        shipping_total=Decimal("0.00"),
        total=subtotal,
        shipping_name="Ada Lovelace",
        shipping_line1="1 Analytical Street",
        shipping_city="London",
        shipping_postal_code="N1 1AA",
        shipping_country="GB",
        paid_at=timezone.now() if status == "paid" else None,
        expires_at=timezone.now() + timezone.timedelta(minutes=30),
    )
    for product, quantity in items:
        variant = product.variants.first()
        OrderLine.objects.create(
            order=order,
            variant=variant,
            product=product,
            vendor=product.vendor,
            vendor_name=product.vendor.name,
            product_title=product.title,
            variant_label=variant.label,
            sku=variant.sku,
            unit_price=product.price,
            quantity=quantity,
            line_total=product.price * quantity,
        )
    return order


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
