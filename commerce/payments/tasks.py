"""Celery tasks of payments: thin shells around `commerce.payments.services`, safe to run twice
(an event is processed once however often its task runs)."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from commerce.payments import services


# Retried only for what can recover: a lost connection or a deadlock victim.
@shared_task(
    name="payments.event_process",
    autoretry_for=(OperationalError,),
    max_retries=5,
    retry_backoff=True,
)
def payment_event_process(event_pk: int) -> str:
    return services.payment_event_handle(event_pk=event_pk)


@shared_task(name="payments.events_retry")
def payment_events_retry() -> int:
    """Process stored events whose task was lost (broker outage at enqueue time)."""
    event_ids = services.payment_events_pending(
        older_than_seconds=settings.PAYMENT_EVENTS_RETRY_SECONDS
    )
    for event_pk in event_ids:
        services.payment_event_handle(event_pk=event_pk)
    return len(event_ids)


@shared_task(name="payments.refunds_resume")
def refunds_resume() -> int:
    """Settle refunds whose provider answer was lost (the process stopped mid-refund)."""
    return services.refunds_resume()
