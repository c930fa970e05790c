"""`nexus.prepared`: querysets compiled once, run with new parameter values."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

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


def _pages_named(name):
    # The name twice, constants of the compiler's own (the depth, the LIKE's escapes) and a
    # literal percent sign (`startswith` on a column: `LIKE … || '%%'`).
    return (
        Page.objects.filter(Q(slug=name) | Q(title=name), depth__gte=2)
        .filter(url_path__startswith=F("url_path"))
        .values_list("pk", "title")
        .order_by("pk")
    )


def test_on_postgresql_a_query_is_a_statement_prepared_once_per_session(settings):
    home = Page.objects.get(depth=2)
    query = PreparedQuery(_pages_named, name=str)
    expected = list(_pages_named(home.slug))
    assert expected == [(home.pk, home.title)] == list(_pages_named(home.title))

    with CaptureQueriesContext(connection) as queries:
        assert query.rows(name=home.slug) == expected
        assert query.rows(name=home.title) == expected
        assert query.rows(name="no such page") == []
    statements = [captured["sql"] for captured in queries]
    assert len(statements) == 3
    if connection.vendor == "postgresql":
        # Executed by name, with the SQL it stands for in a comment (logs and tests see it).
        assert all(sql.startswith(f"EXECUTE {query._statement}(") for sql in statements)
        assert all('FROM "wagtailcore_page"' in sql and "'%%'" in sql for sql in statements)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement FROM pg_prepared_statements WHERE name = %s", [query._statement]
            )
            ((prepared,),) = cursor.fetchall()
        assert prepared.count("$1") == 2 and "$2" not in prepared
        assert ">= 2" in prepared and "'%'" in prepared
    else:
        assert all(sql.startswith("SELECT") for sql in statements)

    settings.PREPARED_STATEMENTS = False
    unprepared = PreparedQuery(_pages_named, name=str)
    with CaptureQueriesContext(connection) as queries:
        assert unprepared.rows(name=home.slug) == expected
    assert queries[0]["sql"].startswith("SELECT")


# serialized_rollback, as every transactional test here: the flush after it must not leave the
# rows that migrations make (content types, Wagtail's root page) for the next one to re-insert.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_prepared_statement_outlives_a_rollback_and_is_prepared_again_in_a_new_session():
    shopper = UserFactory()
    cart = Cart.objects.create(user=shopper)
    query = PreparedQuery(_carts_of, user_id=int)
    expected = [(cart.pk, cart.token, shopper.pk)]

    with pytest.raises(RuntimeError), transaction.atomic():
        assert query.rows(user_id=shopper.pk) == expected
        raise RuntimeError("rolled back")
    assert query.rows(user_id=shopper.pk) == expected

    connection.close()
    assert query.rows(user_id=shopper.pk) == expected
