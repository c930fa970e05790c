"""Project-wide fixtures: the Wagtail site tree and the rows tests share, the service gates,
Celery run in-process (`eager_celery`). localstripe (`localstripe`, `stripe_live`) and the
browser (`chromium_browser`, `check_page`) come from the plugins in `nexus/tests/plugins/`.

Service-backed tests ask for `server_database`, `redis_url`, `broker_url`, `localstripe` or
`chromium_browser`: when the service is not configured they skip with the reason; with
REQUIRE_SERVICES=1 (CI) the same situation fails.
"""

import json
import os
import unittest
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import connections

from nexus.tests.plugins import service_missing

pytest_plugins = ["nexus.tests.plugins.localstripe", "nexus.tests.plugins.browser"]

SERVER_DATABASES = {"postgresql": "PostgreSQL", "mysql": "MariaDB/MySQL"}


@pytest.fixture
def server_database() -> str:
    """The test database is a database server, PostgreSQL or MariaDB/MySQL, whose row locks
    and transactions the concurrency tests prove (SQLite serialises every writer, so it cannot).
    Returns the connection's vendor: "postgresql" or "mysql"."""
    vendor = connections["default"].vendor
    if vendor not in SERVER_DATABASES:
        service_missing(
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
        service_missing("Redis is not configured (set REDIS_URL=redis://...)")
    return url


@pytest.fixture
def broker_url():
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        service_missing("RabbitMQ is not configured (set CELERY_BROKER_URL=amqp://...)")
    return url


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
