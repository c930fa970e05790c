"""Site URLs of payments, mounted at the site root (nexus/urls.py) before commerce's."""

from django.urls import path

from commerce.payments import views

app_name = "payments"
urlpatterns = [
    path("orders/<str:number>/pay/", views.order_pay, name="pay"),
    path("orders/<str:number>/payment/", views.order_payment_status, name="status"),
]
