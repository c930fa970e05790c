"""Mounted at /api/v1/ (nexus/api.py)."""

from django.urls import path

from commerce.payments.api import views

urlpatterns = [
    path("orders/<str:number>/payment/", views.OrderPaymentView.as_view(), name="order-payment"),
    path("orders/<str:number>/refunds/", views.OrderRefundsView.as_view(), name="order-refunds"),
    path(
        "payments/webhooks/stripe/",
        views.StripeWebhookView.as_view(),
        name="payments-webhook-stripe",
    ),
]
