"""Whether a user may open the Wagtail admin, remembered in Django's cache.

Only for what the site shows: every page offers the admin userbar to those who may use the
admin, and asking the permission backend costs two queries a page for every logged-in
shopper. The admin itself always asks the backend, so a stale answer here can at worst show or
hide the userbar, and the receivers below keep it from being stale: a change of a user's groups
or permissions, or of a group's permissions, retires every answer (one version token); a save of
the user (superuser or active flag) forgets that user's.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from nexus.versioned_cache import remembered, retire

ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"
VERSION_KEY = "admin-access:version"
SECONDS = 3600


def _user_key(user_id: int) -> str:
    return f"admin-access:user:{user_id}"


def admin_access_keys(user) -> list[str]:
    """The cache keys `may_access_admin(user)` reads (none when the user alone decides), for a
    caller that reads them along with its own: it passes what it found as `found`."""
    if not user.is_authenticated or not user.is_active or user.is_superuser:
        return []
    return [VERSION_KEY, _user_key(user.pk)]


def may_access_admin(user, *, found=None) -> bool:
    """True when `user` may open the Wagtail admin: one cache round trip in the common case,
    none when `found` (a mapping read with `admin_access_keys(user)`) holds the answer."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return remembered(
        VERSION_KEY,
        _user_key(user.pk),
        lambda: user.has_perm(ADMIN_ACCESS_PERMISSION),
        SECONDS,
        found=found,
    )


def _retire_all(**kwargs) -> None:
    retire(VERSION_KEY)
    transaction.on_commit(lambda: retire(VERSION_KEY))


def _forget_user(sender, instance, **kwargs) -> None:
    key = _user_key(instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def connect() -> None:
    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_retire_all, sender=through, dispatch_uid=f"admin_access_{through}")
    post_delete.connect(_retire_all, sender=Group, dispatch_uid="admin_access_group_deleted")
    post_save.connect(_forget_user, sender=user_model, dispatch_uid="admin_access_user_saved")
