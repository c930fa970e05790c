"""pytest plugins of the project's tests, loaded by the root conftest (`pytest_plugins`):
`localstripe` (a Stripe stand-in served on loopback) and `browser` (Chromium, axe-core checks,
screenshots). `service_missing` is how a fixture whose service is not there ends the test."""

import os

import pytest


def service_missing(reason: str):
    """Skip the test for `reason`; with REQUIRE_SERVICES=1 (CI) fail it instead."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)
