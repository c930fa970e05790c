"""Celery tasks of accounts: thin shells around one service each."""

from celery import shared_task

from accounts import services


@shared_task(name="accounts.password_reset_email_send")
def password_reset_email_send(email: str, domain: str, use_https: bool) -> int:
    return services.password_reset_email_send(email=email, domain=domain, use_https=use_https)


@shared_task(name="accounts.ended_token_sessions_purge")
def ended_token_sessions_purge() -> int:
    return services.ended_token_sessions_purge()
