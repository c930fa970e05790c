"""Reads for vendor operations: stock, low stock and products.

Every function takes the acting `user` and narrows at the source through the one policy in
`vendors.permissions`, so admin views and the API cannot forget to scope. A vendor's order
lines, sales totals and dashboard are orders, so `commerce.vendor_orders` reads them.
"""

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from nexus.page_restrictions import public
from vendors import permissions as policy
from vendors.models import Vendor


def _restrict_vendor(queryset: QuerySet, vendor: Vendor | None, field: str) -> QuerySet:
    return queryset.filter(**{field: vendor.pk}) if vendor is not None else queryset


def vendor_variants(*, user, vendor: Vendor | None = None) -> QuerySet:
    """Product variants of the user's vendors with their stock row, by product then SKU."""
    from catalog.models import ProductVariant

    variants = policy.variants_for_user(user, ProductVariant.objects.all())
    variants = _restrict_vendor(variants, vendor, "page__vendor_id")
    return (
        variants.select_related("page", "page__vendor", "stock")
        .with_quantity()
        .order_by("page__title", "sku")
    )


def vendor_variant_get(*, user, sku: str):
    """The variant with `sku` if the user may see it, else None (another vendor's is not found)."""
    return vendor_variants(user=user).filter(sku=sku).first()


def vendor_variant_for_change(*, user, sku: str):
    """The variant with `sku` whose stock `user` may change.

    Raises `VendorNotFound` when the user may not see it (another vendor's is not found) and
    `VendorSuspended` when its vendor is suspended (members lose stock rights; editors keep them).
    """
    from vendors.exceptions import VendorNotFound, VendorSuspended

    variant = vendor_variant_get(user=user, sku=sku)
    if variant is None:
        raise VendorNotFound(f"No variant with SKU {sku} for your vendor.")
    vendor = variant.page.vendor
    if vendor is None or not policy.user_can_edit_vendor_content(user, vendor):
        raise VendorSuspended("This vendor is suspended: its stock cannot be changed.")
    return variant


def vendor_low_stock(*, user) -> QuerySet:
    """The user's vendors' variants running low (the catalog's one definition,
    `VariantQuerySet.running_low`: what the daily digest lists too), lowest first."""
    return vendor_variants(user=user).running_low().order_by("quantity", "page__title", "sku")


def vendor_products_summary(*, user, vendor: Vendor | None = None) -> QuerySet:
    """The user's vendors' products with variant count and total stock (drafts included)."""
    from catalog.models import ProductPage

    products = policy.products_for_user(user, ProductPage.objects.all())
    products = _restrict_vendor(products, vendor, "vendor_id")
    return (
        products.select_related("vendor")
        .annotate(
            # Archived variants (dropped by a revision, kept for their orders) are not counted.
            variant_count=Count("variants", filter=Q(variants__is_archived=False), distinct=True),
            total_stock=Coalesce(
                Sum("variants__stock__quantity", filter=Q(variants__is_archived=False)), 0
            ),
        )
        .order_by("title", "pk")
    )


def vendors_with_storefront() -> list[Vendor]:
    """Vendors whose storefront page is live and public, by name, storefront selected.

    Suspended vendors are listed too (their storefront stays up; `is_active` says they are not
    selling). One query: the restricted sections of the tree come from the cache."""
    from vendors.models import VendorPage

    storefronts = public(VendorPage.objects.live()).values("pk")
    return list(
        Vendor.objects.filter(storefront__in=storefronts)
        .select_related("storefront")
        .order_by("name")
    )
