"""Applying to become a vendor on the site, and editors deciding in the admin."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from vendors.applications import application_approve, application_reject, application_submit
from vendors.exceptions import ApplicationAlreadyDecided, ApplicationPending, VendorError
from vendors.models import Vendor, VendorApplication, VendorMembership


def test_apply_requires_login(site_tree, client):
    response = client.get(reverse("vendors:apply"))

    assert response.status_code == 302
    assert "login" in response.url


def test_logged_in_user_applies_once(site_tree, client):
    user = UserFactory(email="maker@example.com")
    client.force_login(user)
    data = {
        "shop_name": "Maker Studio",
        "contact_email": "studio@example.com",
        "description": "Pots",
    }

    response = client.post(reverse("vendors:apply"), data)
    again = client.post(reverse("vendors:apply"), data)

    assert response.status_code == 302
    application = VendorApplication.objects.get()
    assert (application.applicant, application.shop_name, application.status) == (
        user,
        "Maker Studio",
        "pending",
    )
    assert again.status_code == 400
    assert VendorApplication.objects.count() == 1
    assert (
        'data-application-status="pending"' in client.get(reverse("vendors:apply")).content.decode()
    )


def test_apply_with_invalid_input_is_400(site_tree, client):
    client.force_login(UserFactory())

    response = client.post(reverse("vendors:apply"), {"shop_name": "", "contact_email": "nope"})

    assert response.status_code == 400
    assert VendorApplication.objects.count() == 0


def test_submit_refuses_existing_vendor_name(vendor_a):
    with pytest.raises(VendorError):
        application_submit(
            applicant=UserFactory(), shop_name="ALPHA GOODS", contact_email="a@example.com"
        )
    assert VendorApplication.objects.count() == 0


def test_second_pending_application_refused(site_tree):
    user = UserFactory()
    application_submit(applicant=user, shop_name="One", contact_email="a@example.com")

    with pytest.raises(ApplicationPending):
        application_submit(applicant=user, shop_name="Two", contact_email="a@example.com")
    assert VendorApplication.objects.count() == 1


def test_editor_approves_in_admin_and_vendor_is_onboarded(site_tree, editor, client):
    applicant = UserFactory(email="maker@example.com")
    application = application_submit(
        applicant=applicant, shop_name="Maker Studio", contact_email="studio@example.com"
    )
    client.force_login(editor)

    listing = client.get(reverse("vendor_applications:index"))
    review = client.get(reverse("vendors_cms:application_review", args=[application.pk]))
    inspect = client.get(reverse("vendor_applications:inspect", args=[application.pk]))
    response = client.post(
        reverse("vendors_cms:application_approve", args=[application.pk]), {"note": "Welcome"}
    )

    assert listing.status_code == 200
    assert "Maker Studio" in listing.content.decode()
    assert reverse("vendors_cms:application_review", args=[application.pk]) in (
        listing.content.decode()
    )
    assert review.status_code == 200
    assert reverse("vendors_cms:application_approve", args=[application.pk]) in (
        review.content.decode()
    )
    assert inspect.status_code == 200
    assert response.status_code == 302
    application.refresh_from_db()
    vendor = Vendor.objects.get(name="Maker Studio")
    assert (application.status, application.vendor, application.decided_by) == (
        "approved",
        vendor,
        editor,
    )
    assert application.decision_note == "Welcome"
    assert VendorMembership.objects.get(vendor=vendor).user == applicant
    assert vendor.is_trusted is False
    assert vendor.storefront.live is True


def test_editor_rejects_and_a_decided_application_cannot_be_decided_again(
    site_tree, editor, client
):
    application = application_submit(
        applicant=UserFactory(), shop_name="Maker Studio", contact_email="studio@example.com"
    )
    client.force_login(editor)

    client.post(reverse("vendors_cms:application_reject", args=[application.pk]), {"note": "No"})
    client.post(reverse("vendors_cms:application_approve", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == "rejected"
    assert Vendor.objects.count() == 0
    with pytest.raises(ApplicationAlreadyDecided):
        application_approve(application=application, actor=editor)
    with pytest.raises(ApplicationAlreadyDecided):
        application_reject(application=application, actor=editor)


def test_vendor_member_cannot_approve_applications(vendor_a, owner_a, client):
    application = application_submit(
        applicant=UserFactory(), shop_name="Maker Studio", contact_email="studio@example.com"
    )
    client.force_login(owner_a)

    assert client.get(reverse("vendor_applications:index")).status_code == 302
    assert client.get(
        reverse("vendors_cms:application_review", args=[application.pk])
    ).status_code in (302, 403)

    client.post(reverse("vendors_cms:application_approve", args=[application.pk]))

    application.refresh_from_db()
    assert application.status == "pending"
    assert not Vendor.objects.filter(name="Maker Studio").exists()
