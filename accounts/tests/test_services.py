import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from accounts.exceptions import AddressInvalid, AddressNotFound, EmailTaken, PasswordInvalid
from accounts.models import Address
from accounts.selectors import address_default_for_user, address_get, addresses_for_user
from accounts.services import (
    address_create,
    address_delete,
    address_set_default,
    address_update,
    user_profile_update,
    user_register,
)
from accounts.tests.factories import ADDRESS, UserFactory

pytestmark = pytest.mark.django_db


def test_user_register_creates_active_user_with_lowercased_email():
    user = user_register(email=" New.Shopper@Example.COM ", password="a-long-pass-phrase-42")

    assert user.email == "new.shopper@example.com"
    assert user.is_active is True
    assert user.is_staff is False
    assert user.check_password("a-long-pass-phrase-42")


def test_user_register_refuses_taken_email_in_any_case():
    UserFactory(email="taken@example.com")

    with pytest.raises(EmailTaken) as raised:
        user_register(email="TAKEN@example.com", password="a-long-pass-phrase-42")

    assert raised.value.field == "email"
    assert "taken@example.com already exists" in raised.value.message
    assert get_user_model().objects.filter(email__iexact="taken@example.com").count() == 1


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1x", "too short"),
        ("password123", "too common"),
        ("83749201938", "entirely numeric"),
    ],
)
def test_user_register_applies_django_password_validators(password, fragment):
    with pytest.raises(PasswordInvalid) as raised:
        user_register(email="weak@example.com", password=password)

    assert raised.value.field == "password"
    assert fragment in raised.value.message
    assert not get_user_model().objects.filter(email="weak@example.com").exists()


def test_user_profile_update_changes_only_given_names():
    user = UserFactory(first_name="Ada", last_name="Byron")

    user_profile_update(user=user, last_name="Lovelace")

    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Ada", "Lovelace")


def test_first_address_becomes_default_and_later_ones_do_not():
    user = UserFactory()

    first = address_create(user=user, **ADDRESS)
    second = address_create(user=user, **{**ADDRESS, "line1": "1 Other Street"})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_default is True
    assert second.is_default is False


def test_address_create_normalizes_and_validates_country():
    user = UserFactory()

    address = address_create(user=user, **{**ADDRESS, "country": " de "})

    assert address.country == "DE"
    with pytest.raises(AddressInvalid) as raised:
        address_create(user=user, **{**ADDRESS, "country": "XX"})
    assert raised.value.field == "country"
    assert "XX is not an ISO 3166-1 alpha-2 country code" in raised.value.message
    assert Address.objects.filter(user=user).count() == 1


def test_address_create_refuses_missing_required_field():
    user = UserFactory()

    with pytest.raises(AddressInvalid) as raised:
        address_create(user=user, **{**ADDRESS, "city": "  "})

    assert raised.value.field == "city"
    assert not Address.objects.filter(user=user).exists()


def test_set_default_moves_the_default():
    user = UserFactory()
    first = address_create(user=user, **ADDRESS)
    second = address_create(user=user, **ADDRESS)

    address_set_default(address=second)

    assert address_default_for_user(user=user) == second
    first.refresh_from_db()
    assert first.is_default is False
    assert list(addresses_for_user(user=user)) == [second, first]


def test_create_with_is_default_replaces_the_default():
    user = UserFactory()
    first = address_create(user=user, **ADDRESS)

    second = address_create(user=user, **ADDRESS, is_default=True)

    first.refresh_from_db()
    assert (first.is_default, second.is_default) == (False, True)


def test_update_changes_fields_and_can_take_the_default():
    user = UserFactory()
    first = address_create(user=user, **ADDRESS)
    second = address_create(user=user, **ADDRESS)

    address_update(address=second, city="Paris", country="fr", is_default=True)

    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.city, second.country, second.is_default) == ("Paris", "FR", True)
    assert first.is_default is False


def test_invalid_update_changes_nothing():
    user = UserFactory()
    address = address_create(user=user, **ADDRESS)

    with pytest.raises(AddressInvalid):
        address_update(address=address, city="Paris", country="ZZ")

    address.refresh_from_db()
    assert (address.city, address.country) == ("London", "GB")


def test_deleting_the_default_promotes_the_newest_remaining_address():
    user = UserFactory()
    default = address_create(user=user, **ADDRESS)
    older = address_create(user=user, **ADDRESS)
    newest = address_create(user=user, **ADDRESS)

    address_delete(address=default)

    assert address_default_for_user(user=user) == newest
    older.refresh_from_db()
    assert older.is_default is False
    assert Address.objects.filter(user=user).count() == 2


def test_database_refuses_two_defaults_for_one_user():
    user = UserFactory()
    address_create(user=user, **ADDRESS)

    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(user=user, **ADDRESS, is_default=True)


def test_address_get_hides_other_users_addresses():
    owner, stranger = UserFactory(), UserFactory()
    address = address_create(user=owner, **ADDRESS)

    assert address_get(user=owner, address_id=address.pk) == address
    with pytest.raises(AddressNotFound):
        address_get(user=stranger, address_id=address.pk)
