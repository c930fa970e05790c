"""Domain errors of the vendors app (mapped to HTTP by `nexus.api` and the site views)."""

from nexus.errors import Conflict, DomainError, NotFound, PermissionDenied


class VendorError(DomainError):
    code = "vendor_invalid"


class VendorNameTaken(Conflict):
    code = "vendor_name_taken"


class VendorNotFound(NotFound):
    code = "vendor_not_found"


class VendorSuspended(PermissionDenied):
    code = "vendor_suspended"


class VendorSetupMissing(VendorError):
    """The page tree has no vendors index page (run `site_tree_ensure` or `seed_demo`)."""

    code = "vendor_setup_missing"


class ApplicationAlreadyDecided(Conflict):
    code = "application_already_decided"


class ApplicationPending(Conflict):
    code = "application_pending"
