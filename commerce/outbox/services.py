"""Writing, publishing, delivering and retrying outbox messages.

Publishing hands a message id to the broker; delivering runs the message's task in a worker.
Either may happen more than once for the same message (a drain re-publishing a message that
is still queued, a worker killed after its effect but before the acknowledgement), so
delivery locks the row and handlers check their own ledger (`email_send_once`).
"""

import logging
from collections.abc import Iterable
from datetime import timedelta
from email.utils import parseaddr

from celery import current_app
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from commerce.outbox.exceptions import PermanentFailure
from commerce.outbox.models import OutboxMessage, SentEmail

logger = logging.getLogger(__name__)

# How long a published message is left alone by the drain: it is expected to be in the queue.
PUBLISHED_LEASE = timedelta(minutes=5)
# How long a publish waits for the broker's confirmation.
PUBLISH_CONFIRM_SECONDS = 3


def outbox_max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8)


def outbox_backoff(*, attempts: int) -> timedelta:
    """Delay before retry number `attempts`: 1, 2, 4 … minutes, at most an hour."""
    return timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


def outbox_message_add(*, key: str, task_name: str, payload: dict) -> OutboxMessage | None:
    """Record a message in the caller's transaction and publish it once that commits.

    A message with the same `key` already recorded is left as it is (returns None): calling
    the notification twice for the same event sends nothing twice.
    """
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(
            key=key, defaults={"task_name": task_name, "payload": payload}
        )
    if not created:
        return None
    message_id = message.pk
    transaction.on_commit(lambda: outbox_publish(message_ids=[message_id]))
    return message


def outbox_publish(*, message_ids: Iterable[int]) -> int:
    """Send a delivery task per message to the broker; returns how many were handed over.

    Never raises for a broker outage: the messages stay due and the periodic drain publishes
    them when the broker is back. Runs outside any transaction (after commit).
    """
    from commerce.outbox.tasks import outbox_message_deliver_task

    published = []
    for message_id in message_ids:
        try:
            # retry=False: fail fast instead of holding the request while the broker is down;
            # the broker confirms each message (CELERY_BROKER_TRANSPORT_OPTIONS) within
            # PUBLISH_CONFIRM_SECONDS, or the message counts as not published.
            outbox_message_deliver_task.apply_async(
                args=[message_id], retry=False, confirm_timeout=PUBLISH_CONFIRM_SECONDS
            )
        except Exception as exc:  # noqa: BLE001 - any broker error means "publish later"
            logger.warning("Outbox message %s not published (%s); the drain will.", message_id, exc)
            break
        published.append(message_id)
    if published and not current_app.conf.task_always_eager:
        OutboxMessage.objects.filter(pk__in=published, status=OutboxMessage.Status.PENDING).update(
            next_attempt_at=timezone.now() + PUBLISHED_LEASE
        )
    return len(published)


def outbox_drain(*, limit: int = 500) -> int:
    """Publish every pending message that is due (new, unpublished, or waiting for its retry).

    Called by the periodic `outbox.drain` task; returns how many were published.
    """
    due = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return outbox_publish(message_ids=due)


def _task(name: str):
    if name not in current_app.tasks:
        # Outside a worker the apps' tasks modules are imported on first use only.
        current_app.loader.import_default_modules()
    return current_app.tasks.get(name)


def outbox_message_deliver(*, message_id: int) -> str:
    """Run a message's task once and record the outcome; returns the message's new status.

    Locks the message row (SELECT … FOR UPDATE) for the whole run, so two deliveries of the
    same message run one after the other and the second finds it delivered. A failure is
    recorded, never raised: the message is retried after `outbox_backoff`, or becomes a dead
    letter after `outbox_max_attempts` tries or on a `PermanentFailure`.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxMessage.Status.PENDING:
            return message.status if message else "missing"
        message.attempts += 1
        task = _task(message.task_name)
        try:
            if task is None:
                raise PermanentFailure(f"No task named {message.task_name!r}.")
            with transaction.atomic():
                task.run(**message.payload)
        except (PermanentFailure, ObjectDoesNotExist) as exc:
            message.status = OutboxMessage.Status.DEAD
            message.last_error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # noqa: BLE001 - every other failure is retried
            message.last_error = f"{type(exc).__name__}: {exc}"
            if message.attempts >= outbox_max_attempts():
                message.status = OutboxMessage.Status.DEAD
            else:
                message.next_attempt_at = timezone.now() + outbox_backoff(attempts=message.attempts)
        else:
            message.status = OutboxMessage.Status.DELIVERED
            message.delivered_at = timezone.now()
            message.last_error = ""
        if message.status == OutboxMessage.Status.DEAD:
            logger.error("Outbox message %s is a dead letter: %s", message.key, message.last_error)
        message.save()
        return message.status


def outbox_message_retry(*, message: OutboxMessage) -> OutboxMessage:
    """Put a dead (or delayed) message back in the queue with a fresh set of attempts.

    Raises `ValueError` for a message that was already delivered.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if message.status == OutboxMessage.Status.DELIVERED:
            raise ValueError("This message was already delivered.")
        message.status = OutboxMessage.Status.PENDING
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        message_id = message.pk
        transaction.on_commit(lambda: outbox_publish(message_ids=[message_id]))
    return message


def email_message_id(*, key: str) -> str:
    """The Message-ID header of the e-mail `key`: the same on every send of it.

    The ledger cannot stop a second send when a worker dies between handing the e-mail to the
    mail server and committing the ledger row (the message is then redelivered); the same
    Message-ID lets the receiving server or mail client drop that duplicate. Derived from the
    key and the time its outbox message was recorded, signed with the shop's SECRET_KEY, so
    the same key after a database rebuild, or in another shop, gets another id. The domain is
    the sender's, never the host name (Django's `make_msgid`), which differs between workers.
    """
    recorded = OutboxMessage.objects.filter(key=key).values_list("created_at", flat=True).first()
    identity = f"{key}|{recorded.isoformat() if recorded else ''}"
    digest = salted_hmac("commerce.outbox.email_message_id", identity).hexdigest()[:40]
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "nexus.invalid"
    return f"<{digest}@{domain}>"


def email_send_once(*, key: str, to: list[str], subject: str, template: str, context: dict) -> bool:
    """Send the e-mail `key` unless the ledger says it was sent; returns whether it sent.

    Renders `<template>.txt` and `<template>.html`; the e-mail carries `email_message_id`, so
    a duplicate send (see there) can be dropped by its receiver. Must run inside the delivering
    transaction: the ledger row is written right after the send and commits with the
    message's status.
    """
    if SentEmail.objects.filter(key=key).exists():
        return False
    recipients = sorted({address.strip().lower() for address in to if address})
    if not recipients:
        raise PermanentFailure(f"No recipient for e-mail {key}.")
    text = render_to_string(f"{template}.txt", context)
    html = render_to_string(f"{template}.html", context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=recipients,
        headers={"X-Nexus-Message-Key": key, "Message-ID": email_message_id(key=key)},
    )
    email.attach_alternative(html, "text/html")
    email.send()
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, recipients=", ".join(recipients), subject=subject)
    except IntegrityError:
        # Another delivery recorded it meanwhile; this one was a duplicate send.
        logger.warning("E-mail %s was sent twice.", key)
    return True
