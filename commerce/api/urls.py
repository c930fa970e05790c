"""Commerce endpoints under /api/v1/: cart, checkout, orders, wishlist, vendors' order lines."""

from django.urls import path

from commerce.api import cart, orders, vendor_orders, wishlist

urlpatterns = [
    path("cart/", cart.CartView.as_view(), name="cart"),
    path("cart/lines/", cart.CartLinesView.as_view(), name="cart-lines"),
    path("cart/lines/<int:line_id>/", cart.CartLineView.as_view(), name="cart-line"),
    path("checkout/", orders.CheckoutView.as_view(), name="checkout"),
    path("orders/", orders.OrderListView.as_view(), name="orders"),
    path("orders/<str:number>/", orders.OrderDetailView.as_view(), name="order"),
    path("orders/<str:number>/cancel/", orders.OrderCancelView.as_view(), name="order-cancel"),
    path("wishlist/", wishlist.WishlistView.as_view(), name="wishlist"),
    path("wishlist/<int:item_id>/", wishlist.WishlistItemView.as_view(), name="wishlist-item"),
    path(
        "wishlist/<int:item_id>/move-to-cart/",
        wishlist.WishlistMoveToCartView.as_view(),
        name="wishlist-move-to-cart",
    ),
    path(
        "vendor/order-lines/",
        vendor_orders.OrderLineListView.as_view(),
        name="vendor-order-lines",
    ),
    path(
        "vendor/order-lines/ship/",
        vendor_orders.OrderLinesShipView.as_view(),
        name="vendor-order-lines-ship",
    ),
    path(
        "vendor/order-lines/<int:line_id>/",
        vendor_orders.OrderLineDetailView.as_view(),
        name="vendor-order-line",
    ),
]
