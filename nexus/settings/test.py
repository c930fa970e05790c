"""Test settings: the same services as configured in the environment, faster hashing."""

from .base import *  # noqa: F401,F403
from .base import REST_FRAMEWORK, env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0123456789abcdefghijklmnop"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Throttles are exercised by their own tests with explicit rates; the rest must not trip them.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "auth": "1000/min",
        "password_reset": "1000/min",
        "checkout": "1000/min",
        "payment": "1000/min",
        "anon": "10000/min",
        "user": "10000/min",
    },
}
SITE_URL = ""  # API links follow the request's host unless a test sets it
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILAPI_BASE_URL = None
# The anonymous page cache is off unless a test turns it on (the cache tests do): other tests
# change rows directly, without the commits that invalidate it.
PAGE_CACHE_SECONDS = 0
# Listing counts likewise (the listing tests turn them on).
LISTING_CACHE_SECONDS = 0
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": env.str("LOG_LEVEL", default="WARNING")},
}
