"""Which provider serves payments: `settings.PAYMENT_PROVIDER` ("stripe" when
STRIPE_SECRET_KEY is set, "dummy" otherwise)."""

from django.conf import settings

from commerce.payments.base import PaymentProvider
from commerce.payments.dummy import DummyProvider
from commerce.payments.stripe import StripeProvider


def provider_get(name: str | None = None) -> PaymentProvider:
    name = name or settings.PAYMENT_PROVIDER
    if name == "stripe":
        return StripeProvider(
            secret_key=settings.STRIPE_SECRET_KEY,
            publishable_key=settings.STRIPE_PUBLISHABLE_KEY,
            webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
            api_base=settings.STRIPE_API_BASE,
            js_url=settings.STRIPE_JS_URL,
        )
    if name == "dummy":
        return DummyProvider()
    raise ValueError(f"Unknown payment provider {name!r}.")
