"""The periodic tasks: order expiry (two overlapping beat ticks) and the low-stock digest."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from catalog import inventory
from catalog.models import Stock
from commerce import tasks
from commerce.models import Order, OrderStatusChange
from commerce.outbox.models import OutboxMessage
from commerce.tests.factories import make_order


def _expired_orders(two_vendor_pending_order, count):
    """`count` unpaid orders past their deadline, each holding 1 of every product's stock."""
    template = two_vendor_pending_order.order
    products = [line.product for line in template.lines.all()]
    orders = []
    for _ in range(count):
        with transaction.atomic():
            order = make_order(
                user=two_vendor_pending_order.shopper,
                items=[(product, 1) for product in products],
                status="pending_payment",
            )
            inventory.stock_reserve(
                quantities={product.variants.get().pk: 1 for product in products}
            )
        orders.append(order)
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    return orders, products


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_overlapping_expiry_runs_release_stock_once(server_database, two_vendor_pending_order):
    orders, products = _expired_orders(two_vendor_pending_order, 5)
    Order.objects.filter(pk=two_vendor_pending_order.order.pk).delete()
    stock_before = dict(Stock.objects.values_list("variant__page_id", "quantity"))
    assert stock_before == {product.pk: 5 for product in products}  # 10 each, 5 reserved

    barrier = threading.Barrier(2)
    results, errors = [], []

    def beat_tick():
        try:
            barrier.wait(timeout=10)
            results.append(tasks.orders_expire.run())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat_tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(results) == 5
    assert set(Order.objects.values_list("status", flat=True)) == {"cancelled"}
    assert OrderStatusChange.objects.filter(to_status="cancelled").count() == 5
    assert dict(Stock.objects.values_list("variant__page_id", "quantity")) == {
        product.pk: 10 for product in products
    }
    # A third run finds nothing to do.
    assert tasks.orders_expire.run() == 0


@pytest.mark.django_db
def test_an_unexpired_or_paid_order_is_left_alone(two_vendor_pending_order):
    order = two_vendor_pending_order.order
    assert tasks.orders_expire.run() == 0
    Order.objects.filter(pk=order.pk).update(
        status="paid", expires_at=timezone.now() - timedelta(hours=1)
    )
    assert tasks.orders_expire.run() == 0
    order.refresh_from_db()
    assert order.status == "paid"


@pytest.mark.django_db
def test_low_stock_digest_goes_once_a_day_to_each_vendor_with_low_stock(
    two_vendor_order, eager_celery, django_capture_on_commit_callbacks, settings
):
    settings.LOW_STOCK_THRESHOLD = 3
    mug = two_vendor_order.order.lines.get(product_title="Blue Mug").variant
    inventory.stock_set(variant_id=mug.pk, quantity=2)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.low_stock_digests.run() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.low_stock_digests.run() == 0  # same day: already recorded

    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == ["alpha-goods@vendors.example.com", "owner@alpha.example.com"]
    assert digest.subject == "Low stock at Alpha Goods: 1 item(s)"
    assert f"Blue Mug, SKU {mug.sku}: 2 left" in digest.body
    assert "Plate" not in digest.body
    assert OutboxMessage.objects.get().status == "delivered"
