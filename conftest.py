"""Project-wide fixtures: the Wagtail site tree, the service gates and the browser.

Service-backed tests ask for `server_database`, `redis_url`, `broker_url` or `chromium_browser`.
When the service is not configured they skip with the reason; with REQUIRE_SERVICES=1 (CI) the
same situation fails.
"""

import os
import shutil

import pytest
from django.core.management import call_command
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
    """
    from wagtail.models import Page

    connection = connections["default"]
    reused = request.config.getvalue("reuse_db") and not request.config.getvalue("create_db")
    if not reused or connection.vendor == "sqlite":  # SQLite's test database lives in memory
        yield
        return
    with django_db_blocker.unblock():
        if not Page.objects.filter(depth=1).exists():
            pytest.exit(
                "The kept test database lacks the rows its migrations made (an earlier run "
                "was killed?); run once with --create-db.",
                returncode=4,
            )
        if getattr(connection, "_test_serialized_contents", None) is None:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
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
def site_tree(db):
    """The shop's page tree: a HomePage as the default site's root, the shop index (where
    categories live) and the vendors index (where storefronts live)."""
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
    return type("SiteTree", (), {"site": site, "home": home, "shop": shop, "vendors": vendors})


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (the local-memory cache outlives a test)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
