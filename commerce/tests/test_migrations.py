"""Migrations that move data: run backwards to where the rows were, then forwards over them."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from commerce.models import WishlistWatch

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_MOVE = [("outbox", "0002_wishlist_watch"), ("commerce", "0001_initial")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def test_wishlist_watch_moves_from_the_outbox_to_commerce_with_its_rows():
    executor = _migrate(BEFORE_MOVE)
    try:
        assert "outbox_wishlistwatch" in connection.introspection.table_names()
        old = executor.loader.project_state(BEFORE_MOVE).apps.get_model("outbox", "WishlistWatch")
        first = old.objects.create(product_id=41, price=Decimal("12.50"), is_in_stock=True)
        old.objects.create(product_id=42, price=Decimal("8.00"), is_in_stock=False, changes=3)
    finally:
        executor = _migrate(executor.loader.graph.leaf_nodes())

    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    tables = connection.introspection.table_names()
    assert ("commerce_wishlistwatch" in tables, "outbox_wishlistwatch" in tables) == (True, False)
    assert list(
        WishlistWatch.objects.order_by("pk").values_list(
            "pk", "product_id", "price", "is_in_stock", "changes"
        )
    ) == [
        (first.pk, 41, Decimal("12.50"), True, 0),
        (first.pk + 1, 42, Decimal("8.00"), False, 3),
    ]
    # The id sequence came along: a new row follows the moved ones.
    assert WishlistWatch.objects.create(product_id=43, price=1, is_in_stock=True).pk > first.pk + 1
