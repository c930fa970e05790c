"""Settings of the Celery worker process that the worker tests start: the test settings,
plus e-mail written to files the test reads and the queue of that test run."""

from nexus.settings.test import *  # noqa: F401,F403
from nexus.settings.test import env

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = env.str("NEXUS_TEST_EMAIL_DIR")
CELERY_TASK_ALWAYS_EAGER = False
# A queue of its own per test run: other workers on the same broker never take these tasks.
CELERY_TASK_DEFAULT_QUEUE = env.str("NEXUS_TEST_QUEUE")
