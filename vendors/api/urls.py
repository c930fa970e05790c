from django.urls import path

from vendors.api import views

app_name = "vendor"
urlpatterns = [
    path("stock/", views.StockListView.as_view(), name="stock"),
    path("stock/<str:sku>/", views.StockDetailView.as_view(), name="stock-detail"),
    path("stock/<str:sku>/adjust/", views.StockAdjustView.as_view(), name="stock-adjust"),
    path("products/", views.ProductSummaryView.as_view(), name="products"),
]
