import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "nexus.settings.production",
    "SECRET_KEY": "k" * 20 + "production-like-secret-key-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "shop.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _manage(*args, env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env={**env, "SECRET_KEY": ""})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_check_deploy_is_clean():
    env = {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/1"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_check_deploy_warns_of_a_cache_each_process_keeps_for_itself():
    env = {**PRODUCTION_ENV, "REDIS_URL": ""}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "(nexus.W001) The cache is kept in each process's memory" in output
    assert "Set REDIS_URL to a Redis server shared by every process" in output
    assert output.count("(nexus.W001)") == 1
    # A shared cache answers the warning; nothing else is left.
    assert "System check identified 1 issue " in output


def test_production_keeps_database_connections():
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])",
        env=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "60"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (PRODUCTION_ENV, "False"),
        ({**PRODUCTION_ENV, "GRAPHQL_INTROSPECTION": "true"}, "True"),
        (
            {"DJANGO_SETTINGS_MODULE": "nexus.settings.dev", "DATABASE_URL": "sqlite:///:memory:"},
            "True",
        ),
    ],
)
def test_graphql_introspection_is_off_in_production_unless_set_and_on_in_dev(env, expected):
    result = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.GRAPHQL_INTROSPECTION)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.django_db
def test_real_database_server_has_migrations_applied(server_database):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert connection.vendor == server_database


@pytest.mark.django_db
def test_database_sessions_are_utf8_and_read_committed(server_database):
    """The isolation level the concurrency tests prove the stock guard and the idempotency race
    under, on either server; MariaDB/MySQL also in strict mode with 4-byte UTF-8."""
    from django.db import connection

    with connection.cursor() as cursor:
        if server_database == "postgresql":
            cursor.execute("SHOW client_encoding")
            (charset,) = cursor.fetchone()
            cursor.execute("SHOW transaction_isolation")
            (isolation,) = cursor.fetchone()
            assert (charset, isolation) == ("UTF8", "read committed")
            return
        variable = "tx_isolation" if connection.mysql_is_mariadb else "transaction_isolation"
        cursor.execute(f"SELECT @@character_set_connection, @@sql_mode, @@{variable}")
        charset, sql_mode, isolation = cursor.fetchone()
    assert charset == "utf8mb4"
    assert "STRICT_TRANS_TABLES" in sql_mode.split(",")
    assert isolation == "READ-COMMITTED"


def test_mysql_database_url_sets_utf8mb4_strict_mode_and_read_committed():
    # The settings module alone is read, so the test holds without the MySQL driver installed
    # (it is an optional requirement, requirements-mysql.txt).
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import nexus.settings.production as s; o = s.DATABASES['default']['OPTIONS']; "
            "print(s.DATABASES['default']['ENGINE'], o['charset'], o['isolation_level'], "
            "'STRICT_TRANS_TABLES' in o['init_command'])",
        ],
        cwd=ROOT,
        env={
            **clean,
            **PRODUCTION_ENV,
            "DATABASE_URL": "mysql://nexus:secret@db.example.com:3306/nexus",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "django.db.backends.mysql utf8mb4 read committed True"
    )


def test_real_redis_cache_round_trips(redis_url, settings):
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache = caches["default"]
    cache.set("nexus-test:round-trip", {"price": "12.50"}, 30)
    assert cache.get("nexus-test:round-trip") == {"price": "12.50"}
    cache.delete("nexus-test:round-trip")
    assert cache.get("nexus-test:round-trip") is None


@pytest.mark.parametrize("value", ["", "english; drop table x", "'english'"])
def test_a_search_config_that_names_no_configuration_is_refused_at_start(value):
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://nexus@127.0.0.1:5432/nexus"}
    result = _manage("check", env={**env, "SEARCH_CONFIG": value})

    assert result.returncode != 0
    assert "SEARCH_CONFIG must name a PostgreSQL text search configuration" in result.stderr
    assert _manage("check", env={**env, "SEARCH_CONFIG": "pg_catalog.german"}).returncode == 0


@pytest.mark.django_db
@pytest.mark.parametrize("config", ["englsh", "pg_catalog.nowhere"])
def test_a_search_config_the_database_does_not_have_is_an_error_of_migrate(settings, config):
    from django.db import connection

    from nexus.checks import search_config_exists_check

    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    settings.WAGTAILSEARCH_BACKENDS = {"default": {**backend, "SEARCH_CONFIG": config}}

    errors = search_config_exists_check(None, databases=["default"])

    if connection.vendor == "postgresql":
        assert [error.id for error in errors] == ["nexus.E001"]
        assert f"SEARCH_CONFIG is {config!r}" in errors[0].msg
        # The test's transaction is still usable: the failed cast was rolled back alone.
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
        settings.WAGTAILSEARCH_BACKENDS = {"default": {**backend, "SEARCH_CONFIG": "english"}}
        assert search_config_exists_check(None, databases=["default"]) == []
    else:
        assert errors == []  # only PostgreSQL has text search configurations
    assert search_config_exists_check(None, databases=None) == []
