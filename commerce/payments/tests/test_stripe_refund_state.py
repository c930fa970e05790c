"""`StripeProvider.refund_state` for the refund statuses localstripe never produces (it settles
every refund at once): a stand-in client answers the refunds list as Stripe documents it. The
succeeded, unknown and unreachable cases run against localstripe in test_scenarios.py."""

import pytest
import stripe

from commerce.payments.base import ProviderError, RefundRequest, RefundResult
from commerce.payments.stripe import StripeProvider

REQUEST = RefundRequest(
    payment_reference="pi_123",
    amount_minor=1250,
    currency="EUR",
    idempotency_key="nexus-N1-refund-2",
    order_number="N1",
    refund_number=2,
)


class _Refund:
    def __init__(self, **data):
        self.data = data

    def to_dict(self):
        return self.data


class _Refunds:
    def __init__(self, answer):
        self.answer = answer
        self.params = None

    def list(self, params=None, options=None):
        self.params = params
        if isinstance(self.answer, Exception):
            raise self.answer
        return self

    def auto_paging_iter(self):
        return iter(self.answer)


def _provider(answer) -> tuple[StripeProvider, _Refunds]:
    refunds = _Refunds(answer)
    client = type("Client", (), {"v1": type("V1", (), {"refunds": refunds})()})()
    return StripeProvider(secret_key="", client=client), refunds


def _refund(status: str, *, refund_number: str = "2", order_number: str = "N1") -> _Refund:
    return _Refund(
        id=f"re_{status}_{refund_number}",
        status=status,
        metadata={"order_number": order_number, "refund_number": refund_number},
    )


@pytest.mark.parametrize(
    "status, expected",
    [
        ("succeeded", RefundResult(reference="re_succeeded_2")),
        # Accepted, as `refund` takes it: Stripe pays it out.
        ("pending", RefundResult(reference="re_pending_2")),
        ("requires_action", RefundResult(reference="re_requires_action_2")),
        ("failed", None),
        ("canceled", None),
    ],
)
def test_the_refund_of_the_request_is_found_by_its_order_and_number(status, expected):
    provider, refunds = _provider(
        [
            _refund("succeeded", refund_number="1"),
            _refund("succeeded", order_number="N9"),
            _refund(status),
        ]
    )

    assert provider.refund_state(REQUEST) == expected
    assert refunds.params == {"payment_intent": "pi_123", "limit": 100}


def test_a_refund_stripe_never_received_is_none():
    provider, _ = _provider([_refund("succeeded", refund_number="1")])

    assert provider.refund_state(REQUEST) is None


def test_stripe_unreachable_raises_so_the_refund_stays_pending():
    provider, _ = _provider(stripe.APIConnectionError("connection refused"))

    with pytest.raises(ProviderError, match="unavailable"):
        provider.refund_state(REQUEST)
