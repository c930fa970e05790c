"""Settings of the server bench/load.py measures: production settings as the environment
configures them, plus the bench's own URLconf (the site's URLs and the bare ceiling view) and
static files collected into the run's temporary directory. Nothing here loosens production."""

import os

from nexus.settings.production import *  # noqa: F401,F403

ROOT_URLCONF = "bench.urls"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
