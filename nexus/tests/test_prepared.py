"""`nexus.prepared`: querysets compiled once, run with new parameter values."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from commerce.models import Cart
from nexus.prepared import PreparedQuery, instance

pytestmark = pytest.mark.django_db


def _carts_of(user_id):
    return Cart.objects.filter(user_id=user_id).values_list("pk", "token", "user_id")


def test_rows_are_the_querysets_rows_for_each_value_and_one_query_each():
    carts = {user.pk: Cart.objects.create(user=user) for user in UserFactory.create_batch(2)}
    query = PreparedQuery(_carts_of, user_id=int)

    for user_id, cart in carts.items():
        with CaptureQueriesContext(connection) as queries:
            rows = query.rows(user_id=user_id)
        assert rows == list(_carts_of(user_id)) == [(cart.pk, cart.token, user_id)]
        assert len(queries) == 1
    assert query.rows(user_id=10**9) == []
    # Beyond any column's range: no row, and the database is not asked (as with the ORM).
    with CaptureQueriesContext(connection) as queries:
        assert query.rows(user_id=2**70) == []
    assert len(queries) == 0


def test_a_parameter_that_does_not_reach_the_sql_is_refused():
    query = PreparedQuery(lambda user_id: Cart.objects.values_list("pk"), user_id=int)

    with pytest.raises(ImproperlyConfigured, match="user_id"):
        query.rows(user_id=1)


def test_instance_loads_the_given_fields_and_defers_the_others():
    shopper = UserFactory()
    cart = Cart.objects.create(user=shopper)

    made = instance(Cart, {"id": cart.pk, "user_id": shopper.pk})

    assert (made.pk, made.user_id, made._state.adding) == (cart.pk, shopper.pk, False)
    assert made.get_deferred_fields() == {"token", "created_at", "updated_at"}
    with CaptureQueriesContext(connection) as queries:
        assert made.token == cart.token
    assert len(queries) == 1
