"""The database itself holds the project's conditional and case-insensitive unique constraints,
on every supported database: PostgreSQL and SQLite from the model's `UniqueConstraint`,
MariaDB/MySQL from the unique indexes on generated columns that the migrations add there
(nexus/mysql.py)."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.db.models import UniqueConstraint

from accounts.models import Address, User
from accounts.tests.factories import AddressFactory, UserFactory
from commerce.payments.models import Payment
from commerce.tests.factories import make_order
from vendors.models import VendorApplication

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"accounts", "catalog", "vendors", "commerce", "payments", "outbox", "home"}


def test_every_conditional_or_expression_unique_constraint_exists_in_the_database():
    expected = {
        (model._meta.db_table, constraint.name)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint)
        and (constraint.condition is not None or constraint.expressions)
    }
    assert ("accounts_address", "accounts_address_one_default_per_user") in expected
    with connection.cursor() as cursor:
        present = {
            (table, name)
            for table in {table for table, _ in expected}
            for name, details in connection.introspection.get_constraints(cursor, table).items()
            if details["unique"]
        }
    assert expected - present == set()


def _refused(constraint: str):
    # SQLite names the columns, not the index.
    return pytest.raises(
        IntegrityError, match=None if connection.vendor == "sqlite" else constraint
    )


def test_a_second_default_address_of_a_user_is_refused():
    address = AddressFactory(is_default=True)
    AddressFactory(user=address.user, is_default=False)

    with _refused("accounts_address_one_default_per_user"), transaction.atomic():
        AddressFactory(user=address.user, is_default=True)

    assert Address.objects.filter(user=address.user, is_default=True).count() == 1
    assert Address.objects.filter(user=address.user).count() == 2


def test_an_email_differing_only_in_case_is_refused():
    UserFactory(email="ada@example.com")

    # bulk_create skips User.save(), which would lower the case first. On MariaDB/MySQL the
    # e-mail column's own unique key refuses it already (its collation ignores case).
    with _refused("accounts_user_email_ci_unique|for key 'email'"), transaction.atomic():
        User.objects.bulk_create([User(email="Ada@Example.com")])

    assert list(User.objects.filter(email__iexact="ada@example.com").values_list("email")) == [
        ("ada@example.com",)
    ]


def test_a_second_pending_application_of_a_user_is_refused():
    applicant = UserFactory()
    fields = {"applicant": applicant, "shop_name": "Ada's", "contact_email": "ada@example.com"}
    VendorApplication.objects.create(**fields, status="rejected")
    VendorApplication.objects.create(**fields, status="pending")

    with _refused("vendors_application_one_pending_per_user"), transaction.atomic():
        VendorApplication.objects.create(**fields, status="pending")

    assert VendorApplication.objects.filter(applicant=applicant).count() == 2


def test_a_provider_reference_is_used_by_one_payment_only_and_empty_ones_repeat():
    order = make_order(user=UserFactory(), items=[])
    fields = {"order": order, "provider": "stripe", "amount": Decimal("10.00"), "currency": "EUR"}
    Payment.objects.create(**fields, attempt=1, reference="")
    Payment.objects.create(**fields, attempt=2, reference="")
    Payment.objects.create(**fields, attempt=3, reference="pi_1")
    Payment.objects.create(**{**fields, "provider": "dummy"}, attempt=4, reference="pi_1")

    with _refused("payments_payment_reference_unique"), transaction.atomic():
        Payment.objects.create(**fields, attempt=5, reference="pi_1")

    assert Payment.objects.filter(order=order).count() == 4
