"""Vendor test data. `make_vendor` builds the rows directly (no groups or permissions);
tests of onboarding and permissions use `vendors.services.vendor_onboard` instead."""

from decimal import Decimal

from django.utils.text import slugify

from vendors.models import Vendor, VendorIndexPage, VendorPage

_counter = iter(range(1, 1_000_000))


def make_vendor(
    *,
    name: str | None = None,
    status: str = Vendor.Status.ACTIVE,
    is_trusted: bool = True,
    shipping_flat_rate: Decimal = Decimal("0.00"),
    index: VendorIndexPage | None = None,
) -> Vendor:
    name = name or f"Vendor {next(_counter)}"
    vendor = Vendor.objects.create(
        name=name,
        slug=slugify(name),
        contact_email=f"{slugify(name)}@vendors.example.com",
        status=status,
        is_trusted=is_trusted,
        shipping_flat_rate=shipping_flat_rate,
    )
    index = index or VendorIndexPage.objects.get()
    page = index.add_child(instance=VendorPage(title=name, slug=vendor.slug, vendor=vendor))
    page.save_revision().publish()
    return vendor
