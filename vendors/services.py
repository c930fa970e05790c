"""Writes of the vendors app: onboarding, trust, suspension and reactivation.

A vendor's admin rights are Wagtail's own: one group per vendor holding page permissions on
its storefront (so the tree scopes every product under it) and collection permissions on a
collection of its own (so images and documents are scoped the same way). Everything here goes
through these functions; admin views, the application flow and the demo seed call them.
"""

from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from vendors.exceptions import VendorError, VendorNameTaken, VendorSetupMissing
from vendors.models import Vendor, VendorIndexPage, VendorMembership, VendorPage

# Page permissions on the storefront subtree. "publish" only for trusted vendors: without it,
# Wagtail sends a vendor's edit into the moderation workflow.
VENDOR_PAGE_PERMISSIONS = ("add", "change")
TRUSTED_PAGE_PERMISSIONS = ("publish",)
# (app_label, codename) granted on the vendor's own collection.
VENDOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
ADMIN_ACCESS_PERMISSION = ("wagtailadmin", "access_admin")
GROUP_NAME_PREFIX = "Vendor: "
# The groups Wagtail creates in its initial data; they approve vendor submissions.
APPROVER_GROUP_NAMES = ("Moderators", "Editors")
DEFAULT_WORKFLOW_NAME = "Moderators approval"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _page_permission(permission_type: str) -> Permission:
    return _permission("wagtailcore", f"{permission_type}_page")


def vendor_group_name(*, name: str) -> str:
    return f"{GROUP_NAME_PREFIX}{name}"[:150]


def vendor_intended_permissions(*, vendor: Vendor) -> dict:
    """The exact permissions onboarding gives an active vendor's group, as comparable sets.

    {"group": {(app_label, codename)}, "pages": {(page_id, codename)},
     "collections": {(collection_id, app_label, codename)}}
    """
    page_types = VENDOR_PAGE_PERMISSIONS + (TRUSTED_PAGE_PERMISSIONS if vendor.is_trusted else ())
    return {
        "group": {ADMIN_ACCESS_PERMISSION},
        "pages": {(vendor.storefront.pk, f"{kind}_page") for kind in page_types},
        "collections": {
            (vendor.collection_id, app_label, codename)
            for app_label, codename in VENDOR_COLLECTION_PERMISSIONS
        },
    }


def vendor_group_permissions(*, group: Group) -> dict:
    """The permissions a group actually holds, in the shape of `vendor_intended_permissions`."""
    return {
        "group": set(group.permissions.values_list("content_type__app_label", "codename")),
        "pages": set(group.page_permissions.values_list("page_id", "permission__codename")),
        "collections": set(
            group.collection_permissions.values_list(
                "collection_id", "permission__content_type__app_label", "permission__codename"
            )
        ),
    }


def vendor_moderation_ensure() -> Workflow:
    """Attach the default moderation workflow to the vendors index page (idempotent).

    The workflow's approval task is given the Moderators and Editors groups, who approve vendor
    submissions, and those groups get publish permission on the vendors index subtree (an
    approval publishes with the approver's rights). Creates the workflow when a database lacks Wagtail's default one. Raises
    `VendorSetupMissing` when there is no vendors index page.
    """
    index = VendorIndexPage.objects.first()
    if index is None:
        raise VendorSetupMissing("There is no vendors index page; run `seed_demo` first.")
    with transaction.atomic():
        existing = WorkflowPage.objects.filter(page=index).select_related("workflow").first()
        if existing is not None and existing.workflow.active:
            workflow = existing.workflow
        else:
            workflow = Workflow.objects.filter(
                name=DEFAULT_WORKFLOW_NAME, active=True
            ).first() or Workflow.objects.create(name=DEFAULT_WORKFLOW_NAME, active=True)
            WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})
        task_link = WorkflowTask.objects.filter(workflow=workflow).order_by("sort_order").first()
        if task_link is None:
            task = GroupApprovalTask.objects.create(name=DEFAULT_WORKFLOW_NAME, active=True)
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        else:
            task = task_link.task.specific
        approvers = list(Group.objects.filter(name__in=APPROVER_GROUP_NAMES))
        if isinstance(task, GroupApprovalTask) and approvers:
            task.groups.add(*approvers)
        # Approving publishes the revision with the approver's own rights, so approvers need
        # publish permission on the vendors area (Wagtail's Editors group has none by default).
        for group in approvers:
            _grant_page_permissions(group=group, page=index, permission_types=("publish",))
    return workflow


