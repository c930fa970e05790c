"""DRF permission classes asking the one vendor policy (`vendors.permissions`)."""

from rest_framework.permissions import BasePermission

from vendors import permissions as policy


class IsVendorMemberOrEditor(BasePermission):
    """Authenticated vendor members (their own vendors' objects) and editors (every vendor).

    Anyone else is refused with 403; another vendor's object is not found (404) because the
    views read through selectors that are already scoped to the user."""

    message = "Only members of a vendor (or editors) can use the vendor API."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated) and (
            policy.is_editor(user) or policy.is_vendor_member(user)
        )
