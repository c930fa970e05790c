"""Concurrent address writes for one shopper keep exactly one default (on a database server)."""

import threading

import pytest
from django.db import connection

from accounts.models import Address
from accounts.services import address_create
from accounts.tests.factories import ADDRESS, UserFactory


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_default_addresses_leave_exactly_one_default(server_database):
    user = UserFactory()
    workers = 12
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def create(number: int) -> None:
        try:
            barrier.wait()
            address_create(user=user, **{**ADDRESS, "line2": f"Flat {number}"}, is_default=True)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Address.objects.filter(user=user).count() == workers
    assert Address.objects.filter(user=user, is_default=True).count() == 1