def _grant_page_permissions(*, group: Group, page: Page, permission_types) -> None:
    for permission_type in permission_types:
        GroupPagePermission.objects.get_or_create(
            group=group, page=page, permission=_page_permission(permission_type)
        )


@transaction.atomic
def vendor_onboard(
    *,
    name: str,
    contact_email: str,
    owner,
    is_trusted: bool = False,
    commission_rate: Decimal = Decimal("10.00"),
    shipping_flat_rate: Decimal = Decimal("0.00"),
    slug: str | None = None,
) -> Vendor:
    """Create a vendor with everything it needs to sell, in one transaction.

    Creates the `Vendor`, its published `VendorPage` under the vendors index, a collection
    under the root collection, a group "Vendor: <name>" with admin access, page permissions on
    the storefront only (add, change, and publish when trusted) and image/document add, change
    and choose permissions on the collection, and the owner's membership (role owner). Makes
    sure the moderation workflow covers the vendors index.

    Raises `VendorNameTaken` when the name, slug or group name is in use, `VendorError` for an
    empty name or slug or an inactive owner, `VendorSetupMissing` without a vendors index.
    Locks nothing beyond the rows it inserts; the unique constraints settle races.
    """
    name = (name or "").strip()
    if not name:
        raise VendorError("A vendor needs a name.", field="name")
    slug = slugify(slug or name)
    if not slug:
        raise VendorError("The vendor's name must contain letters or digits.", field="slug")
    if owner is None or not owner.is_active:
        raise VendorError("The owner must be an active user.", field="owner")
    index = VendorIndexPage.objects.first()
    if index is None:
        raise VendorSetupMissing("There is no vendors index page; run `seed_demo` first.")
    group_name = vendor_group_name(name=name)
    if (
        Vendor.objects.filter(name__iexact=name).exists()
        or Vendor.objects.filter(slug=slug).exists()
        or Group.objects.filter(name=group_name).exists()
        or index.get_children().filter(slug=slug).exists()
    ):
        raise VendorNameTaken(f"A vendor named “{name}” already exists.", field="name")

    try:
        with transaction.atomic():
            group = Group.objects.create(name=group_name)
            collection = Collection.get_first_root_node().add_child(name=name)
            vendor = Vendor.objects.create(
                name=name,
                slug=slug,
                contact_email=contact_email,
                is_trusted=is_trusted,
                commission_rate=commission_rate,
                shipping_flat_rate=shipping_flat_rate,
                group=group,
                collection=collection,
            )
    except IntegrityError:
        raise VendorNameTaken(f"A vendor named “{name}” already exists.", field="name")

    storefront = index.add_child(instance=VendorPage(title=name, slug=slug, vendor=vendor))
    storefront.save_revision().publish()

    group.permissions.add(_permission(*ADMIN_ACCESS_PERMISSION))
    _grant_page_permissions(
        group=group,
        page=storefront,
        permission_types=VENDOR_PAGE_PERMISSIONS + (TRUSTED_PAGE_PERMISSIONS if is_trusted else ()),
    )
    for app_label, codename in VENDOR_COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.create(
            group=group, collection=collection, permission=_permission(app_label, codename)
        )
    vendor_member_add(vendor=vendor, user=owner, role=VendorMembership.Role.OWNER)
    vendor_moderation_ensure()
    return vendor


