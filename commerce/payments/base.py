"""The payment provider interface.

Services (`commerce.payments.services`) are the only callers of a provider. A provider turns
plain dataclasses into calls to a payment service and its answers back into dataclasses; it
never touches the database, so the same service code drives Stripe and the dummy provider.

Amounts cross this boundary in minor units (`commerce.payments.money`), taken from the order
by the service, never from the client.
"""

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class AttemptStatus(enum.StrEnum):
    """What the provider said about a payment attempt when it was started."""

    SUCCEEDED = "succeeded"
    PROCESSING = "processing"
    REQUIRES_ACTION = "requires_action"
    FAILED = "failed"


class EventKind(enum.StrEnum):
    PAYMENT_SUCCEEDED = "payment_succeeded"
    PAYMENT_FAILED = "payment_failed"
    REFUNDED = "refunded"
    IGNORED = "ignored"


@dataclass(frozen=True)
class PaymentMethodInput:
    """How the shopper wants to pay: a provider payment method id (Stripe, e.g. "pm_...")
    or a card number (dummy provider only; real card numbers never reach Nexus with Stripe)."""

    payment_method_id: str = ""
    card_number: str = ""


@dataclass(frozen=True)
class PaymentRequest:
    order_number: str
    payment_id: int
    attempt: int
    amount_minor: int
    currency: str
    method: PaymentMethodInput
    idempotency_key: str
    description: str = ""
    email: str = ""

    @property
    def metadata(self) -> dict[str, str]:
        # Events are matched back to the attempt by these, also when the provider's answer
        # to the create call was lost (a declined card answers with an error, not the intent).
        return {
            "order_number": self.order_number,
            "payment_id": str(self.payment_id),
            "attempt": str(self.attempt),
        }


@dataclass(frozen=True)
class ProviderEvent:
    """A provider event normalised to what Nexus acts on.

    `amount_minor` is the amount taken (payment events) or the total refunded so far on the
    payment (`REFUNDED`); `raw` keeps the provider's payload for the audit trail.
    """

    event_id: str
    type: str
    kind: EventKind
    reference: str = ""
    amount_minor: int | None = None
    currency: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    failure_code: str = ""
    failure_message: str = ""
    raw: Mapping = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentResult:
    reference: str
    status: AttemptStatus
    client_secret: str = ""
    failure_code: str = ""
    failure_message: str = ""
    # Events the provider emits at once instead of by webhook (the dummy provider); the service
    # feeds them through the same path as a webhook delivery.
    events: tuple[ProviderEvent, ...] = ()


@dataclass(frozen=True)
class RefundRequest:
    payment_reference: str
    amount_minor: int
    currency: str
    idempotency_key: str
    order_number: str
    refund_number: int
    # Refunded on this payment before this request (what a provider reports as its total).
    refunded_before_minor: int = 0


@dataclass(frozen=True)
class RefundResult:
    reference: str
    events: tuple[ProviderEvent, ...] = ()


class ProviderError(Exception):
    """The provider could not be reached or refused a request for a reason that is not the
    shopper's card (configuration, outage). `message` is safe to show."""

    def __init__(self, message: str, *, code: str = "provider_error"):
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidEvent(Exception):
    """A webhook delivery whose signature, timestamp or body does not check out."""


class InvalidPaymentMethod(Exception):
    """The payment method input is not usable with this provider (shape, not a decline)."""


class PaymentProvider:
    """Base class of providers. Subclasses implement the methods below."""

    name: str = ""

    def check_method(self, method: PaymentMethodInput) -> None:
        """Refuse a method this provider cannot use, before anything is recorded or sent.
        Raises `InvalidPaymentMethod`."""
        raise NotImplementedError

    def start_payment(self, request: PaymentRequest) -> PaymentResult:
        """Create and confirm one payment attempt. A retried call with the same
        `idempotency_key` must not charge twice. Declines are a `FAILED` result; outages raise
        `ProviderError`; an unusable method raises `InvalidPaymentMethod`."""
        raise NotImplementedError

    def handle_event(self, *, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        """Verify a webhook delivery and normalise it. Raises `InvalidEvent`."""
        raise NotImplementedError

    def refund(self, request: RefundRequest) -> RefundResult:
        """Refund `amount_minor` of a succeeded payment. Raises `ProviderError` when refused."""
        raise NotImplementedError

    def refund_state(self, request: RefundRequest) -> RefundResult | None:
        """What became of the refund `request` asked for earlier, when the answer to `refund`
        was lost (found by its order and refund number, never by a new refund): its result when
        the provider accepted it, as `refund` would have answered; `None` when the provider
        refused it or never received it, so nothing was given back. Raises `ProviderError` when
        the provider cannot tell now."""
        raise NotImplementedError

    def client_config(self) -> dict[str, str]:
        """What the browser needs to collect a payment method (e.g. the publishable key)."""
        return {}
