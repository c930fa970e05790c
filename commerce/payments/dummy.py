"""The dummy provider: the embedded default when Stripe is not configured.

It accepts Stripe's documented test card numbers and answers the way Stripe would: a
PaymentIntent-like reference, a declined or succeeded status, and the same
`payment_intent.succeeded` / `payment_intent.payment_failed` / `charge.refunded` events a
Stripe webhook would deliver, in Stripe's shape. The service feeds those events through the very
path a webhook takes (`payment_event_receive` -> task -> `payment_event_handle`), so the order
transitions are the same code with either provider. No money moves.
"""

import time
import uuid
from collections.abc import Mapping

from commerce.payments.base import (
    AttemptStatus,
    InvalidEvent,
    InvalidPaymentMethod,
    PaymentMethodInput,
    PaymentProvider,
    PaymentRequest,
    PaymentResult,
    ProviderEvent,
    RefundRequest,
    RefundResult,
)
from commerce.payments.stripe import stripe_event_normalise

SUCCESS_CARD = "4242424242424242"
# Card number -> (decline code, message), as Stripe documents them.
DECLINED_CARDS = {
    "4000000000000002": ("card_declined", "Your card was declined."),
    "4000000000009995": ("insufficient_funds", "Your card has insufficient funds."),
}
TEST_CARDS = (SUCCESS_CARD, *DECLINED_CARDS)


def _identifier(prefix: str) -> str:
    return f"{prefix}_dummy_{uuid.uuid4().hex[:24]}"


class DummyProvider(PaymentProvider):
    name = "dummy"

    def _event(self, event_type: str, obj: dict) -> ProviderEvent:
        return stripe_event_normalise(
            {
                "id": _identifier("evt"),
                "object": "event",
                "type": event_type,
                "created": int(time.time()),
                "data": {"object": obj},
            }
        )

    @staticmethod
    def _card_number(method: PaymentMethodInput) -> str:
        return "".join(method.card_number.split()).replace("-", "")

    def check_method(self, method: PaymentMethodInput) -> None:
        if self._card_number(method) not in TEST_CARDS:
            raise InvalidPaymentMethod(
                "The test payment page accepts Stripe's test cards only: "
                "4242 4242 4242 4242 (succeeds), 4000 0000 0000 0002 (declined), "
                "4000 0000 0000 9995 (insufficient funds)."
            )

    def start_payment(self, request: PaymentRequest) -> PaymentResult:
        self.check_method(request.method)
        number = self._card_number(request.method)
        reference = _identifier("pi")
        intent = {
            "id": reference,
            "object": "payment_intent",
            "amount": request.amount_minor,
            "currency": request.currency.lower(),
            "metadata": request.metadata,
        }
        if number == SUCCESS_CARD:
            intent.update(status="succeeded", amount_received=request.amount_minor)
            return PaymentResult(
                reference=reference,
                status=AttemptStatus.SUCCEEDED,
                events=(self._event("payment_intent.succeeded", intent),),
            )
        code, message = DECLINED_CARDS[number]
        intent.update(
            status="requires_payment_method",
            last_payment_error={"code": "card_declined", "decline_code": code, "message": message},
        )
        return PaymentResult(
            reference=reference,
            status=AttemptStatus.FAILED,
            failure_code=code,
            failure_message=message,
            events=(self._event("payment_intent.payment_failed", intent),),
        )

    def handle_event(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        # The dummy provider has no webhook: its events never leave the process.
        raise InvalidEvent("The dummy provider does not receive webhooks.")

    def refund(self, request: RefundRequest) -> RefundResult:
        reference = _identifier("re")
        refunded = request.refunded_before_minor + request.amount_minor
        charge = {
            "id": _identifier("ch"),
            "object": "charge",
            "payment_intent": request.payment_reference,
            "currency": request.currency.lower(),
            "amount_refunded": refunded,
            "metadata": {"order_number": request.order_number},
        }
        return RefundResult(reference=reference, events=(self._event("charge.refunded", charge),))

    def refund_state(self, request: RefundRequest) -> RefundResult | None:
        # No money moves and nothing is kept: every refund asked of the dummy is accepted,
        # so asked again it answers as `refund` did.
        return self.refund(request)
