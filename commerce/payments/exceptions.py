"""Payment domain errors; the DRF exception handler and the site views show their message."""

from nexus.errors import Conflict, DomainError, PermissionDenied


class OrderNotPayable(Conflict):
    code = "order_not_payable"


class PaymentInProgress(Conflict):
    code = "payment_in_progress"


class InvalidPaymentMethod(DomainError):
    code = "invalid_payment_method"


class PaymentProviderUnavailable(DomainError):
    code = "payment_provider_unavailable"
    status = 503


class RefundNotAllowed(Conflict):
    code = "refund_not_allowed"


class RefundInProgress(Conflict):
    code = "refund_in_progress"


class InvalidRefund(DomainError):
    code = "invalid_refund"


class RefundRefused(DomainError):
    code = "refund_refused"
    status = 502


class RefundPermissionDenied(PermissionDenied):
    code = "refund_permission_denied"


class InvalidReview(DomainError):
    code = "invalid_review"


class ReviewNotNeeded(Conflict):
    code = "review_not_needed"


class InvalidWebhook(DomainError):
    code = "invalid_webhook"
