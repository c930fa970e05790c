"""Schemathesis against /graphql/: every query and mutation field, anonymous, as a shopper and
as a vendor, with a bounded number of generated queries each (hypothesis-graphql builds them
from the schema the endpoint serves).

No answer may be a 5xx or carry an unexpected failure: an error whose code is
`internal_error` (an exception the schema masked), a non-null field that resolved to null,
or anything that looks like a stack trace. Errors that are the client's (a query the limits
refuse, a domain error with its code) are what the API promises, so they pass.

Requests run in-process through the WSGI application, inside the test's transaction, against
the same shop as the REST fuzz run (`fuzz_shop`). `FUZZ_EXAMPLES` bounds the generated
examples per field and role (default 2, as for the REST run). Each failure it finds gets its
own regression test, next to the code it concerns.
"""

import json
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import Phase, given
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from graphql_api.schema import schema as graphql_schema
from nexus.tests.conftest import fuzz_settings

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
ROLES = ("anonymous", "shopper", "vendor")
# Signs of a leaked stack trace or server internals in an answer.
LEAKS = ("Traceback (most recent call last)", 'File "/', "site-packages", "django.db.")

# Amounts as clients send them, and strings that are not amounts at all.
schemathesis.graphql.scalar(
    "Decimal",
    st.one_of(
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.text(max_size=20),
    ).map(nodes.String),
)


def _schema(graphql_settings):
    graphql_settings.GRAPHQL_INTROSPECTION = True  # schemathesis reads the schema by introspection
    return schemathesis.graphql.from_wsgi("/graphql/", get_wsgi_application())


def problems_in(status: int, text: str) -> list[str]:
    """What is wrong with one /graphql/ answer (empty when nothing is)."""
    problems = []
    if status >= 500:
        problems.append(f"status {status}")
    problems += [f"leaks {leak!r}" for leak in LEAKS if leak in text]
    try:
        body = json.loads(text)
    except ValueError:
        return [*problems, "not JSON"]
    if not isinstance(body, dict):
        return [*problems, "not a JSON object"]
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code == "internal_error":
            problems.append(f"internal error at {error.get('path')}")
        if "Cannot return null for non-nullable field" in error.get("message", ""):
            problems.append(f"schema violation: {error['message']}")
    return problems


def _run_operation(operation, headers: dict, failures: list) -> int:
    calls = []

    @fuzz_settings(max_examples=EXAMPLES, phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        calls.append(response.status_code)
        problems = problems_in(response.status_code, response.text)
        if problems:
            failures.append(
                f"{operation.label}: {'; '.join(problems)}\n"
                f"{json.dumps(case.body)}\n{response.text[:500]}"
            )

    run()
    return len(calls)


@pytest.mark.parametrize("role", ROLES)
def test_no_graphql_field_answers_5xx_or_an_internal_error(
    fuzz_shop, role, settings, _keep_test_connection
):
    schema = _schema(settings)
    headers = fuzz_shop.headers[role]
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]

    total = sum(_run_operation(operation, headers, failures) for operation in operations)

    served = graphql_schema._schema
    assert {operation.label for operation in operations} == {
        f"{root.name}.{field}"
        for root in (served.query_type, served.mutation_type)
        for field in root.fields
    }
    assert total >= len(operations)
    assert not failures, "\n\n".join(failures[:10])


def test_the_checks_catch_what_they_look_for():
    """The checks above fail on what a broken endpoint would answer."""
    internal = {
        "data": None,
        "errors": [{"message": "x", "extensions": {"code": "internal_error"}}],
    }
    null = {"data": None, "errors": [{"message": "Cannot return null for non-nullable field X.y"}]}
    domain = {"data": None, "errors": [{"message": "No order 1.", "extensions": {"code": "x"}}]}

    assert problems_in(500, "{}") == ["status 500"]
    assert problems_in(200, json.dumps(internal)) == ["internal error at None"]
    assert problems_in(200, json.dumps(null)) == [
        "schema violation: Cannot return null for non-nullable field X.y"
    ]
    assert problems_in(200, 'Traceback (most recent call last):\n  File "/app/x.py"') == [
        "leaks 'Traceback (most recent call last)'",
        "leaks 'File \"/'",
        "not JSON",
    ]
    assert problems_in(200, json.dumps(domain)) == []
    assert problems_in(400, json.dumps(domain)) == []
