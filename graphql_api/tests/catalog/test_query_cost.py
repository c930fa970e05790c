"""The query cost limit: what a query may make the server resolve is estimated before it runs,
and a query above the limit is refused with nothing resolved."""

import pytest
from graphql import parse

from graphql_api.cost import LIST_ESTIMATE, MAX_QUERY_COST, query_cost
from graphql_api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from graphql_api.schema import schema
from graphql_api.tests.catalog.test_catalog_queries import PRODUCT_FULL
from graphql_api.tests.conftest import data_of


def cost(query: str, variables=None) -> int:
    document = parse(query)
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if definition.kind == "fragment_definition"
    }
    (operation,) = [d for d in document.definitions if d.kind == "operation_definition"]
    return query_cost(schema._schema, operation, fragments, variables)


def test_each_field_counts_once_per_item_of_the_lists_above_it():
    query = "{ products(first: 2) { totalCount edges { node { title variants { sku } } } } }"

    # products 1, totalCount 1, edges 1 + 2 items x (node 1 + title 1 + variants 1 + 10 x sku 1)
    assert cost(query) == 3 + 2 * (3 + LIST_ESTIMATE)


def test_page_size_comes_from_first_its_variable_or_the_default_clamped_to_the_limit():
    literal = "{ products(first: 7) { edges { node { title } } } }"
    variable = "query($n: Int) { products(first: $n) { edges { node { title } } } }"
    absent = "{ products { edges { node { title } } } }"

    assert cost(literal) == 2 + 7 * 2
    assert cost(variable, {"n": 7}) == 2 + 7 * 2
    assert cost(variable, {}) == 2 + DEFAULT_PAGE_SIZE * 2
    assert cost(absent) == 2 + DEFAULT_PAGE_SIZE * 2
    assert cost(variable, {"n": 10_000}) == 2 + MAX_PAGE_SIZE * 2


def test_fragments_and_inline_fragments_count_where_they_are_used():
    spread = """fragment T on Product { title slug }
    { products(first: 3) { edges { node { ...T } } } }"""
    inline = "{ products(first: 3) { edges { node { ... on Product { title slug } } } } }"
    typename = "{ products(first: 3) { edges { node { __typename title slug } } } }"

    assert cost(spread) == cost(inline) == cost(typename) == 2 + 3 * 3


@pytest.mark.django_db
def test_a_full_page_of_products_is_allowed(gql, shop):
    query = PRODUCT_FULL + "{ products(first: 50) { edges { node { ...Full } } } }"

    assert cost(query) <= MAX_QUERY_COST
    assert len(data_of(gql(query))["products"]["edges"]) == 3


@pytest.mark.django_db
def test_a_query_above_the_limit_is_refused_before_anything_is_resolved(
    gql, shop, django_assert_num_queries
):
    lists = " ".join(
        f"p{n}: products(first: 50) {{ edges {{ node {{ ...Full }} }} }}" for n in range(3)
    )
    query = PRODUCT_FULL + "{ " + lists + " }"
    expected = cost(query)
    assert expected > MAX_QUERY_COST

    with django_assert_num_queries(0):
        body = gql(query)

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "query_too_costly",
        "cost": expected,
        "limit": MAX_QUERY_COST,
    }
    assert error["message"] == (
        f"This query would cost {expected:,} (limit {MAX_QUERY_COST:,}): ask for fewer items "
        "(first), fewer fields or fewer aliases, or split it into several queries."
    )


@pytest.mark.django_db
def test_variables_are_read_so_a_small_page_of_the_same_query_passes(gql, shop):
    query = (
        PRODUCT_FULL
        + "query($n: Int) { a: products(first: $n) { edges { node { ...Full } } } "
        + "b: products(first: $n) { edges { node { ...Full } } } }"
    )

    refused = gql(query, {"n": 50})
    allowed = gql(query, {"n": 5})

    assert refused["errors"][0]["extensions"]["code"] == "query_too_costly"
    assert len(data_of(allowed)["a"]["edges"]) == 3


def test_a_deep_category_tree_counts_each_level_once():
    query = "{ categories { category { title } children { category { title } children { category { title } } } } }"

    # categories 1 + 10 x (category 2 + children 1 + (category 2 + children 1 + category 2))
    assert cost(query) == 1 + LIST_ESTIMATE * 8
