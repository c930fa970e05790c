"""Celery tasks of the outbox: deliver one message, drain the due ones (periodic)."""

from celery import shared_task
from django.db import OperationalError

from commerce.outbox.services import outbox_drain, outbox_message_deliver


# A database that is restarting is retried within seconds; otherwise the message would wait
# for the drain, which leaves a published message alone for `PUBLISHED_LEASE`.
@shared_task(
    name="outbox.deliver",
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def outbox_message_deliver_task(message_id: int) -> str:
    return outbox_message_deliver(message_id=message_id)


@shared_task(name="outbox.drain")
def outbox_drain_task() -> int:
    return outbox_drain()
