"""Payments API: pay an order, see its payment, staff refunds, the Stripe webhook."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from commerce.payments import selectors, services
from commerce.payments.api.serializers import (
    OrderPaymentOutputSerializer,
    PaymentStartInputSerializer,
    RefundInputSerializer,
    RefundOutputSerializer,
    WebhookAcknowledgementSerializer,
)
from commerce.payments.base import PaymentMethodInput
from commerce.selectors import order_get_for_user
from nexus.throttling import WriteScopedRateThrottle
from vendors.permissions import is_editor

ERROR = OpenApiResponse(description='`{"error": {"code", "message", "fields"?}}`')


class IsEditor(permissions.BasePermission):
    message = "Only staff can refund orders."

    def has_permission(self, request, view):
        return is_editor(request.user)


class OrderPaymentView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    # Paying is throttled per shopper (card testing); reading the status is not.
    throttle_classes = [WriteScopedRateThrottle]
    throttle_scope = "payment"

    @extend_schema(
        tags=["payments"],
        summary="Payment status of one of my orders",
        responses={200: OrderPaymentOutputSerializer, 404: ERROR},
    )
    def get(self, request, number: str):
        order = order_get_for_user(user=request.user, number=number)
        return Response(OrderPaymentOutputSerializer(selectors.payment_summary(order=order)).data)

    @extend_schema(
        tags=["payments"],
        summary="Pay one of my orders",
        description=(
            "Starts a payment attempt for the order's total. With Stripe, send the id of a "
            "payment method created by Stripe.js; when the answer has `requires_action`, call "
            "`stripe.confirmCardPayment(payment.client_secret)` in the browser. With the dummy "
            "provider, send a Stripe test card number. The order becomes `paid` when the "
            "provider confirms (poll GET)."
        ),
        request=PaymentStartInputSerializer,
        responses={
            201: OrderPaymentOutputSerializer,
            400: ERROR,
            404: ERROR,
            409: ERROR,
            503: ERROR,
        },
    )
    def post(self, request, number: str):
        order = order_get_for_user(user=request.user, number=number)
        data = PaymentStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.payment_start(
            order=order,
            user=request.user,
            method=PaymentMethodInput(
                payment_method_id=data.validated_data.get("payment_method", ""),
                card_number=data.validated_data.get("card_number", ""),
            ),
        )
        order.refresh_from_db()
        summary = selectors.payment_summary(order=order)
        return Response(OrderPaymentOutputSerializer(summary).data, status=status.HTTP_201_CREATED)


class OrderRefundsView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsEditor]

    @extend_schema(
        tags=["payments"],
        summary="Refunds of an order (staff)",
        responses={200: RefundOutputSerializer(many=True), 403: ERROR, 404: ERROR},
    )
    def get(self, request, number: str):
        order = selectors.order_get_for_staff(number=number)
        refunds = selectors.payment_summary(order=order).refunds
        return Response(RefundOutputSerializer(refunds, many=True).data)

    @extend_schema(
        tags=["payments"],
        summary="Refund an order fully or per line (staff)",
        request=RefundInputSerializer,
        responses={201: RefundOutputSerializer, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
    )
    def post(self, request, number: str):
        order = selectors.order_get_for_staff(number=number)
        data = RefundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lines = data.validated_data.get("lines")
        refund = services.payment_refund(
            order=order,
            actor=request.user,
            lines={line["line_id"]: line["quantity"] for line in lines}
            if lines is not None
            else None,
            amount=data.validated_data.get("amount"),
            reason=data.validated_data["reason"],
        )
        return Response(RefundOutputSerializer(refund).data, status=status.HTTP_201_CREATED)


class StripeWebhookView(APIView):
    """Stripe calls this; the signature, not a session or token, authenticates it."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes: list = []

    @extend_schema(
        tags=["payments"],
        summary="Stripe webhook",
        description=(
            "Verifies the `Stripe-Signature` header with STRIPE_WEBHOOK_SECRET (bad or stale: "
            "400, nothing stored), stores each event id once and processes it in a task after "
            "commit. A repeated delivery is acknowledged with `duplicate: true`."
        ),
        request={"application/json": {"type": "object"}},
        responses={200: WebhookAcknowledgementSerializer, 400: ERROR},
        auth=[],
    )
    def post(self, request):
        _, created = services.payment_webhook_receive(
            provider_name="stripe", payload=request.body, headers=request.headers
        )
        return Response({"received": True, "duplicate": not created})
