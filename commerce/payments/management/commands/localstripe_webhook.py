"""Point localstripe's webhooks at this shop (docker-compose and local development).

localstripe (the Stripe API stand-in at STRIPE_API_BASE) signs webhooks with the secret it is
given here; Nexus verifies them with STRIPE_WEBHOOK_SECRET, so both are the same value.
Real Stripe is configured in its dashboard instead.
"""

import urllib.parse
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

WEBHOOK_PATH = "/api/v1/payments/webhooks/stripe/"


class Command(BaseCommand):
    help = "Register this shop's Stripe webhook URL with localstripe (STRIPE_API_BASE)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="Base URL at which localstripe reaches this shop (default: %(default)s).",
        )

    def handle(self, *args, site_url: str, **options):
        if not settings.STRIPE_API_BASE or not settings.STRIPE_WEBHOOK_SECRET:
            raise CommandError("Set STRIPE_API_BASE (localstripe) and STRIPE_WEBHOOK_SECRET.")
        target = site_url.rstrip("/") + WEBHOOK_PATH
        if not target.startswith(("http://", "https://")):
            raise CommandError("--site-url must start with http:// or https://.")
        data = urllib.parse.urlencode(
            {"url": target, "secret": settings.STRIPE_WEBHOOK_SECRET}
        ).encode()
        api_base = settings.STRIPE_API_BASE.rstrip("/")
        if not api_base.startswith(("http://", "https://")):
            raise CommandError("STRIPE_API_BASE must start with http:// or https://.")
        request = urllib.request.Request(  # noqa: S310 - http(s) checked above
            f"{api_base}/_config/webhooks/nexus", data=data, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - configured URL
                response.read()
        except OSError as error:
            raise CommandError(f"localstripe did not accept the webhook: {error}")
        self.stdout.write(f"localstripe delivers webhooks to {target}")
