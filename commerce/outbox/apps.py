from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The outbox, and the home of commerce's background work (see commerce/tasks.py)."""

    name = "commerce.outbox"
    label = "outbox"
    verbose_name = "Outbox"
