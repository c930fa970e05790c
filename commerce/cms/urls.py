from django.urls import path

from commerce.cms import views

urlpatterns = [
    path("", views.orders_index, name="index"),
    path("ship/", views.orders_ship, name="ship"),
    path("totals/", views.sales_totals, name="sales_totals"),
]
