"""Site views: the payment page of an order and its payment status page.

With Stripe the page collects the card with Stripe.js, which posts only a payment method id
here (JSON); with the dummy provider it is a plain form taking a test card number. Both call
`payment_start`; neither marks the order paid (the provider's event does).
"""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from catalog.selectors import shop_index_page
from commerce.exceptions import OrderNotFound
from commerce.payments import selectors, services
from commerce.payments.base import PaymentMethodInput
from commerce.payments.dummy import TEST_CARDS
from commerce.payments.providers import provider_get
from commerce.selectors import order_get_for_user
from nexus.errors import DomainError
from nexus.throttling import throttle_posts

# Seconds between refreshes of the status page while the provider has not confirmed yet.
STATUS_REFRESH_SECONDS = 3


def _order_or_404(request, number: str):
    try:
        return order_get_for_user(user=request.user, number=number)
    except OrderNotFound:
        raise Http404("No such order.")


def _error_json(error: DomainError) -> JsonResponse:
    body = {"code": error.code, "message": error.message}
    if error.field:
        body["fields"] = {error.field: [error.message]}
    return JsonResponse({"error": body}, status=error.status)


@login_required
@require_http_methods(["GET", "POST"])
@throttle_posts("payment")
def order_pay(request, number: str):
    order = _order_or_404(request, number)
    provider = provider_get()
    status_url = reverse("payments:status", args=[order.number])
    is_json = request.content_type == "application/json"
    if request.method == "POST":
        if is_json:
            try:
                data = json.loads(request.body or b"{}")
            except ValueError:
                data = None
            if not isinstance(data, dict) or not isinstance(data.get("payment_method"), str):
                return JsonResponse(
                    {"error": {"code": "invalid", "message": "Send a payment_method id."}},
                    status=400,
                )
            method = PaymentMethodInput(payment_method_id=data["payment_method"])
        else:
            method = PaymentMethodInput(card_number=request.POST.get("card_number", ""))
        try:
            payment = services.payment_start(order=order, user=request.user, method=method)
        except DomainError as error:
            if is_json:
                return _error_json(error)
            summary = selectors.payment_summary(order=order)
            context = _pay_context(order, provider, summary, error=error.message)
            return render(request, "payments/order_pay.html", context, status=error.status)
        if is_json:
            return JsonResponse(
                {
                    "status": payment.status,
                    "requires_action": payment.status == "requires_action",
                    "client_secret": payment.client_secret or None,
                    "failure_message": payment.failure_message,
                    "status_url": status_url,
                },
                status=201,
            )
        return redirect(status_url)
    summary = selectors.payment_summary(order=order)
    if not summary.is_payable:
        return redirect(status_url)
    return render(request, "payments/order_pay.html", _pay_context(order, provider, summary))


def _pay_context(order, provider, summary, *, error: str = "") -> dict:
    return {
        "order": order,
        "summary": summary,
        "provider": provider.name,
        "client_config": provider.client_config(),
        "test_cards": TEST_CARDS,
        "error": error,
    }


@login_required
def order_payment_status(request, number: str):
    order = _order_or_404(request, number)
    summary = selectors.payment_summary(order=order)
    return render(
        request,
        "payments/order_payment_status.html",
        {
            "order": order,
            "summary": summary,
            "refresh_seconds": None if summary.is_settled else STATUS_REFRESH_SECONDS,
            "shop_index": shop_index_page(),
        },
    )
