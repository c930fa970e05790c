"""`nexus.lookups.IdIn`: the rows of `__in`, with one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from nexus.lookups import IdIn

pytestmark = pytest.mark.django_db


def _pages(ids, *, through_fk=False):
    if through_fk:
        return sorted(Page.objects.filter(IdIn(F("content_type_id"), ids)).values_list("pk"))
    return sorted(Page.objects.filter(IdIn(F("pk"), ids)).values_list("pk", flat=True))


def test_the_rows_are_those_of_in_for_any_list_of_ids(site_tree):
    every = list(Page.objects.order_by("pk").values_list("pk", flat=True))
    assert len(every) >= 4
    missing = every[-1] + 1000
    asked = [every[2], every[0], every[2], missing, every[3]]  # any order, a repeat, an unknown

    assert _pages(asked) == sorted({every[0], every[2], every[3]})
    assert _pages(asked) == sorted(Page.objects.filter(pk__in=asked).values_list("pk", flat=True))
    assert _pages(every) == every
    content_types = list(Page.objects.values_list("content_type_id", flat=True).distinct())
    assert _pages(content_types[:1], through_fk=True) == sorted(
        Page.objects.filter(content_type_id=content_types[0]).values_list("pk")
    )


def test_no_ids_is_no_rows_and_no_query(site_tree):
    with CaptureQueriesContext(connection) as queries:
        assert _pages([]) == []
    assert len(queries) == 0


def test_the_ids_are_one_parameter_on_postgresql_and_an_in_list_elsewhere(site_tree):
    ids = list(Page.objects.values_list("pk", flat=True))
    queryset = Page.objects.filter(IdIn(F("pk"), ids)).values_list("pk")
    sql, params = queryset.query.sql_with_params()

    if connection.vendor == "postgresql":
        assert '"wagtailcore_page"."id" = ANY(%s)' in sql
        assert params == (ids,)
    else:
        assert " IN (" in sql and "ANY" not in sql
        assert list(params) == ids
