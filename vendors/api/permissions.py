"""DRF permission classes asking the one vendor policy (`vendors.permissions`)."""

from rest_framework.permissions import BasePermission

from vendors import permissions as policy


class IsVendorMemberOrEditor(BasePermission):
    """Authenticated vendor members (their own vendors' objects) and editors (every vendor).

    Anyone else is refused with 403; another vendor's object is not found (404) because the
    views read through selectors that are already scoped to the user. A member whose every
    vendor is suspended is refused too (403 `vendor_suspended`; see
    `vendors.permissions.vendor_operations_allowed`)."""

    message = "Only members of a vendor (or editors) can use the vendor API."

    def has_permission(self, request, view):
        return policy.vendor_operations_allowed(request.user)
