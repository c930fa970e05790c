"""localstripe for the payment tests: `localstripe` starts it once per session, `stripe_live`
points the shop at it with the live test server's webhook URL registered."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

from nexus.tests.plugins import service_missing

# --- localstripe ---------------------------------------------------------------------------
# `localstripe` starts the localstripe server (a Stripe API stand-in, pinned in
# requirements-dev.txt) as a subprocess on a loopback port (LOCALSTRIPE_PORT, or a free one),
# once per test session. Its store is kept in memory only (localstripe pickles it to a fixed file
# by default, which parallel runs would share). `stripe_live` points the shop at it (settings)
# and registers the live test server's webhook URL with localstripe, so payments made in a test
# come back as real signed webhooks. Used by the payment and the GraphQL tests.

# Runs localstripe's aiohttp app on 127.0.0.1 only, without its on-disk store.
LAUNCHER = """
import sys
from aiohttp import web
import localstripe.resources as resources
resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None
from localstripe.server import app
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
"""


def _localstripe_port() -> int:
    """LOCALSTRIPE_PORT if set, else a free port the system picks."""
    if os.environ.get("LOCALSTRIPE_PORT"):
        return int(os.environ["LOCALSTRIPE_PORT"])
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/js.stripe.com/v3/", timeout=1) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def _localstripe_process(tmp_path_factory):
    try:
        import localstripe  # noqa: F401
    except ImportError:
        yield None, "localstripe is not installed (pip install -r requirements-dev.txt)"
        return
    port = _localstripe_port()
    url = f"http://127.0.0.1:{port}"
    log_path = Path(tmp_path_factory.mktemp("localstripe")) / "localstripe.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and launcher
            [sys.executable, "-c", LAUNCHER, str(port)], stdout=log, stderr=subprocess.STDOUT
        )
        try:
            for _ in range(100):
                if _answers(url):
                    break
                if process.poll() is not None:
                    break
                time.sleep(0.1)
            if _answers(url):
                yield url, ""
            else:
                yield None, f"localstripe did not start: {log_path.read_text()[-500:]}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def localstripe(_localstripe_process) -> str:
    """The base URL of a running localstripe."""
    url, reason = _localstripe_process
    if url is None:
        service_missing(reason)
    return url


def localstripe_register_webhook(base_url: str, target_url: str) -> None:
    from commerce.payments.tests.support import WEBHOOK_SECRET

    data = f"url={target_url}&secret={WEBHOOK_SECRET}".encode()
    request = urllib.request.Request(  # noqa: S310 - the loopback localstripe
        f"{base_url}/_config/webhooks/nexus", data=data, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        assert response.status == 200


@pytest.fixture
def stripe_settings(settings):
    """Stripe configured (keys and webhook secret), no API call needed."""
    from commerce.payments.tests.support import PUBLISHABLE_KEY, SECRET_KEY, WEBHOOK_SECRET

    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.PAYMENT_PROVIDER = "stripe"
    return settings


class _RequestsInFlight:
    """Counts requests being served (the live server answers webhooks in its own threads)."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1


@dataclass
class LocalStripe:
    url: str
    in_flight: _RequestsInFlight

    def wait_idle(self) -> None:
        """Wait until the live server has answered every request it received. A webhook's
        after-commit work (notifications) runs after the test can see its effect; on SQLite
        the live server shares the test's connection, so nothing may overlap."""
        from commerce.payments.tests.support import wait_for

        wait_for(lambda: self.in_flight.count <= 0, timeout=10)


@pytest.fixture
def stripe_live(stripe_settings, localstripe, live_server):
    """The shop talks to localstripe, and localstripe delivers signed webhooks to the live
    test server."""
    from commerce.payments.tests.support import WEBHOOK_PATH

    in_flight = _RequestsInFlight()
    request_started.connect(in_flight.started)
    request_finished.connect(in_flight.finished)
    stripe_settings.STRIPE_API_BASE = localstripe
    localstripe_register_webhook(localstripe, f"{live_server.url}{WEBHOOK_PATH}")
    server = LocalStripe(url=localstripe, in_flight=in_flight)
    yield server
    # Neither a late event nor a webhook still being answered may touch the database while
    # it is reset for the next test.
    localstripe_register_webhook(localstripe, "http://127.0.0.1:9/")
    server.wait_idle()
    request_started.disconnect(in_flight.started)
    request_finished.disconnect(in_flight.finished)
