"""DRF permission classes asking the one vendor policy (`vendors.permissions`)."""

from rest_framework.permissions import BasePermission

from vendors import permissions as policy
from vendors.exceptions import VendorSuspended


class IsVendorMemberOrEditor(BasePermission):
    """Authenticated vendor members (their own vendors' objects) and editors (every vendor).

    Anyone else is refused with 403; another vendor's object is not found (404) because the
    views read through selectors that are already scoped to the user. A member whose every
    vendor is suspended is refused too (403 `vendor_suspended`): suspension takes effect on the
    very next request, whatever token the member still holds."""

    message = "Only members of a vendor (or editors) can use the vendor API."

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if policy.is_editor(user):
            return True
        if not policy.is_vendor_member(user):
            return False
        if not policy.is_active_vendor_member(user):
            raise VendorSuspended("Your vendor is suspended: the vendor API is closed to it.")
        return True
