from django.urls import path

from accounts.api import views

app_name = "auth"

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("token/", views.TokenObtainView.as_view(), name="token"),
    path("refresh/", views.TokenRefreshRotateView.as_view(), name="refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.MeView.as_view(), name="me"),
    path("addresses/", views.AddressListView.as_view(), name="addresses"),
    path("addresses/<int:address_id>/", views.AddressDetailView.as_view(), name="address"),
    path(
        "addresses/<int:address_id>/default/",
        views.AddressDefaultView.as_view(),
        name="address-default",
    ),
]
