from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """The transactional outbox: side effects recorded with their cause, delivered by Celery
    (see `commerce.outbox.models`)."""

    name = "commerce.outbox"
    label = "outbox"
    verbose_name = "Outbox"
