"""The one vendor policy, asked directly."""

from django.contrib.auth.models import AnonymousUser, Group
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from accounts.tests.factories import UserFactory
from catalog.models import ProductPage
from catalog.tests.factories import make_product
from vendors import permissions as policy
from vendors.services import vendor_member_add, vendor_suspend


def test_roles(vendor_a, vendor_b, owner_a, editor):
    moderator = UserFactory()
    moderator.groups.add(Group.objects.get(name="Moderators"))
    superuser = UserFactory(is_superuser=True)
    stranger = UserFactory()

    assert [
        policy.is_editor(user) for user in (editor, moderator, superuser, owner_a, stranger)
    ] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert policy.is_editor(AnonymousUser()) is False
    assert policy.is_vendor_member(owner_a) is True
    assert policy.is_vendor_member(editor) is False
    assert policy.vendor_for_user(owner_a) == vendor_a
    assert policy.vendor_for_user(stranger) is None
    assert list(policy.vendors_for_user(owner_a)) == [vendor_a]
    assert set(policy.vendors_for_user(editor)) == {vendor_a, vendor_b}
    assert list(policy.vendors_for_user(stranger)) == []
    assert list(policy.vendors_for_user(AnonymousUser())) == []


def test_manage_and_edit(vendor_a, vendor_b, owner_a, editor):
    assert policy.user_can_manage_vendor(owner_a, vendor_a) is True
    assert policy.user_can_manage_vendor(owner_a, vendor_b) is False
    assert policy.user_can_manage_vendor(owner_a, None) is False
    assert policy.user_can_manage_vendor(editor, vendor_b) is True
    assert policy.user_can_edit_vendor_content(owner_a, vendor_a) is True

    vendor_suspend(vendor=vendor_a)
    vendor_a.refresh_from_db()

    assert policy.user_can_manage_vendor(owner_a, vendor_a) is True
    assert policy.user_can_edit_vendor_content(owner_a, vendor_a) is False
    assert policy.user_can_edit_vendor_content(editor, vendor_a) is True


def test_member_of_two_vendors_sees_both(vendor_a, vendor_b):
    user = UserFactory()
    vendor_member_add(vendor=vendor_a, user=user)
    vendor_member_add(vendor=vendor_b, user=user)

    assert set(policy.vendors_for_user(user)) == {vendor_a, vendor_b}


def test_querysets_are_narrowed(vendor_a, vendor_b, owner_a, editor):
    product_a = make_product(vendor=vendor_a)
    product_b = make_product(vendor=vendor_b)
    image_model = get_image_model()
    image_a = image_model.objects.create(
        title="a", file=get_test_image_file(), collection=vendor_a.collection
    )
    image_model.objects.create(
        title="b", file=get_test_image_file(), collection=vendor_b.collection
    )

    assert list(policy.products_for_user(owner_a, ProductPage.objects.all())) == [product_a]
    assert set(policy.products_for_user(editor, ProductPage.objects.all())) == {
        product_a,
        product_b,
    }
    assert list(policy.media_for_user(owner_a, image_model.objects.all())) == [image_a]
    pages = set(policy.pages_for_user(owner_a, Page.objects.all()).values_list("pk", flat=True))
    assert pages == {vendor_a.storefront.pk, product_a.pk}
    explorable = set(
        policy.explorable_pages_for_user(owner_a, Page.objects.all()).values_list("pk", flat=True)
    )
    assert product_b.pk not in explorable
    assert vendor_b.storefront.pk not in explorable
    assert vendor_a.storefront.get_parent().pk in explorable
    choosable = set(
        policy.choosable_pages_for_user(owner_a, Page.objects.all()).values_list("pk", flat=True)
    )
    assert product_b.pk not in choosable and vendor_b.storefront.pk not in choosable
    assert product_a.pk in choosable
