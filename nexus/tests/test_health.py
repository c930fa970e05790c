import pytest
from django.core.cache import cache

from nexus import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_component(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["components"]) == {"database", "cache", "broker"}
    assert all(component["status"] == "ok" for component in body["components"].values())


def test_healthz_is_503_when_the_cache_is_down(client, monkeypatch):
    def broken_set(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    monkeypatch.setattr(cache, "set", broken_set)

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["components"]["cache"]["status"] == "down"
    assert "cache unreachable" in body["components"]["cache"]["error"]
    assert body["components"]["database"]["status"] == "ok"


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    # A port nothing listens on: the broker check must fail fast, not hang.
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["components"]["broker"]["status"] == "down"


def test_healthz_reports_eager_mode_without_a_broker(settings):
    settings.CELERY_BROKER_URL = ""
    assert health._check_broker() == {"status": "ok", "mode": "eager"}


def test_healthz_checks_the_real_broker(broker_url, settings, client):
    settings.CELERY_BROKER_URL = broker_url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["components"]["broker"] == {"status": "ok", "mode": "broker"}
