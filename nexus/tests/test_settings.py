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
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


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


@pytest.mark.django_db
def test_real_postgres_has_migrations_applied(postgres):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert connection.vendor == "postgresql"


def test_real_redis_cache_round_trips(redis_url, settings):
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache = caches["default"]
    cache.set("nexus-test:round-trip", {"price": "12.50"}, 30)
    assert cache.get("nexus-test:round-trip") == {"price": "12.50"}
    cache.delete("nexus-test:round-trip")
    assert cache.get("nexus-test:round-trip") is None
