"""Who may change stock and add products (the import screen, the product creation service).

The catalog does not know vendors' rules (it must not import the vendors app). Three Wagtail
hooks let the one vendor policy (`vendors/permissions.py`) answer instead, and Wagtail's page
permissions are the fallback when no hook is registered:

- ``catalog_stock_vendor_scope``: ``fn(user) -> Iterable[int] | None`` — the ids of the vendors
  whose stock `user` may see and change, or ``None`` for every vendor. The first registered
  hook answers.
- ``catalog_media_for_user``: ``fn(user, queryset) -> queryset`` — narrows an image or
  document queryset to what `user` may put in the content they edit (every hook narrows in
  turn; with none, nothing is narrowed). The page forms check every reference against it.
- ``catalog_user_can_add_products``: ``fn(user, storefront) -> bool`` — may `user` add
  products to `storefront` (a ``vendors.VendorPage``)? Every registered hook must agree, and
  so must Wagtail's page permissions (the user can add pages under the storefront).
"""

from wagtail import hooks
from wagtail.permission_policies.pages import PagePermissionPolicy

from catalog.models import ProductPage


def stock_vendor_scope(user) -> list[int] | None:
    """Vendor ids whose stock `user` may see and change; None means every vendor.

    Without a hook: superusers and holders of ``catalog.change_stock`` see everything; anyone
    else sees the vendors whose storefront pages they may edit (Wagtail page permissions).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    for scope_hook in hooks.get_hooks("catalog_stock_vendor_scope"):
        scope = scope_hook(user)
        return None if scope is None else sorted(scope)
    if user.is_superuser or user.has_perm("catalog.change_stock"):
        return None
    return editable_storefront_vendor_ids(user)


def editable_storefront_vendor_ids(user) -> list[int]:
    """Ids of the vendors whose storefront pages `user` may edit (Wagtail page permissions):
    the default scope, also the vendor policy's answer for users who are not members."""
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    storefront_model = ProductPage.storefront_model()
    return sorted(
        storefront_model.objects.filter(pk__in=editable.values("pk")).values_list(
            "vendor_id", flat=True
        )
    )


def user_can_change_stock(user, *, vendor_id: int | None) -> bool:
    scope = stock_vendor_scope(user)
    return scope is None or (vendor_id is not None and vendor_id in scope)


def user_can_add_products(user, storefront) -> bool:
    """May `user` add products to `storefront`? (see the module docstring)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not storefront.permissions_for_user(user).can_add_subpage():
        return False
    return all(
        check(user, storefront) for check in hooks.get_hooks("catalog_user_can_add_products")
    )


def media_for_user(user, queryset):
    """The images or documents of `queryset` that `user` may reference in page content."""
    for narrow in hooks.get_hooks("catalog_media_for_user"):
        queryset = narrow(user, queryset)
    return queryset
