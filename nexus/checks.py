"""System checks of how Nexus is deployed (`manage.py check --deploy`, and `migrate`)."""

from django.conf import settings
from django.core.checks import Error as CheckError
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction


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


@register(Tags.database)
def search_config_exists_check(app_configs, databases=None, **kwargs):
    """SEARCH_CONFIG names a text search configuration the database has: an unknown one would
    fail every search and every index write. Run by `migrate` and `check --database default`."""
    config = settings.WAGTAILSEARCH_BACKENDS["default"].get("SEARCH_CONFIG")
    connection = connections[DEFAULT_DB_ALIAS]
    if not config or DEFAULT_DB_ALIAS not in (databases or ()) or connection.vendor != "postgresql":
        return []
    try:
        with transaction.atomic(using=DEFAULT_DB_ALIAS), connection.cursor() as cursor:
            cursor.execute("SELECT %s::regconfig", [config])
    except DatabaseError:
        return [
            CheckError(
                f"SEARCH_CONFIG is {config!r}, and PostgreSQL has no text search configuration "
                "of that name: every search and every save of a page would fail.",
                hint="Set SEARCH_CONFIG to one that psql's \\dF lists, such as english.",
                id="nexus.E001",
            )
        ]
    return []
