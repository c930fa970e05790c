"""Payment attempts: `payment_start`, the one way a shopper pays an order."""

from django.db import transaction
from django.utils import timezone

from commerce.exceptions import OrderNotFound
from commerce.models import Order
from commerce.payments import base
from commerce.payments.exceptions import (
    InvalidPaymentMethod,
    OrderNotPayable,
    PaymentInProgress,
    PaymentProviderUnavailable,
)
from commerce.payments.models import Payment
from commerce.payments.money import to_minor_units
from commerce.payments.providers import provider_get
from commerce.payments.services.events import payment_event_receive

Status = Order.Status

_ATTEMPT_TO_PAYMENT_STATUS = {
    # Accepted by the provider; the order is paid when the provider's event confirms it.
    base.AttemptStatus.SUCCEEDED: Payment.Status.PROCESSING,
    base.AttemptStatus.PROCESSING: Payment.Status.PROCESSING,
    base.AttemptStatus.REQUIRES_ACTION: Payment.Status.REQUIRES_ACTION,
    base.AttemptStatus.FAILED: Payment.Status.FAILED,
}


def payment_idempotency_key(*, order: Order, attempt: int) -> str:
    """The provider idempotency key of an attempt: a retried request never charges twice."""
    return f"nexus-{order.number}-attempt-{attempt}"


def _ensure_payable(order: Order) -> None:
    if order.status != Status.PENDING_PAYMENT:
        label = Status(order.status).label.lower()
        raise OrderNotPayable(f"Order {order.number} is {label} and cannot be paid again.")
    if order.expires_at is not None and order.expires_at <= timezone.now():
        raise OrderNotPayable(
            f"Order {order.number} expired before it was paid; please check out again."
        )
    if order.needs_review:
        raise OrderNotPayable(
            f"Order {order.number} is being reviewed by our staff; please contact support."
        )
    if order.total <= 0:
        raise OrderNotPayable(f"Order {order.number} has nothing to pay.")


def payment_start(
    *,
    order: Order,
    user,
    method: base.PaymentMethodInput,
    provider: base.PaymentProvider | None = None,
) -> Payment:
    """Start a payment attempt for `order` on behalf of its shopper; returns the `Payment`.

    The amount and currency come from the order. The attempt is recorded (order row locked)
    before the provider is called, outside any transaction, with an idempotency key derived
    from the order and the attempt number; an attempt whose outcome is unknown (the provider
    did not answer) is retried with the same key. The answer updates the attempt; the order
    itself changes only when the provider's event is handled.

    Raises `OrderNotFound` (404) when `user` is not the order's shopper, `OrderNotPayable`
    (409) when the order is paid, cancelled, expired or under review, `PaymentInProgress` (409)
    while an accepted attempt awaits confirmation, `InvalidPaymentMethod` (400) for a method the
    provider cannot use and `PaymentProviderUnavailable` (503) when the provider is down.
    """
    if user is None or order.user_id != user.pk:
        raise OrderNotFound("No such order.")
    provider = provider or provider_get()
    try:
        provider.check_method(method)
    except base.InvalidPaymentMethod as error:
        raise InvalidPaymentMethod(str(error), field="payment_method")
    order, payment = _attempt_record(order=order, provider=provider)
    result = _attempt_call(
        provider=provider, payment=payment, request=_attempt_request(order, payment, method)
    )
    return _attempt_settle(provider=provider, payment=payment, result=result)


def _attempt_record(*, order: Order, provider: base.PaymentProvider) -> tuple[Order, Payment]:
    """Record the attempt (or take up the one whose outcome is unknown) under the order's
    lock; returns the locked order and the attempt."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        _ensure_payable(order)
        latest = order.payments.select_for_update().order_by("-attempt").first()
        if latest is not None and latest.status == Payment.Status.SUCCEEDED:
            raise OrderNotPayable(f"Order {order.number} is already paid.")
        if latest is not None and latest.status == Payment.Status.PROCESSING:
            raise PaymentInProgress(
                f"A payment for order {order.number} is being confirmed; this page updates "
                "when it is."
            )
        if (
            latest is not None
            and latest.status == Payment.Status.CREATED
            and latest.provider == provider.name
        ):
            return order, latest  # outcome unknown: retry it under the same idempotency key
        payment = Payment.objects.create(
            order=order,
            provider=provider.name,
            attempt=(latest.attempt + 1) if latest else 1,
            amount=order.total,
            currency=order.currency,
        )
    return order, payment


def _attempt_request(
    order: Order, payment: Payment, method: base.PaymentMethodInput
) -> base.PaymentRequest:
    return base.PaymentRequest(
        order_number=order.number,
        payment_id=payment.pk,
        attempt=payment.attempt,
        amount_minor=to_minor_units(payment.amount, payment.currency),
        currency=payment.currency,
        method=method,
        idempotency_key=payment_idempotency_key(order=order, attempt=payment.attempt),
        description=f"Order {order.number}",
        email=order.email,
    )


def _attempt_call(
    *, provider: base.PaymentProvider, payment: Payment, request: base.PaymentRequest
) -> base.PaymentResult:
    """The provider call, outside any transaction."""
    try:
        return provider.start_payment(request)
    except base.InvalidPaymentMethod as error:
        # Refused before anything reached the provider: nothing was charged.
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.CREATED).update(
            status=Payment.Status.FAILED,
            failure_code="invalid_payment_method",
            failure_message=str(error),
            updated_at=timezone.now(),
        )
        raise InvalidPaymentMethod(str(error), field="payment_method")
    except base.ProviderError as error:
        raise PaymentProviderUnavailable(error.message)


def _attempt_settle(
    *, provider: base.PaymentProvider, payment: Payment, result: base.PaymentResult
) -> Payment:
    """Record the provider's answer on the attempt (under its lock) and receive its events."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if result.reference and not payment.reference:
            payment.reference = result.reference
        # The provider's event may have been handled already (a webhook can beat this
        # answer); it is the authority, so only an attempt still `created` takes the answer.
        if payment.status == Payment.Status.CREATED:
            payment.status = _ATTEMPT_TO_PAYMENT_STATUS[result.status]
            payment.client_secret = result.client_secret
            payment.failure_code = result.failure_code
            payment.failure_message = result.failure_message
        payment.save()
        for event in result.events:
            payment_event_receive(provider=provider.name, event=event)
    return payment
