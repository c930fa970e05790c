"""Stripe: one PaymentIntent per attempt, created and confirmed on the server.

The browser collects the card with Stripe.js and sends Nexus only a payment method id; Nexus
creates the PaymentIntent with `confirm=true` (Stripe's "finalize payments on the server" flow)
and hands the client secret back only when the card needs 3-D Secure. The order becomes paid
when the signed `payment_intent.succeeded` webhook arrives, not on this synchronous answer.

`STRIPE_API_BASE` points the client at another API host (localstripe in tests and compose).
"""

import json
import logging
import re
from collections.abc import Mapping

import stripe

from commerce.payments.base import (
    AttemptStatus,
    EventKind,
    InvalidEvent,
    InvalidPaymentMethod,
    PaymentMethodInput,
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    ProviderError,
    ProviderEvent,
    RefundRequest,
    RefundResult,
)

logger = logging.getLogger(__name__)

# pm_ (PaymentMethod), card_ and src_ (older objects Stripe still accepts as payment methods).
PAYMENT_METHOD_ID = re.compile(r"^(pm|card|src)_[A-Za-z0-9_]{1,250}$")
# A refund in any other status (succeeded, pending, requires_action) is accepted by Stripe.
REFUSED_REFUND_STATUSES = ("failed", "canceled")
# Stripe's own default tolerance: a delivery signed more than five minutes ago is a replay.
WEBHOOK_TOLERANCE_SECONDS = 300

_INTENT_STATUS = {
    "succeeded": AttemptStatus.SUCCEEDED,
    "processing": AttemptStatus.PROCESSING,
    "requires_capture": AttemptStatus.PROCESSING,
    "requires_action": AttemptStatus.REQUIRES_ACTION,
    "requires_confirmation": AttemptStatus.REQUIRES_ACTION,
    "requires_payment_method": AttemptStatus.FAILED,
    "canceled": AttemptStatus.FAILED,
}


def stripe_event_normalise(data: Mapping) -> ProviderEvent:
    """A Stripe event (decoded JSON) as a `ProviderEvent`. Raises `InvalidEvent` when the body
    lacks what every Stripe event has."""
    try:
        event_id = str(data["id"])
        event_type = str(data["type"])
        obj = data["data"]["object"]
    except (KeyError, TypeError):
        raise InvalidEvent("Not a Stripe event.")
    if not isinstance(obj, Mapping):
        raise InvalidEvent("Not a Stripe event.")
    common = {"event_id": event_id, "type": event_type, "raw": dict(data)}
    metadata = obj.get("metadata") or {}
    currency = str(obj.get("currency") or "").upper()
    if event_type in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        succeeded = event_type == "payment_intent.succeeded"
        amount = obj.get("amount_received") if succeeded else None
        if amount is None:
            amount = obj.get("amount")
        error = obj.get("last_payment_error") or {}
        return ProviderEvent(
            **common,
            kind=EventKind.PAYMENT_SUCCEEDED if succeeded else EventKind.PAYMENT_FAILED,
            reference=str(obj.get("id") or ""),
            amount_minor=int(amount) if amount is not None else None,
            currency=currency,
            metadata=dict(metadata),
            failure_code=str(error.get("decline_code") or error.get("code") or ""),
            failure_message=str(error.get("message") or ""),
        )
    if event_type == "charge.refunded":
        intent = obj.get("payment_intent")
        if isinstance(intent, Mapping):
            intent = intent.get("id")
        return ProviderEvent(
            **common,
            kind=EventKind.REFUNDED,
            reference=str(intent or ""),
            amount_minor=int(obj.get("amount_refunded") or 0),
            currency=currency,
            metadata=dict(metadata),
        )
    return ProviderEvent(**common, kind=EventKind.IGNORED)


def _error_details(error: stripe.StripeError) -> tuple[str, str, str]:
    """(payment intent id, code, message) from a Stripe error answer."""
    body = (error.json_body or {}).get("error", {}) if isinstance(error.json_body, dict) else {}
    intent = body.get("payment_intent") or {}
    reference = intent.get("id", "") if isinstance(intent, dict) else ""
    code = body.get("decline_code") or body.get("code") or getattr(error, "code", "") or ""
    message = body.get("message") or error.user_message or "The payment was declined."
    return reference, str(code), str(message)


