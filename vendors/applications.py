"""Writes of the vendor application flow: a site user applies, an editor decides."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from vendors.exceptions import ApplicationAlreadyDecided, ApplicationPending, VendorError
from vendors.models import Vendor, VendorApplication
from vendors.services import vendor_onboard


def application_submit(
    *, applicant, shop_name: str, contact_email: str, description: str = ""
) -> VendorApplication:
    """Record `applicant`'s request to open a shop.

    Raises `ApplicationPending` (409) when the user already has an open application, and
    `VendorError` (400) for an empty shop name or one an existing vendor uses.
    """
    shop_name = (shop_name or "").strip()
    if not shop_name:
        raise VendorError("Name your shop.", field="shop_name")
    if Vendor.objects.filter(name__iexact=shop_name).exists():
        raise VendorError(f"A shop named “{shop_name}” already exists.", field="shop_name")
    try:
        with transaction.atomic():
            return VendorApplication.objects.create(
                applicant=applicant,
                shop_name=shop_name,
                contact_email=contact_email,
                description=description.strip(),
            )
    except IntegrityError:
        raise ApplicationPending("You already have an application waiting for a decision.")


def _lock_pending(application: VendorApplication) -> VendorApplication:
    application = VendorApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != VendorApplication.Status.PENDING:
        raise ApplicationAlreadyDecided(
            f"This application was already {application.get_status_display().lower()}."
        )
    return application


@transaction.atomic
def application_approve(
    *, application: VendorApplication, actor, is_trusted: bool = False, note: str = ""
) -> Vendor:
    """Approve a pending application: onboard the vendor with the applicant as owner.

    Locks the application row. Raises `ApplicationAlreadyDecided` (409) when it is no longer
    pending, and whatever `vendor_onboard` raises (name taken...); nothing changes then.
    """
    application = _lock_pending(application)
    vendor = vendor_onboard(
        name=application.shop_name,
        contact_email=application.contact_email,
        owner=application.applicant,
        is_trusted=is_trusted,
    )
    application.status = VendorApplication.Status.APPROVED
    application.vendor = vendor
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save()
    return vendor


@transaction.atomic
def application_reject(
    *, application: VendorApplication, actor, note: str = ""
) -> VendorApplication:
    """Reject a pending application. Locks its row; raises `ApplicationAlreadyDecided` (409)."""
    application = _lock_pending(application)
    application.status = VendorApplication.Status.REJECTED
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.decision_note = note
    application.save()
    return application
