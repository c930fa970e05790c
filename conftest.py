"""Project-wide fixtures: the Wagtail site tree, the service gates and the browser.

Service-backed tests ask for `server_database`, `redis_url`, `broker_url` or `chromium_browser`.
When the service is not configured they skip with the reason; with REQUIRE_SERVICES=1 (CI) the
same situation fails.
"""

import os
import shutil

import pytest
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
