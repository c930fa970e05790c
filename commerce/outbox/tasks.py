"""Celery tasks of the outbox: deliver one message, drain the due ones (periodic)."""

from celery import shared_task

from commerce.outbox.services import outbox_drain, outbox_message_deliver


@shared_task(name="outbox.deliver")
def outbox_message_deliver_task(message_id: int) -> str:
    return outbox_message_deliver(message_id=message_id)


@shared_task(name="outbox.drain")
def outbox_drain_task() -> int:
    return outbox_drain()
