"""System checks of how Nexus is deployed (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.caches, deploy=True)
def cache_shared_between_processes_check(app_configs, **kwargs):
    """Cached pages, listing counts and cart answers are retired when what they show changes,
    in the cache of the process that made the change. A cache in each process's memory leaves
    every other process (the other web workers, the Celery worker) showing what it kept."""
    if not settings.CACHES["default"]["BACKEND"].endswith(".LocMemCache"):
        return []
    return [
        CheckWarning(
            "The cache is kept in each process's memory (REDIS_URL is not set): a change to a "
            "price, stock or page retires what is cached only in the process that made it, "
            "so other web workers and the Celery worker keep showing what they cached before.",
            hint="Set REDIS_URL to a Redis server shared by every process, or serve from one "
            "process only.",
            id="nexus.W001",
        )
    ]
