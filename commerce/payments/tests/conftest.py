"""Payment test fixtures: orders to pay, a notification spy, and localstripe.

`localstripe` starts the localstripe server (a Stripe API stand-in, pinned in
requirements-dev.txt) as a subprocess on a free loopback port, once per test session. Its store
is kept in memory only (localstripe pickles it to a fixed file by default, which parallel runs
would share). When it cannot start, the tests that need it skip, or fail with
REQUIRE_SERVICES=1.

`stripe_live` points the shop at it (settings), and registers the live test server's webhook URL
with localstripe, so payments made in a test come back as real signed webhooks.
"""

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

from commerce.payments.tests.support import (
    PUBLISHABLE_KEY,
    SECRET_KEY,
    WEBHOOK_PATH,
    WEBHOOK_SECRET,
    make_reserved_order,
    wait_for,
)

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


@pytest.fixture(autouse=True)
def _eager_celery():
    """Event processing runs in the test process even when a broker is configured (CI): the
    tests assert what the task does, not the broker's delivery."""
    from nexus.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def _service_missing(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
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
    port = _free_port()
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
        _service_missing(reason)
    return url


def localstripe_register_webhook(base_url: str, target_url: str) -> None:
    data = f"url={target_url}&secret={WEBHOOK_SECRET}".encode()
    request = urllib.request.Request(f"{base_url}/_config/webhooks/nexus", data=data, method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        assert response.status == 200


@pytest.fixture
def stripe_settings(settings):
    """Stripe configured (keys and webhook secret), no API call needed."""
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
        wait_for(lambda: self.in_flight.count <= 0, timeout=10)


@pytest.fixture
def stripe_live(stripe_settings, localstripe, live_server):
    """The shop talks to localstripe, and localstripe delivers signed webhooks to the live
    test server."""
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


@pytest.fixture
def dummy_settings(settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_API_BASE = ""
    settings.PAYMENT_PROVIDER = "dummy"
    return settings


@pytest.fixture
def paid_notifications(monkeypatch):
    """Records every `notify_order_paid` / `notify_refund` call (and still makes them)."""
    from commerce import notifications

    calls = {"paid": [], "refund": []}
    original_paid, original_refund = notifications.notify_order_paid, notifications.notify_refund

    def notify_order_paid(*, order):
        calls["paid"].append(order.pk)
        original_paid(order=order)

    def notify_refund(*, refund):
        calls["refund"].append(refund.pk)
        original_refund(refund=refund)

    monkeypatch.setattr(notifications, "notify_order_paid", notify_order_paid)
    monkeypatch.setattr(notifications, "notify_refund", notify_refund)
    return calls


@pytest.fixture
def order_factory(site_tree):
    return make_reserved_order
