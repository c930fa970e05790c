"""Two onboarded vendors (A untrusted, B trusted) with owners, and an editor."""

from vendors.tests.conftest import (  # noqa: F401
    editor,
    owner_a,
    owner_b,
    vendor_a,
    vendor_b,
    vendor_pair_rows,
)
