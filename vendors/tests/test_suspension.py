from wagtail.models import GroupPagePermission

from catalog.tests.factories import make_product
from vendors.models import Vendor
from vendors.services import (
    vendor_group_permissions,
    vendor_intended_permissions,
    vendor_reactivate,
    vendor_suspend,
    vendor_trust_set,
)


def test_suspend_removes_edit_rights_and_unpublishes_nothing(vendor_a):
    product = make_product(vendor=vendor_a)

    vendor = vendor_suspend(vendor=vendor_a)

    assert vendor.status == Vendor.Status.SUSPENDED
    assert vendor.is_active is False
    assert vendor_group_permissions(group=vendor.group) == {
        "group": {("wagtailadmin", "access_admin")},
        "pages": set(),
        "collections": set(),
    }
    product.refresh_from_db()
    vendor.storefront.refresh_from_db()
    assert product.live is True
    assert vendor.storefront.live is True


def test_suspend_and_reactivate_round_trip_restores_exact_permissions(vendor_a, vendor_b):
    # An editor's extra grant by hand must survive the round trip too.
    GroupPagePermission.objects.create(
        group=vendor_a.group, page=vendor_a.storefront, permission_type="lock"
    )
    before = vendor_group_permissions(group=vendor_a.group)
    other_before = vendor_group_permissions(group=vendor_b.group)

    vendor_suspend(vendor=vendor_a)
    vendor = vendor_reactivate(vendor=vendor_a)

    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.ACTIVE
    assert vendor.suspended_permissions == {}
    assert vendor_group_permissions(group=vendor.group) == before
    assert vendor_group_permissions(group=vendor_b.group) == other_before


def test_suspend_twice_and_reactivate_active_change_nothing(vendor_a):
    vendor_suspend(vendor=vendor_a)
    snapshot = Vendor.objects.get(pk=vendor_a.pk).suspended_permissions

    vendor_suspend(vendor=vendor_a)

    assert Vendor.objects.get(pk=vendor_a.pk).suspended_permissions == snapshot
    vendor_reactivate(vendor=vendor_a)
    before = vendor_group_permissions(group=vendor_a.group)
    vendor_reactivate(vendor=vendor_a)
    assert vendor_group_permissions(group=vendor_a.group) == before


def test_trust_set_grants_and_withdraws_publish(vendor_a):
    vendor = vendor_trust_set(vendor=vendor_a, is_trusted=True)
    assert vendor_group_permissions(group=vendor.group) == vendor_intended_permissions(
        vendor=vendor
    )
    assert (vendor.storefront.pk, "publish_page") in vendor_group_permissions(group=vendor.group)[
        "pages"
    ]

    vendor = vendor_trust_set(vendor=vendor, is_trusted=False)
    assert vendor_group_permissions(group=vendor.group) == vendor_intended_permissions(
        vendor=vendor
    )


def test_trust_set_while_suspended_applies_on_reactivation(vendor_a):
    vendor_suspend(vendor=vendor_a)

    vendor_trust_set(vendor=vendor_a, is_trusted=True)
    assert vendor_group_permissions(group=vendor_a.group)["pages"] == set()
    vendor = vendor_reactivate(vendor=vendor_a)

    assert vendor_group_permissions(group=vendor.group) == vendor_intended_permissions(
        vendor=vendor
    )
