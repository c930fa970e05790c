"""The database itself refuses negative stock, whatever code tries (PostgreSQL, and MariaDB,
which enforces CHECK constraints since 10.2)."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from catalog.models import ProductVariant, Stock
from catalog.tests.factories import make_product

pytestmark = pytest.mark.django_db

NEGATIVE_REFUSED = "catalog_stock_quantity_non_negative"


def test_check_constraint_refuses_negative_stock_on_the_database_server(server_database, vendor):
    variant = ProductVariant.objects.get(page=make_product(vendor=vendor, stock=2))

    with pytest.raises(IntegrityError, match=NEGATIVE_REFUSED), transaction.atomic():
        Stock.objects.filter(variant=variant).update(quantity=F("quantity") - 3)
    with (
        pytest.raises(IntegrityError, match=NEGATIVE_REFUSED),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE catalog_stock SET quantity = -1 WHERE variant_id = %s", [variant.pk])

    assert Stock.objects.get(variant=variant).quantity == 2
