"""Payment migrations that fill data: run backwards to where the rows were, then forwards."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commerce.payments.models import Refund
from commerce.payments.tests.support import make_reserved_order

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_SETTLED_AT = [("payments", "0003_refund_status")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def test_refunds_settled_before_settled_at_existed_take_their_creation_time(site_tree):
    order = make_reserved_order(status="paid")
    payment = order.payments.create(
        provider="dummy", attempt=1, amount=order.total, currency="EUR", status="succeeded"
    )
    executor = _migrate(BEFORE_SETTLED_AT)
    try:
        old = executor.loader.project_state(BEFORE_SETTLED_AT).apps.get_model("payments", "Refund")
        for number, status in enumerate(("succeeded", "failed", "pending"), start=1):
            old.objects.create(
                payment_id=payment.pk,
                order_id=order.pk,
                number=number,
                amount=Decimal("1.00"),
                currency="EUR",
                status=status,
            )
    finally:
        executor = _migrate(executor.loader.graph.leaf_nodes())

    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    rows = Refund.objects.order_by("number")
    assert [(refund.status, refund.settled_at == refund.created_at) for refund in rows] == [
        ("succeeded", True),
        ("failed", True),
        ("pending", False),
    ]
    assert rows.get(status="pending").settled_at is None