@transaction.atomic
def vendor_member_add(
    *, vendor: Vendor, user, role: str = VendorMembership.Role.STAFF
) -> VendorMembership:
    """Make `user` a member of `vendor` (and of its group). Idempotent; updates the role."""
    membership, created = VendorMembership.objects.get_or_create(
        vendor=vendor, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    if vendor.group_id:
        user.groups.add(vendor.group_id)
    return membership


def _locked(vendor: Vendor) -> Vendor:
    return Vendor.objects.select_for_update().get(pk=vendor.pk)


@transaction.atomic
def vendor_trust_set(*, vendor: Vendor, is_trusted: bool) -> Vendor:
    """Grant (trusted) or withdraw (untrusted) direct publishing on the storefront subtree.

    Locks the vendor row. For a suspended vendor only the flag changes; reactivation then
    restores the permissions it had, adjusted to the new trust.
    """
    vendor = _locked(vendor)
    vendor.is_trusted = is_trusted
    vendor.save(update_fields=["is_trusted"])
    if vendor.group_id is None:
        return vendor
    storefront = vendor.storefront
    if vendor.is_active:
        if is_trusted:
            _grant_page_permissions(
                group=vendor.group, page=storefront, permission_types=TRUSTED_PAGE_PERMISSIONS
            )
        else:
            GroupPagePermission.objects.filter(
                group=vendor.group,
                page=storefront,
                permission__codename__in=[f"{kind}_page" for kind in TRUSTED_PAGE_PERMISSIONS],
            ).delete()
    else:
        saved = vendor.suspended_permissions
        codenames = {f"{kind}_page" for kind in TRUSTED_PAGE_PERMISSIONS}
        pages = [entry for entry in saved.get("pages", []) if entry[1] not in codenames]
        if is_trusted:
            pages += [[storefront.pk, codename] for codename in sorted(codenames)]
        vendor.suspended_permissions = {**saved, "pages": pages}
        vendor.save(update_fields=["suspended_permissions"])
    return vendor


@transaction.atomic
def vendor_suspend(*, vendor: Vendor) -> Vendor:
    """Suspend a vendor: its products stop being purchasable and its members lose edit rights.

    Unpublishes nothing. The group's page and collection permissions are removed and kept on
    the vendor (`suspended_permissions`) so `vendor_reactivate` gives back exactly those; the
    group keeps admin access so members can still see and ship orders already paid.
    Locks the vendor row; suspending a suspended vendor changes nothing.
    """
    vendor = _locked(vendor)
    if not vendor.is_active:
        return vendor
    snapshot: dict = {"pages": [], "collections": []}
    if vendor.group_id:
        group = vendor.group
        snapshot["pages"] = sorted(
            [page_id, codename]
            for page_id, codename in group.page_permissions.values_list(
                "page_id", "permission__codename"
            )
        )
        snapshot["collections"] = sorted(
            [collection_id, app_label, codename]
            for collection_id, app_label, codename in group.collection_permissions.values_list(
                "collection_id", "permission__content_type__app_label", "permission__codename"
            )
        )
        group.page_permissions.all().delete()
        group.collection_permissions.all().delete()
    vendor.status = Vendor.Status.SUSPENDED
    vendor.suspended_permissions = snapshot
    vendor.save(update_fields=["status", "suspended_permissions"])
    return vendor


@transaction.atomic
def vendor_reactivate(*, vendor: Vendor) -> Vendor:
    """Undo `vendor_suspend`: restore the group's permissions exactly and make it active.

    Pages or collections deleted meanwhile are skipped. Locks the vendor row; reactivating an
    active vendor changes nothing.
    """
    vendor = _locked(vendor)
    if vendor.is_active:
        return vendor
    snapshot = vendor.suspended_permissions or {}
    if vendor.group_id:
        group = vendor.group
        existing_pages = set(
            Page.objects.filter(
                pk__in=[page_id for page_id, _ in snapshot.get("pages", [])]
            ).values_list("pk", flat=True)
        )
        for page_id, codename in snapshot.get("pages", []):
            if page_id in existing_pages:
                GroupPagePermission.objects.get_or_create(
                    group=group, page_id=page_id, permission=_permission("wagtailcore", codename)
                )
        existing_collections = set(
            Collection.objects.filter(
                pk__in=[entry[0] for entry in snapshot.get("collections", [])]
            ).values_list("pk", flat=True)
        )
        for collection_id, app_label, codename in snapshot.get("collections", []):
            if collection_id in existing_collections:
                GroupCollectionPermission.objects.get_or_create(
                    group=group,
                    collection_id=collection_id,
                    permission=_permission(app_label, codename),
                )
    vendor.status = Vendor.Status.ACTIVE
    vendor.suspended_permissions = {}
    vendor.save(update_fields=["status", "suspended_permissions"])
    return vendor
