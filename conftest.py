"""Project-wide fixtures: the Wagtail site tree, the service gates, Celery run in-process
(`eager_celery`) and the browser.

Service-backed tests ask for `server_database`, `redis_url`, `broker_url`, `localstripe`
(or `stripe_live`) or `chromium_browser`. When the service is not configured they skip with the
reason; with REQUIRE_SERVICES=1 (CI) the same situation fails. Browser journeys check each page
with `assert_accessible` (axe-core) and keep desktop and phone pictures of it with
`save_screenshots` (both at once: `check_page`).
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import connections


def _service_missing(reason: str):
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


SERVER_DATABASES = {"postgresql": "PostgreSQL", "mysql": "MariaDB/MySQL"}


@pytest.fixture
def server_database() -> str:
    """The test database is a database server, PostgreSQL or MariaDB/MySQL, whose row locks
    and transactions the concurrency tests prove (SQLite serialises every writer, so it cannot).
    Returns the connection's vendor: "postgresql" or "mysql"."""
    vendor = connections["default"].vendor
    if vendor not in SERVER_DATABASES:
        _service_missing(
            f"the test database is {vendor}, not a database server (set "
            "DATABASE_URL=postgres://... or mysql://...)"
        )
    return vendor


@pytest.fixture
def postgres(server_database) -> str:
    """The earlier name of `server_database` (any database server, not only PostgreSQL)."""
    return server_database


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, request):
    """pytest-django's test database, made safe to keep between runs when asked (--reuse-db;
    --create-db builds it afresh, as every run without --reuse-db does).

    Transactional tests flush every table after themselves and reload the rows that migrations
    made (the Wagtail root page, groups...) only before the next such test; the last one leaves
    the database empty. A kept database is therefore given those rows back at the end of the
    session, and a run refuses to start on a kept database that lacks them.

    Those rows are reloaded in the order of INSTALLED_APPS, where Wagtail comes before Django's
    content types; a Wagtail task asks for its content type while it is being rebuilt, and a
    test that emptied the content-type cache (one that runs migrations) made that lookup create
    the row again under a new id, so the reload failed on its own row. Content types are put
    first, so the lookup finds them.
    """
    from wagtail.models import Page

    connection = connections["default"]
    reused = request.config.getvalue("reuse_db") and not request.config.getvalue("create_db")
    kept = reused and connection.vendor != "sqlite"  # SQLite's test database lives in memory
    with django_db_blocker.unblock():
        if kept and not Page.objects.filter(depth=1).exists():
            pytest.exit(
                "The kept test database lacks the rows its migrations made (an earlier run "
                "was killed?); run once with --create-db.",
                returncode=4,
            )
        if kept and getattr(connection, "_test_serialized_contents", None) is None:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    if getattr(connection, "_test_serialized_contents", None):
        rows = json.loads(connection._test_serialized_contents)
        rows.sort(key=lambda row: row["model"] != "contenttypes.contenttype")  # stable
        connection._test_serialized_contents = json.dumps(rows)
    yield
    if not kept:
        return
    with django_db_blocker.unblock():
        # reset_sequences=False: new rows must not be given the ids of the rows put back.
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            reset_sequences=False,
            inhibit_post_migrate=True,
        )
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests marked `search` read the full-text index. InnoDB (MariaDB/MySQL) adds rows to it
    only when their transaction commits, so there such a test runs with committed transactions
    (as a transactional test) instead of inside the one transaction that is rolled back."""
    if connections["default"].vendor != "mysql":
        return
    for item in items:
        if item.get_closest_marker("search"):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def openapi_schema(django_db_blocker) -> dict:
    """The API's OpenAPI schema as a client gets it from /api/v1/schema/, read once a session."""
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="session")
def openapi_operations(openapi_schema) -> list[tuple[str, str, dict]]:
    """Every operation of the OpenAPI schema as (path, method, operation)."""
    return [
        (path, method, operation)
        for path, item in openapi_schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


@pytest.fixture
def eager_celery():
    """Tasks run in the test process even when a broker is configured (the worker tests
    start their own worker)."""
    from nexus.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        _service_missing("Redis is not configured (set REDIS_URL=redis://...)")
    return url


@pytest.fixture
def broker_url():
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        _service_missing("RabbitMQ is not configured (set CELERY_BROKER_URL=amqp://...)")
    return url


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
        _service_missing(reason)
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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def chromium_browser(monkeypatch):
    """A Playwright browser: Debian's Chromium at /usr/bin/chromium, headless."""
    if shutil.which(CHROMIUM) is None:
        _service_missing(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        _service_missing(f"Playwright cannot be imported ({error})")

    # Playwright's sync API runs an event loop in this thread; Django's async safety check would
    # then refuse the ORM calls the test itself makes, which are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright's loop runs, the ORM works on connections of that context;
            # close them here, or the test database cannot be dropped at the end.
            connections.close_all()


@pytest.fixture
def browser_context(chromium_browser):
    """`browser_context(viewport, failed=None)` opens a page in a browser context of its own
    (each person in a journey has their own cookies); with a list as `failed`, the URL of every
    answer with a 4xx or 5xx status is added to it."""
    contexts = []

    def open_page(viewport, *, failed=None):
        context = chromium_browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        if failed is not None:
            page.on(
                "response",
                lambda response: failed.append(response.url) if response.status >= 400 else None,
            )
        return page

    yield open_page
    for context in contexts:
        context.close()


AXE_SCRIPT = Path(__file__).resolve().parent / "nexus" / "tests" / "vendor" / "axe.min.js"
# What the shop promises: no accessibility violation axe rates "serious" or "critical".
AXE_FAILING_IMPACTS = ("serious", "critical")
# Wagtail's admin widgets the project does not render, with known upstream violations:
# Draftail's rich-text box has no accessible name (wagtail/wagtail#14205), and the tag field's
# jQuery UI autocomplete input is not tied to its label. Checked everywhere else in the admin.
AXE_ADMIN_EXCLUDE = (".public-DraftEditor-content", ".ui-autocomplete-input")


def _axe_report(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def assert_accessible():
    """`assert_accessible(page, exclude=[...])` runs axe-core (vendored, so offline) on the page
    as it is now and fails, listing each rule, element and fix, on any violation whose impact is
    serious or critical. `exclude` takes CSS selectors of parts the shop does not render (a
    payment provider's frame, say); on Wagtail admin pages AXE_ADMIN_EXCLUDE is added. Evaluated
    through the DevTools protocol, so the page's Content-Security-Policy neither blocks axe nor
    has to allow it; the vendored axe replaces the older one Wagtail's admin ships. Finite
    animations (a message fading in) are let finish first, so colours are measured as shown."""
    source = AXE_SCRIPT.read_text(encoding="utf-8")
    version = re.match(r"/\*! axe v(\S+)", source).group(1)

    def check(page, *, exclude: list[str] | tuple[str, ...] = ()) -> list[dict]:
        if page.evaluate("() => window.axe && window.axe.version") != version:
            page.evaluate(f"() => {{ {source}\n}}")
        if urlsplit(page.url).path.startswith("/admin/"):
            exclude = (*exclude, *AXE_ADMIN_EXCLUDE)
        violations = page.evaluate(
            """async (exclude) => {
                // A message fading in is measured at its final colours, not half-way.
                const settling = document.getAnimations().filter(
                    (animation) => animation.effect?.getTiming().iterations !== Infinity,
                );
                await Promise.allSettled(settling.map((animation) => animation.finished));
                const context = {exclude: exclude.map((selector) => [selector])};
                const result = await window.axe.run(
                    exclude.length ? context : document,
                    {iframes: false, resultTypes: ["violations"]},
                );
                return result.violations;
            }""",
            list(exclude),
        )
        failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
        assert not failing, _axe_report(page.url, failing)
        return violations

    return check


SCREENSHOT_WIDTHS = {"desktop": 1280, "phone": 390}


def screenshots_folder() -> Path:
    """artifacts/screenshots/, or SCREENSHOTS_DIR (relative to the repository) when set: two
    runs side by side (CI's PostgreSQL and MariaDB runs) each empty and fill their own."""
    root = Path(__file__).resolve().parent
    return root / os.environ.get("SCREENSHOTS_DIR", "artifacts/screenshots")


@pytest.fixture
def save_screenshots(request):
    """`save_screenshots(page, "step")` saves full-page pictures of the page at desktop (1280 px)
    and phone (390 px) widths as artifacts/screenshots/<journey>/<NN>-<step>-<width>.png, NN
    counting the journey's steps (under SCREENSHOTS_DIR instead when set). The journey is the
    test's name without "test_"; its folder is emptied first, so it holds the last run's pictures
    only. The page's viewport is put back."""
    journey = re.sub(r"[^\w-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    steps = []

    def save(page, step: str) -> list[Path]:
        folder = screenshots_folder() / journey
        if not steps:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        steps.append(step)
        name = f"{len(steps):02d}-" + re.sub(r"[^\w-]+", "-", step).strip("-")
        viewport = page.viewport_size
        height = viewport["height"] if viewport else 900
        paths = []
        try:
            for label, width in SCREENSHOT_WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                path = folder / f"{name}-{label}.png"
                page.screenshot(path=path, full_page=True)
                paths.append(path)
        finally:
            if viewport:
                page.set_viewport_size(viewport)
        return paths

    return save


@pytest.fixture
def check_page(assert_accessible, save_screenshots):
    """`check_page(page, "step")`: one step of a browser journey, checked by axe-core (no
    serious or critical violation) and kept as desktop and phone screenshots."""

    def check(page, step: str, *, exclude: list[str] | tuple[str, ...] = ()) -> None:
        assert_accessible(page, exclude=exclude)
        save_screenshots(page, step)

    return check


# --- Rows shared between tests --------------------------------------------------------------
# Building the page tree and a catalog costs a few hundred queries (treebeard, revisions, the
# reference index) and most tests only read it. A layer (`shared_layer`) is built once and kept,
# in a savepoint of one transaction left open, for the tests that follow and ask for the same
# layers; each test still runs in its own savepoint above them, rolled back after it, and gets
# fresh Python objects read from the database, so no test sees another's changes, in the
# database or in memory. A test sees exactly the layers it asks for: layers it does not ask for
# are rolled back first. Transactional tests (they commit, and other connections must see their
# rows), tests marked `search` (the full-text index is kept only for them) and Django
# TestCase classes build the layers themselves, afresh, as every test did before.


@dataclass
class _Layer:
    build: object  # build(rows) -> value, `rows` holding the values of the layers before it
    after: tuple[str, ...]
    order: int


class SharedRows:
    """The layers built and kept, in the order they were built (each in a savepoint of the
    one before, the first in the transaction), and the values of those built for the current
    test when it cannot share them."""

    layers: dict[str, _Layer] = {}

    def __init__(self):
        self.kept: list[tuple[str, object, object]] = []  # (name, atomic, value)
        self.sharing = False
        self.fresh: dict[str, object] = {}

    @classmethod
    def register(cls, build, after: tuple[str, ...]) -> None:
        name = build.__name__
        assert name not in cls.layers, f"two shared layers are named {name}"
        missing = [layer for layer in after if layer not in cls.layers]
        assert not missing, f"{name} comes after layers not registered yet: {missing}"
        cls.layers[name] = _Layer(build=build, after=after, order=len(cls.layers))

    def chain(self, names) -> list[str]:
        """The layers `names` need, with those they come after, in the order of registration."""
        needed: set[str] = set()
        pending = [name for name in names if name in self.layers]
        while pending:
            name = pending.pop()
            if name not in needed:
                needed.add(name)
                pending.extend(self.layers[name].after)
        return sorted(needed, key=lambda name: self.layers[name].order)

    def rollback_to(self, depth: int) -> None:
        from django.db import transaction

        while len(self.kept) > depth:
            _name, atomic, _value = self.kept.pop()
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def prepare(self, names, *, sharing: bool) -> None:
        """Before a test: keeps the layers it asks for (rolling back the others and building
        the missing ones) when it can share them; otherwise rolls every kept layer back."""
        from django.db import transaction

        self.fresh = {}
        self.sharing = sharing
        chain = self.chain(names) if sharing else []
        common = 0
        while common < min(len(chain), len(self.kept)) and self.kept[common][0] == chain[common]:
            common += 1
        self.rollback_to(common)
        if len(chain) == common:
            return
        # Built as the tests not marked `search` save pages: without the full-text index.
        with _search_index_off():
            for name in chain[common:]:
                atomic = transaction.atomic()
                # As Django's TestCase marks its own: a durable block may still open inside.
                atomic._from_testcase = True
                atomic.__enter__()
                try:
                    value = self.layers[name].build(self.values())
                except BaseException:
                    transaction.set_rollback(True)
                    atomic.__exit__(None, None, None)
                    raise
                self.kept.append((name, atomic, value))

    def values(self) -> dict[str, object]:
        return {name: value for name, _atomic, value in self.kept}

    def value(self, name: str):
        """The layer's value for the current test: the kept one, or one built now."""
        if self.sharing:
            return self.values()[name]
        if name not in self.fresh:
            for earlier in self.layers[name].after:
                self.value(earlier)
            self.fresh[name] = self.layers[name].build(self.fresh)
        return self.fresh[name]


def shared_layer(*, after: tuple[str, ...] = ()):
    """Registers `build(rows)` as a layer of shared rows and returns a fixture of the same name
    giving the layer's value (what `build` returned; keep it to primary keys and read the
    objects from them in the fixtures tests use). `rows` holds the values of the `after` layers."""

    def register(build):
        SharedRows.register(build, after)
        name = build.__name__

        @pytest.fixture(name=name)
        def layer(db, shared_rows):
            return shared_rows.value(name)

        return layer

    return register


def _can_share(item) -> bool:
    """Whether a test runs inside the one transaction rolled back after it (pytest-django's
    test case for `db`), unmarked `search`: then it can run above kept layers."""
    if getattr(item, "cls", None) is not None:
        from django.test import TransactionTestCase

        if issubclass(item.cls, TransactionTestCase):
            return False
    if item.get_closest_marker("search"):
        return False
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return False
    transactional_fixtures = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return not transactional_fixtures.intersection(item.fixturenames)


_SHARED_ROWS = SharedRows()


@pytest.fixture(scope="session")
def shared_rows(django_db_setup, django_db_blocker) -> SharedRows:
    """The layers kept; all rolled back before the test database is torn down."""
    yield _SHARED_ROWS
    with django_db_blocker.unblock():
        _SHARED_ROWS.rollback_to(0)


@pytest.fixture
def _shared_rows_prepared(request, shared_rows, django_db_blocker):
    with django_db_blocker.unblock():
        shared_rows.prepare(request.fixturenames, sharing=_can_share(request.node))


@pytest.fixture
def _django_db_helper(_shared_rows_prepared, _django_db_helper):
    """pytest-django's database access for a test, opened above the layers it shares."""
    return _django_db_helper


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Django TestCase classes manage the database themselves: no kept layer under them."""
    if _SHARED_ROWS.kept and issubclass(getattr(item, "cls", None) or object, unittest.TestCase):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _SHARED_ROWS.rollback_to(0)


@shared_layer()
def site_tree_rows(rows) -> dict[str, int]:
    from wagtail.models import Page, Site

    from catalog.models import ShopIndexPage
    from home.models import HomePage
    from vendors.models import VendorIndexPage

    root = Page.get_first_root_node()
    home = HomePage(title="Nexus", slug="home-test")
    root.add_child(instance=home)
    Site.objects.all().delete()
    site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    shop = ShopIndexPage(title="Shop", slug="shop")
    home.add_child(instance=shop)
    vendors = VendorIndexPage(title="Vendors", slug="vendors")
    home.add_child(instance=vendors)
    return {"site": site.pk, "home": home.pk, "shop": shop.pk, "vendors": vendors.pk}


@pytest.fixture
def site_tree(site_tree_rows):
    """The shop's page tree: a HomePage as the default site's root, the shop index (where
    categories live) and the vendors index (where storefronts live)."""
    from wagtail.models import Site

    from catalog.models import ShopIndexPage
    from home.models import HomePage
    from vendors.models import VendorIndexPage

    models = {"site": Site, "home": HomePage, "shop": ShopIndexPage, "vendors": VendorIndexPage}
    return rows_read("SiteTree", models, site_tree_rows)


def rows_read(name: str, models: dict, keys: dict, **objects) -> type:
    """A namespace `name` holding, for each attribute of `models`, that model's row of the
    primary key `keys` gives, read afresh; and `objects` as they are."""
    read = {attribute: model.objects.get(pk=keys[attribute]) for attribute, model in models.items()}
    return type(name, (), {**read, **objects})


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the local-memory cache outlives a test)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _search_index(request):
    """Only tests marked `search` write the full-text index as pages and products are saved.

    Keeping the index costs about a quarter of the queries of every product saved (Wagtail
    indexes a page at each of its saves), and no other test reads it. It is what MariaDB/MySQL
    does anyway outside `search` tests (InnoDB indexes committed rows only, and those tests
    never commit), so a test that reads the index without the marker fails on every database,
    not only there."""
    if request.node.get_closest_marker("search"):
        yield
        return
    with _search_index_off():
        yield


def _search_index_off():
    """Settings under which saving a page leaves the full-text index as it is."""
    from django.conf import settings
    from django.test import override_settings

    backends = {
        name: {**params, "AUTO_UPDATE": False}
        for name, params in settings.WAGTAILSEARCH_BACKENDS.items()
    }
    return override_settings(WAGTAILSEARCH_BACKENDS=backends)
