"""The transactional outbox: side effects recorded in the same transaction as their cause.

A broker outage at the moment an order is paid must not lose its e-mails, so the e-mails are
not sent from the request: an `OutboxMessage` row is written with the change, published to
Celery after commit, and re-published by a periodic drain until a worker has delivered it.
Delivery is at-least-once; handlers make it effectively once (see `SentEmail`).
"""

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        # Given up after the last retry (or a permanent failure); staff can retry it by hand.
        DEAD = "dead", "Dead letter"

    # One row per event and recipient group: writing the same event twice is a no-op.
    key = models.CharField(max_length=200, unique=True)
    # The name of a Celery task run with `payload` as keyword arguments.
    task_name = models.CharField(max_length=200)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the drain may (re)publish it: now for a new message, later after a failure (backoff)
    # or while a published copy is expected to be in the queue.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = "outbox message"

    def __str__(self) -> str:
        return self.key


class SentEmail(models.Model):
    """The ledger that makes e-mail sending idempotent: one row per e-mail actually sent.

    Written in the delivering transaction right after the send, so a redelivered message finds
    it and does not send again.
    """

    key = models.CharField(max_length=200, unique=True)
    recipients = models.TextField()
    subject = models.CharField(max_length=255)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.recipients}"
