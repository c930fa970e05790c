"""Schemathesis against /api/v1/schema/: every operation, anonymous, as a shopper and as a
vendor, with a bounded number of generated requests each. No request may get a 5xx, and every
answer must be one the schema documents (status code, content type, body).

Requests run in-process through the WSGI application, inside the test's transaction, against
a shop with real objects (a product with stock, an address, a cart, orders, a wishlist item)
so ids in the generated paths sometimes hit real rows; the ids of these objects are also fed
to the generator as explicit path parameters.

`FUZZ_EXAMPLES` bounds the generated examples per operation and role (default 2, plus as
many aimed at the real objects). Each failure it finds gets its own regression test, next to
the code it concerns.

About a minute for the three roles on two cores.
"""

import os
import re

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from hypothesis import Phase, given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nexus.tests.conftest import fuzz_settings

pytestmark = pytest.mark.django_db(transaction=False)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2"))
# Schemathesis' conformance checks (documented status codes and content types, response bodies
# matching their schemas) run with the server-error check; FUZZ_CONFORMANCE=0 leaves only the
# latter, to tell a crash from a schema that is behind the code.
CONFORMANCE = os.environ.get("FUZZ_CONFORMANCE", "1") != "0"
ROLES = ("anonymous", "shopper", "vendor")
CHECKS = [not_a_server_error] + (
    [status_code_conformance, content_type_conformance, response_schema_conformance]
    if CONFORMANCE
    else []
)


def _schema():
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


def _strategy(operation, path_values: dict):
    """Generated cases, and as many again with the path pointing at the shop's real objects."""
    names = re.findall(r"{(\w+)}", operation.path)
    generated = operation.as_strategy()
    if not names or not all(name in path_values for name in names):
        return generated
    real = operation.as_strategy(path_parameters={name: path_values[name] for name in names})
    return st.one_of(generated, real)


def _run_operation(operation, headers: dict, path_values: dict, failures: list) -> int:
    calls = []

    @fuzz_settings(max_examples=EXAMPLES, phases=[Phase.explicit, Phase.generate])
    @given(case=_strategy(operation, path_values))
    def run(case):
        response = case.call(headers=headers)
        calls.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except Exception as error:  # every failure is collected, the run goes on
            failures.append(f"{case.operation.label}: {error}\n{case.as_curl_command(headers)}")

    run()
    return len(calls)


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_5xx(fuzz_shop, role, _keep_test_connection):
    schema = _schema()
    headers = fuzz_shop.headers[role]
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]

    total = sum(_run_operation(op, headers, fuzz_shop.path_values, failures) for op in operations)

    assert len(operations) >= 30
    assert total >= len(operations)
    assert not failures, "\n\n".join(failures[:10])


# Stateful: sequences of operations where each step's ids come from an earlier answer (an
# address created, then read, changed, made default, deleted; a cart line added, then changed;
# an order placed, then paid or cancelled; a vendor's stock listed, then set…). The links are
# inferred by Schemathesis' dependency analysis of the schema (resources and the ids that name
# them), plus those the schema states (nexus.openapi.LIST_ITEM_LINKS). Bounded by
# FUZZ_SEQUENCES sequences of at most FUZZ_STEPS steps per role.
SEQUENCES = int(os.environ.get("FUZZ_SEQUENCES", "15"))
STEPS = int(os.environ.get("FUZZ_STEPS", "6"))
# Operations reached through the schema's own links (nexus.openapi.LIST_ITEM_LINKS) and the
# inferred ones: each is called with an id an earlier answer gave.
LINKED_OPERATIONS = {
    "GET /api/v1/auth/addresses/{address_id}/",
    "PATCH /api/v1/cart/lines/{line_id}/",
    "POST /api/v1/orders/{number}/payment/",
    "POST /api/v1/orders/{number}/cancel/",
    "GET /api/v1/vendor/order-lines/{line_id}/",
    "PUT /api/v1/vendor/stock/{sku}/",
    "POST /api/v1/vendor/stock/{sku}/adjust/",
}


@pytest.mark.parametrize("role", ROLES)
def test_linked_sequences_answer_no_5xx_and_conform(fuzz_shop, role, _keep_test_connection):
    schema = _schema()
    headers = fuzz_shop.headers[role]
    failures: list[str] = []
    statuses: list[int] = []
    machine = schema.as_state_machine()

    class Sequences(machine):
        # Each sequence starts from the same shop: what one wrote is rolled back (and the cache
        # emptied) before the next, so a sequence Hypothesis replays sees the same answers.
        def setup(self):
            super().setup()
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)
            cache.clear()
            super().teardown()

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, **kwargs):
            statuses.append(response.status_code)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as error:  # every failure is collected, the run goes on
                failures.append(f"{case.operation.label}: {error}\n{case.as_curl_command(headers)}")

    Sequences.run(settings=fuzz_settings(max_examples=SEQUENCES, stateful_step_count=STEPS))

    # The links exist: a schema that lost them would test nothing beyond the single calls.
    assert schema.statistic.transitions.total >= 60, schema.statistic.transitions
    assert LINKED_OPERATIONS - schema.operations_with_incoming_links() == set()
    assert len(statuses) >= SEQUENCES
    assert not failures, "\n\n".join(failures[:10])
