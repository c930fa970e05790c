"""The README's GraphQL examples, run in order as a shopper would: list products, log in, buy,
pay. A README example that stops working fails here."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tests.factories import UserFactory
from commerce.models import Order
from graphql_api.tests.conftest import data_of

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"


def readme_examples() -> dict[str, str]:
    """The ```graphql blocks of the README's GraphQL section, by operation name."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### GraphQL") :]
    section = section[: section.index("\n## ")]
    blocks = re.findall(r"```graphql\n(.*?)```", section, flags=re.DOTALL)
    return {re.match(r"(?:query|mutation) (\w+)", block).group(1): block for block in blocks}


def test_the_readme_shows_a_query_and_mutations():
    assert list(readme_examples()) == ["Products", "LogIn", "Buy", "Pay"]


def test_the_readme_examples_work_in_order(gql, shop, django_capture_on_commit_callbacks):
    examples = readme_examples()
    UserFactory(email="shopper@nexus.localhost", password="nexus-shopper")

    products = data_of(gql(examples["Products"]))["products"]
    assert products["totalCount"] == 3
    assert [edge["node"]["title"] for edge in products["edges"]] == ["Mug", "Shirt", "Lamp"]
    mug = products["edges"][0]["node"]
    assert (mug["fromPrice"], mug["currency"], mug["availability"]) == ("12.00", "EUR", "IN_STOCK")

    login = data_of(gql(examples["LogIn"]))["tokenObtain"]
    assert login["errors"] == []
    access = login["token"]["access"]

    variables = {"variantId": mug["variants"][0]["id"], "key": "readme-example-1"}
    bought = data_of(gql(examples["Buy"], variables, token=access))
    assert bought["cartLineAdd"] == {
        "cart": {"itemCount": 1, "total": "16.50"},
        "errors": [],
    }
    assert bought["checkoutComplete"]["errors"] == []
    order = bought["checkoutComplete"]["order"]
    assert (order["status"], order["total"], order["currency"]) == (
        "PENDING_PAYMENT",
        "16.50",
        "EUR",
    )
    assert order["lines"] == [
        {"sku": mug["variants"][0]["sku"], "quantity": 1, "unitPrice": "12.00"}
    ]

    with django_capture_on_commit_callbacks(execute=True):
        paid = data_of(gql(examples["Pay"], {"number": order["number"]}, token=access))
    assert paid["paymentStart"]["errors"] == []
    payment = paid["paymentStart"]["payment"]
    assert payment["orderNumber"] == order["number"]
    assert payment["requiresAction"] is False
    assert (payment["payment"]["provider"], payment["payment"]["amount"]) == ("dummy", "16.50")
    assert Order.objects.get(number=order["number"]).status == Order.Status.PAID
