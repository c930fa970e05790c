"""Site pages of the shop's cart, checkout, orders and wishlist."""

from django.urls import path

from commerce import views

app_name = "commerce"
urlpatterns = [
    path("cart/", views.cart_detail, name="cart"),
    path("cart/add/", views.cart_add, name="cart_add"),
    path("cart/lines/<int:line_id>/", views.cart_line_update, name="cart_line_update"),
    path("cart/lines/<int:line_id>/remove/", views.cart_line_remove, name="cart_line_remove"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<str:number>/", views.order_detail, name="order"),
    path("orders/<str:number>/cancel/", views.order_cancel_view, name="order_cancel"),
    path("wishlist/", views.wishlist, name="wishlist"),
    path("wishlist/add/", views.wishlist_add, name="wishlist_add"),
    path("wishlist/<int:item_id>/remove/", views.wishlist_remove, name="wishlist_remove"),
    path(
        "wishlist/<int:item_id>/move-to-cart/",
        views.wishlist_move_to_cart,
        name="wishlist_move_to_cart",
    ),
]
