"""With REDIS_URL set, the cache, sessions and DRF throttles all live in Redis."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX, SessionStore
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


def test_cache_sessions_and_throttles_use_redis(redis_url):
    from django_redis import get_redis_connection

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert settings.CACHES["default"]["LOCATION"] == redis_url
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    # DRF keeps throttle histories in Django's default cache.
    assert SimpleRateThrottle.cache is cache

    session = SessionStore()
    session["cart_token"] = "abc"
    session.create()
    redis = get_redis_connection("default")
    assert redis.exists(cache.make_key(KEY_PREFIX + session.session_key)) == 1
    session.delete()