class StripeProvider(PaymentProvider):
    name = "stripe"

    def __init__(
        self,
        *,
        secret_key: str,
        publishable_key: str = "",
        webhook_secret: str = "",
        api_base: str = "",
        js_url: str = "",
        client: stripe.StripeClient | None = None,
    ):
        if not secret_key and client is None:
            raise ProviderError("Stripe is not configured (STRIPE_SECRET_KEY).", code="config")
        self.publishable_key = publishable_key
        self.webhook_secret = webhook_secret
        self.api_base = api_base.rstrip("/")
        self.js_url = js_url
        self.client = client or stripe.StripeClient(
            secret_key,
            base_addresses={"api": self.api_base} if self.api_base else None,
            # The library retries network failures with the same idempotency key.
            max_network_retries=2,
        )

    def check_method(self, method: PaymentMethodInput) -> None:
        if not PAYMENT_METHOD_ID.match(method.payment_method_id.strip()):
            raise InvalidPaymentMethod("Send the payment method id Stripe.js created (pm_...).")

    def start_payment(self, request: PaymentRequest) -> PaymentResult:
        self.check_method(request.method)
        method_id = request.method.payment_method_id.strip()
        params = {
            "amount": request.amount_minor,
            "currency": request.currency.lower(),
            "payment_method": method_id,
            "payment_method_types": ["card"],
            "confirm": True,
            "metadata": request.metadata,
        }
        try:
            intent = self.client.v1.payment_intents.create(
                params=params, options={"idempotency_key": request.idempotency_key}
            )
        except stripe.CardError as error:
            reference, code, message = _error_details(error)
            return PaymentResult(
                reference=reference,
                status=AttemptStatus.FAILED,
                failure_code=code or "card_declined",
                failure_message=message,
            )
        except stripe.InvalidRequestError as error:
            # An unknown or already used payment method: the shopper can try another card.
            reference, code, message = _error_details(error)
            logger.info("Stripe refused payment %s: %s", request.idempotency_key, message)
            return PaymentResult(
                reference=reference,
                status=AttemptStatus.FAILED,
                failure_code=code or "invalid_request",
                failure_message=f"Stripe could not use this card ({message}); please enter it again.",
            )
        except stripe.StripeError as error:
            logger.warning("Stripe unavailable for %s: %s", request.idempotency_key, error)
            raise ProviderError("The payment service is unavailable; please try again.")
        data = intent.to_dict()
        status = _INTENT_STATUS.get(data.get("status"), AttemptStatus.PROCESSING)
        error = data.get("last_payment_error") or {}
        return PaymentResult(
            reference=data["id"],
            status=status,
            client_secret=data.get("client_secret") or ""
            if status == AttemptStatus.REQUIRES_ACTION
            else "",
            failure_code=str(error.get("code") or "") if status == AttemptStatus.FAILED else "",
            failure_message=str(error.get("message") or "")
            if status == AttemptStatus.FAILED
            else "",
        )

    def handle_event(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        if not self.webhook_secret:
            raise InvalidEvent("Stripe webhooks are not configured (STRIPE_WEBHOOK_SECRET).")
        signature = headers.get("Stripe-Signature") or headers.get("stripe-signature") or ""
        try:
            text = payload.decode("utf-8")
            stripe.WebhookSignature.verify_header(
                text, signature, self.webhook_secret, WEBHOOK_TOLERANCE_SECONDS
            )
            data = json.loads(text)
        except (UnicodeDecodeError, ValueError, stripe.SignatureVerificationError) as error:
            raise InvalidEvent(str(error) or "Invalid signature.")
        if not isinstance(data, dict):
            raise InvalidEvent("Not a Stripe event.")
        return stripe_event_normalise(data)

    def refund(self, request: RefundRequest) -> RefundResult:
        try:
            refund = self.client.v1.refunds.create(
                params={
                    "payment_intent": request.payment_reference,
                    "amount": request.amount_minor,
                    "metadata": {
                        "order_number": request.order_number,
                        "refund_number": str(request.refund_number),
                    },
                },
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.StripeError as error:
            _, _, message = _error_details(error)
            logger.warning("Stripe refused refund %s: %s", request.idempotency_key, error)
            raise ProviderError(f"Stripe refused the refund: {message}", code="refund_refused")
        data = refund.to_dict()
        if data.get("status") in REFUSED_REFUND_STATUSES:
            raise ProviderError(f"Stripe refused the refund ({data['status']}).")
        return RefundResult(reference=data["id"])

    def refund_state(self, request: RefundRequest) -> RefundResult | None:
        if not request.payment_reference:
            return None  # `refund` was refused for want of a payment to refund
        wanted = {
            "order_number": request.order_number,
            "refund_number": str(request.refund_number),
        }
        try:
            refunds = self.client.v1.refunds.list(
                params={"payment_intent": request.payment_reference, "limit": 100}
            )
            found = next(
                (
                    data
                    for data in (refund.to_dict() for refund in refunds.auto_paging_iter())
                    if {key: (data.get("metadata") or {}).get(key) for key in wanted} == wanted
                ),
                None,
            )
        except stripe.StripeError as error:
            logger.warning("Stripe could not tell refund %s: %s", request.idempotency_key, error)
            raise ProviderError("The payment service is unavailable; please try again.")
        if found is None or found.get("status") in REFUSED_REFUND_STATUSES:
            return None
        return RefundResult(reference=found["id"])

    def client_config(self) -> dict[str, str]:
        # The stand-in Stripe.js of a local API (localstripe) lives under the same base;
        # `js_url` is for when browsers reach that API under another name than the server does.
        js = self.js_url or (
            f"{self.api_base}/js.stripe.com/v3/" if self.api_base else "https://js.stripe.com/v3/"
        )
        return {"publishable_key": self.publishable_key, "js_url": js}
