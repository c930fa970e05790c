"""Two onboarded vendors (A untrusted, B trusted) with owners, and an editor."""

from vendors.tests.conftest import editor, owner_a, owner_b, vendor_a, vendor_b  # noqa: F401
