"""Reads of account data. Another user's address is "not found", never "forbidden"."""

from django.db.models import QuerySet

from accounts.exceptions import AddressNotFound
from accounts.models import Address, User


def addresses_for_user(*, user: User) -> QuerySet[Address]:
    """The user's saved addresses, the default first, then the newest."""
    return Address.objects.filter(user=user).order_by("-is_default", "-created_at", "-pk")


def address_get(*, user: User, address_id: int) -> Address:
    """The user's address with this id. Raises AddressNotFound for a missing id or one that
    belongs to someone else (the two are indistinguishable on purpose)."""
    try:
        return Address.objects.get(user=user, pk=address_id)
    except (Address.DoesNotExist, ValueError, TypeError) as error:
        raise AddressNotFound(f"No saved address with id {address_id}.") from error


def address_default_for_user(*, user: User) -> Address | None:
    return Address.objects.filter(user=user, is_default=True).first()
