from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from accounts.tests.factories import UserFactory
from vendors.exceptions import VendorError, VendorNameTaken
from vendors.models import Vendor, VendorIndexPage, VendorMembership, VendorPage
from vendors.services import (
    vendor_group_permissions,
    vendor_intended_permissions,
    vendor_member_add,
    vendor_onboard,
)


def _group_snapshot():
    return (
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        Collection.objects.count(),
        Vendor.objects.count(),
        VendorPage.objects.count(),
        VendorMembership.objects.count(),
    )


def test_onboard_creates_vendor_storefront_group_collection_and_membership(site_tree):
    owner = UserFactory()
    groups_before = set(Group.objects.values_list("pk", flat=True))

    vendor = vendor_onboard(
        name="Alpha Goods",
        contact_email="alpha@example.com",
        owner=owner,
        commission_rate=Decimal("12.50"),
        shipping_flat_rate=Decimal("4.90"),
    )

    vendor.refresh_from_db()
    assert (vendor.name, vendor.slug, vendor.contact_email) == (
        "Alpha Goods",
        "alpha-goods",
        "alpha@example.com",
    )
    assert vendor.status == Vendor.Status.ACTIVE
    assert vendor.is_trusted is False
    assert vendor.commission_rate == Decimal("12.50")
    assert vendor.shipping_flat_rate == Decimal("4.90")

    storefront = vendor.storefront
    assert storefront.live is True
    assert storefront.get_parent().pk == site_tree.vendors.pk
    assert storefront.slug == "alpha-goods"

    new_groups = set(Group.objects.values_list("pk", flat=True)) - groups_before
    assert new_groups == {vendor.group_id}
    assert vendor.group.name == "Vendor: Alpha Goods"
    assert vendor.collection.get_parent() == Collection.get_first_root_node()
    assert vendor.collection.name == "Alpha Goods"

    assert list(VendorMembership.objects.values_list("user_id", "vendor_id", "role")) == [
        (owner.pk, vendor.pk, "owner")
    ]
    assert list(owner.groups.values_list("pk", flat=True)) == [vendor.group_id]


def test_onboard_untrusted_group_has_exactly_the_intended_permissions(site_tree):
    vendor = vendor_onboard(name="Alpha Goods", contact_email="a@example.com", owner=UserFactory())
    storefront_id = vendor.storefront.pk
    collection_id = vendor.collection_id

    assert vendor_group_permissions(group=vendor.group) == {
        "group": {("wagtailadmin", "access_admin")},
        "pages": {(storefront_id, "add_page"), (storefront_id, "change_page")},
        "collections": {
            (collection_id, "wagtailimages", "add_image"),
            (collection_id, "wagtailimages", "change_image"),
            (collection_id, "wagtailimages", "choose_image"),
            (collection_id, "wagtaildocs", "add_document"),
            (collection_id, "wagtaildocs", "change_document"),
            (collection_id, "wagtaildocs", "choose_document"),
        },
    }
    assert vendor_group_permissions(group=vendor.group) == vendor_intended_permissions(
        vendor=vendor
    )


def test_onboard_trusted_group_also_publishes_on_its_storefront_only(site_tree):
    vendor = vendor_onboard(
        name="Beta Wares", contact_email="b@example.com", owner=UserFactory(), is_trusted=True
    )
    storefront_id = vendor.storefront.pk

    permissions = vendor_group_permissions(group=vendor.group)
    assert permissions["pages"] == {
        (storefront_id, "add_page"),
        (storefront_id, "change_page"),
        (storefront_id, "publish_page"),
    }
    assert permissions == vendor_intended_permissions(vendor=vendor)


def test_onboard_attaches_moderation_workflow_to_the_vendors_index(site_tree):
    vendor = vendor_onboard(name="Alpha Goods", contact_email="a@example.com", owner=UserFactory())

    index = VendorIndexPage.objects.get()
    workflow = index.workflowpage.workflow
    assert workflow.active is True
    assert vendor.storefront.get_workflow() == workflow
    task = workflow.workflow_tasks.get().task.specific
    assert set(task.groups.values_list("name", flat=True)) >= {"Moderators", "Editors"}
    # Approving publishes with the approver's rights: both groups may publish vendor pages.
    for name in ("Moderators", "Editors"):
        assert GroupPagePermission.objects.filter(
            group__name=name, page=index, permission__codename="publish_page"
        ).exists()


def test_onboard_refuses_duplicate_name_and_changes_nothing(site_tree):
    vendor_onboard(name="Alpha Goods", contact_email="a@example.com", owner=UserFactory())
    before = _group_snapshot()

    with pytest.raises(VendorNameTaken):
        vendor_onboard(name="alpha goods", contact_email="x@example.com", owner=UserFactory())

    assert _group_snapshot() == before


@pytest.mark.parametrize(("name", "field"), [("", "name"), ("   ", "name"), ("!!!", "slug")])
def test_onboard_refuses_empty_names(site_tree, name, field):
    before = _group_snapshot()

    with pytest.raises(VendorError) as raised:
        vendor_onboard(name=name, contact_email="x@example.com", owner=UserFactory())

    assert raised.value.field == field
    assert _group_snapshot() == before


def test_onboard_refuses_inactive_owner(site_tree):
    owner = UserFactory(is_active=False)
    before = _group_snapshot()

    with pytest.raises(VendorError):
        vendor_onboard(name="Alpha Goods", contact_email="a@example.com", owner=owner)

    assert _group_snapshot() == before


def test_member_add_joins_group_and_is_idempotent(vendor_a):
    staff = UserFactory()

    vendor_member_add(vendor=vendor_a, user=staff)
    vendor_member_add(vendor=vendor_a, user=staff)

    assert list(VendorMembership.objects.filter(user=staff).values_list("vendor_id", "role")) == [
        (vendor_a.pk, "staff")
    ]
    assert list(staff.groups.values_list("pk", flat=True)) == [vendor_a.group_id]
