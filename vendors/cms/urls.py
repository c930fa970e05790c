from django.urls import path

from vendors.cms import views

urlpatterns = [
    path("low-stock/", views.low_stock, name="low_stock"),
    path("", views.vendor_index, name="vendor_index"),
    path("add/", views.vendor_create, name="vendor_create"),
    path("<int:vendor_id>/suspend/", views.vendor_suspend_view, name="vendor_suspend"),
    path("<int:vendor_id>/reactivate/", views.vendor_reactivate_view, name="vendor_reactivate"),
    path("<int:vendor_id>/trust/", views.vendor_trust_view, name="vendor_trust"),
    path(
        "applications/<int:application_id>/review/",
        views.application_review,
        name="application_review",
    ),
    path(
        "applications/<int:application_id>/approve/",
        views.application_decide,
        {"decision": "approve"},
        name="application_approve",
    ),
    path(
        "applications/<int:application_id>/reject/",
        views.application_decide,
        {"decision": "reject"},
        name="application_reject",
    ),
]
