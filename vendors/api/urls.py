from django.urls import path

from vendors.api import views

app_name = "vendor"
urlpatterns = [
    path("order-lines/", views.OrderLineListView.as_view(), name="order-lines"),
    path("order-lines/ship/", views.OrderLinesShipView.as_view(), name="order-lines-ship"),
    path("order-lines/<int:line_id>/", views.OrderLineDetailView.as_view(), name="order-line"),
    path("stock/", views.StockListView.as_view(), name="stock"),
    path("stock/<str:sku>/", views.StockDetailView.as_view(), name="stock-detail"),
    path("stock/<str:sku>/adjust/", views.StockAdjustView.as_view(), name="stock-adjust"),
    path("products/", views.ProductSummaryView.as_view(), name="products"),
]
