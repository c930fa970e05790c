"""Settings of the server bench/load.py measures: production settings as the environment
configures them, plus the bench's own URLconf (the site's URLs and the bare ceiling view) and
static files collected into the run's temporary directory. Nothing here loosens production."""

import os

from nexus.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
# Quiet, but a 500's traceback is printed: Django's own "django" logger writes only with
# DEBUG on, which is why a 500 in an earlier fault run left no trace.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
    "loggers": {"django": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}
