"""/healthz: one JSON document with the state of each backing service."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok", "vendor": connection.vendor}


def _check_cache() -> dict:
    key = "healthz:probe"
    token = str(time.monotonic_ns())
    cache.set(key, token, 10)
    if cache.get(key) != token:
        raise RuntimeError("value written to the cache did not read back")
    return {"status": "ok", "backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"status": "ok", "mode": "eager"}
    from nexus.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"status": "ok", "mode": "broker"}


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
@require_GET
def healthz(request):
    components = {}
    for name, check in CHECKS.items():
        try:
            components[name] = check()
        except Exception as exc:  # any failure of a backing service is reported, not raised
            components[name] = {"status": "down", "error": f"{type(exc).__name__}: {exc}"}
    healthy = all(component["status"] == "ok" for component in components.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", "components": components},
        status=200 if healthy else 503,
    )
