"""The one vendor permission policy.

Asked by the Wagtail admin hooks (`vendors/wagtail_hooks.py`), the vendor admin views, the DRF
permission classes (`vendors/api/`) and the vendor selectors alike, so "who may see what" is
answered in one place:

- an *editor* (superuser, or member of the "Editors" or "Moderators" group) sees everything;
- a *vendor member* sees only the objects of the vendors they belong to: their storefront
  subtree, their products and stock, their collection's images and documents, their order lines;
- a member may *change* their vendor's content only while the vendor is active.

Functions taking a queryset return it narrowed; `None` from `vendor_ids_for_user` means
"unrestricted". Results are cached on the user object for the duration of a request.
"""

from django.db.models import Q, QuerySet

from vendors.models import Vendor, VendorMembership

EDITOR_GROUP_NAMES = ("Editors", "Moderators")

_CACHE_ATTRIBUTE = "_nexus_vendor_policy"


def _cache(user) -> dict:
    cache = getattr(user, _CACHE_ATTRIBUTE, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTRIBUTE, cache)
    return cache


def is_editor(user) -> bool:
    """Superusers and members of the Editors or Moderators groups see every vendor's objects."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cache = _cache(user)
    if "is_editor" not in cache:
        cache["is_editor"] = user.groups.filter(name__in=EDITOR_GROUP_NAMES).exists()
    return cache["is_editor"]


def vendor_ids_for_user(user) -> frozenset[int] | None:
    """Ids of the vendors `user` belongs to; `None` for editors (no restriction)."""
    if is_editor(user):
        return None
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cache = _cache(user)
    if "vendor_ids" not in cache:
        cache["vendor_ids"] = frozenset(
            VendorMembership.objects.filter(user=user).values_list("vendor_id", flat=True)
        )
    return cache["vendor_ids"]


def is_vendor_member(user) -> bool:
    """A user restricted to their own vendors (a member and not an editor)."""
    ids = vendor_ids_for_user(user)
    return ids is not None and bool(ids)


def is_active_vendor_member(user) -> bool:
    """A vendor member of at least one vendor that is not suspended."""
    ids = vendor_ids_for_user(user)
    if not ids:
        return False
    cache = _cache(user)
    if "has_active_vendor" not in cache:
        cache["has_active_vendor"] = Vendor.objects.filter(
            pk__in=ids, status=Vendor.Status.ACTIVE
        ).exists()
    return cache["has_active_vendor"]


def vendor_operations_allowed(user) -> bool:
    """May `user` use the vendor operations of the APIs (order lines, shipping, stock)?

    Editors (every vendor) and members of a vendor (their own) may; anyone else may not
    (False). A member whose every vendor is suspended is refused with `VendorSuspended`:
    suspension takes effect on the very next request, whatever token the member still holds.
    """
    from vendors.exceptions import VendorSuspended

    if not (user and user.is_authenticated):
        return False
    if is_editor(user):
        return True
    if not is_vendor_member(user):
        return False
    if not is_active_vendor_member(user):
        raise VendorSuspended("Your vendor is suspended: the vendor API is closed to it.")
    return True


def vendors_for_user(user) -> QuerySet[Vendor]:
    """The vendors `user` may manage: all for editors, their own for members, none otherwise."""
    return _of_members_vendors(user, Vendor.objects.all(), "pk")


def vendor_for_user(user) -> Vendor | None:
    """The vendor a member works for (the first by name if several); `None` for others."""
    ids = vendor_ids_for_user(user)
    if not ids:
        return None
    return Vendor.objects.filter(pk__in=ids).order_by("name").first()


def user_can_manage_vendor(user, vendor: Vendor | int | None) -> bool:
    """May `user` see and operate on `vendor`'s objects (orders, stock, products)?"""
    if vendor is None:
        return False
    vendor_id = vendor if isinstance(vendor, int) else vendor.pk
    ids = vendor_ids_for_user(user)
    return ids is None or vendor_id in ids


