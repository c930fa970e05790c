"""Admin menu entries and URLs of the catalog (stock screen, CSV import)."""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from catalog import admin_views
from catalog.permissions import stock_vendor_scope

stock_urls = (
    [
        path("", admin_views.StockListView.as_view(), name="list"),
        path("<int:variant_id>/set/", admin_views.stock_set_view, name="set"),
        path("<int:variant_id>/adjust/", admin_views.stock_adjust_view, name="adjust"),
    ],
    "catalog_stock",
)
import_urls = (
    [
        path("", admin_views.ProductImportIndexView.as_view(), name="index"),
        path("<int:storefront_id>/", admin_views.ProductImportView.as_view(), name="upload"),
    ],
    "catalog_import",
)


@hooks.register("register_admin_urls")
def register_catalog_admin_urls():
    return [
        path("stock/", include(stock_urls)),
        path("catalog/import/", include(import_urls)),
    ]


class StockMenuItem(MenuItem):
    def is_shown(self, request):
        return stock_vendor_scope(request.user) != []


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return stock_vendor_scope(request.user) != []


@hooks.register("register_admin_menu_item")
def register_stock_menu_item():
    return StockMenuItem("Stock", reverse("catalog_stock:list"), icon_name="list-ul", order=310)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        "Import products", reverse("catalog_import:index"), icon_name="upload", order=320
    )


@hooks.register("insert_global_admin_css")
def admin_screens_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
