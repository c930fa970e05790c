"""Settings of the server that bench/page_cache.py measures: the site as configured by the
environment (dev settings, DEBUG off), with bench/page_cache_urls.py as the URLconf."""

from nexus.settings.dev import *  # noqa: F401,F403

DEBUG = False
ROOT_URLCONF = "bench.page_cache_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