def user_can_edit_vendor_content(user, vendor: Vendor) -> bool:
    """May `user` change `vendor`'s pages, images and stock? Members lose it on suspension."""
    if is_editor(user):
        return True
    return user_can_manage_vendor(user, vendor) and vendor.is_active


# --- querysets narrowed at the source -------------------------------------------------------


def _storefront_paths(vendor_ids) -> list[str]:
    from vendors.models import VendorPage

    return list(VendorPage.objects.filter(vendor_id__in=vendor_ids).values_list("path", flat=True))


def storefront_paths_for_user(user) -> list[str] | None:
    """Tree paths of the member's storefronts; `None` for editors."""
    ids = vendor_ids_for_user(user)
    if ids is None:
        return None
    cache = _cache(user)
    if "paths" not in cache:
        cache["paths"] = _storefront_paths(ids)
    return cache["paths"]


def _subtree_q(paths: list[str]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def _ancestors_q(paths: list[str]) -> Q:
    prefixes: set[str] = set()
    for path in paths:
        for end in range(4, len(path), 4):  # Wagtail's treebeard steplen is 4
            prefixes.add(path[:end])
    return Q(path__in=prefixes)


def pages_for_user(user, queryset: QuerySet) -> QuerySet:
    """Pages a member may work on: their storefront subtrees (editors: unchanged)."""
    paths = storefront_paths_for_user(user)
    if paths is None:
        return queryset
    return queryset.filter(_subtree_q(paths))


def explorable_pages_for_user(user, queryset: QuerySet) -> QuerySet:
    """Pages a member sees in the explorer and search: their subtrees and the ancestors
    leading to them (to navigate), nothing of another vendor."""
    paths = storefront_paths_for_user(user)
    if paths is None:
        return queryset
    return queryset.filter(_subtree_q(paths) | _ancestors_q(paths))


def choosable_pages_for_user(user, queryset: QuerySet) -> QuerySet:
    """Pages a member may pick in a page chooser: anything public outside the vendors area
    (categories, home) and their own storefronts, but no page of another vendor."""
    paths = storefront_paths_for_user(user)
    if paths is None:
        return queryset
    from vendors.models import VendorPage

    others = list(VendorPage.objects.exclude(path__in=paths).values_list("path", flat=True))
    if not others:
        return queryset
    return queryset.exclude(_subtree_q(others))


def _of_members_vendors(user, queryset: QuerySet, vendor_field: str) -> QuerySet:
    """The rows of `queryset` whose `vendor_field` is one of the member's vendors (editors:
    unchanged)."""
    ids = vendor_ids_for_user(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{vendor_field}__in": ids})


def products_for_user(user, queryset: QuerySet) -> QuerySet:
    """ProductPages of the member's vendors (editors: unchanged)."""
    return _of_members_vendors(user, queryset, "vendor_id")


def variants_for_user(user, queryset: QuerySet) -> QuerySet:
    """ProductVariants (or rows with a `page` to a product) of the member's vendors."""
    return _of_members_vendors(user, queryset, "page__vendor_id")


def collection_ids_for_user(user) -> list[int] | None:
    """The member's vendors' collections and their descendants; `None` for editors."""
    ids = vendor_ids_for_user(user)
    if ids is None:
        return None
    cache = _cache(user)
    if "collections" not in cache:
        from wagtail.models import Collection

        roots = Collection.objects.filter(vendor__in=ids)
        query = Q(pk__in=[])
        for root in roots:
            query |= Q(path__startswith=root.path)
        cache["collections"] = list(Collection.objects.filter(query).values_list("pk", flat=True))
    return cache["collections"]


def media_for_user(user, queryset: QuerySet) -> QuerySet:
    """Images or documents in the member's collections (editors: unchanged)."""
    collections = collection_ids_for_user(user)
    if collections is None:
        return queryset
    return queryset.filter(collection_id__in=collections)


def order_lines_for_user(user, queryset: QuerySet) -> QuerySet:
    """Order lines of the member's vendors (editors: unchanged)."""
    return _of_members_vendors(user, queryset, "vendor_id")
