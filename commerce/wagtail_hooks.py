"""Wagtail admin: staff (editors) see every order, filter them and inspect one; editors set
each vendor's flat shipping rate.

Orders are read-only here: their status moves only through `commerce.orders` services (payments
and vendor shipping have their own screens), so the permission policy grants "view" to editors
and nothing else to anyone.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import include, path, reverse, reverse_lazy
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from commerce import admin_views
from commerce.models import Order, OrderLine, OrderStatusChange
from vendors.cms.menu import VendorOperationsItem
from vendors.models import Vendor
from vendors.permissions import EDITOR_GROUP_NAMES, is_editor, is_vendor_member


class OrderPermissionPolicy(BasePermissionPolicy):
    """Editors may view orders; nobody adds, edits or deletes them in the admin."""

    def user_has_permission(self, user, action):
        return action == "view" and is_editor(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        return users.filter(
            Q(is_superuser=True) | Q(groups__name__in=EDITOR_GROUP_NAMES)
        ).distinct()


register_permission_policy(Order, OrderPermissionPolicy(Order))


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=Order.Status.choices)
    created_at = django_filters.DateFromToRangeFilter(label="Placed", widget=DateRangePickerWidget)
    vendor = django_filters.ModelChoiceFilter(
        label="Vendor",
        queryset=Vendor.objects.order_by("name"),
        field_name="lines__vendor",
        distinct=True,
    )

    class Meta:
        model = Order
        fields = ["status", "created_at", "vendor", "needs_review"]


class OrderIndexView(IndexView):
    default_ordering = "-created_at"

    def get_base_queryset(self):
        return super().get_base_queryset().annotate(line_count=Count("lines"))


class OrderInspectView(InspectView):
    template_name = "commerce/admin/order_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["lines"] = OrderLine.objects.filter(order=self.object).order_by("pk")
        context["status_changes"] = (
            OrderStatusChange.objects.filter(order=self.object)
            .select_related("actor")
            .order_by("created_at", "pk")
        )
        return context


class OrderViewSet(ModelViewSet):
    model = Order
    icon = "list-ul"
    menu_label = "Orders"
    menu_order = 410
    add_to_admin_menu = True
    copy_view_enabled = False
    # An order refers only to its shopper, and nothing in the admin lists a user's usages:
    # indexing its references would cost every checkout and status change four queries.
    add_to_reference_index = False
    # The generic add/edit views need a form even though the policy never lets anyone use them.
    form_fields = ["needs_review", "review_reason"]
    inspect_view_enabled = True
    inspect_view_class = OrderInspectView
    inspect_view_fields = [
        "number",
        "status",
        "email",
        "created_at",
        "paid_at",
        "expires_at",
        "subtotal",
        "shipping_total",
        "total",
        "currency",
        "needs_review",
        "review_reason",
    ]
    filterset_class = OrderFilterSet
    search_fields = ["number", "email"]
    # Orders are not in the Wagtail search index: search with the ORM.
    search_backend_name = None
    list_display = [
        "number",
        "email",
        Column("status", label="Status", accessor="get_status_display"),
        Column("line_count", label="Lines"),
        "total",
        DateColumn("created_at", label="Placed"),
    ]
    list_export = [
        "number",
        "email",
        "status",
        "currency",
        "subtotal",
        "shipping_total",
        "total",
        "created_at",
    ]
    index_view_class = OrderIndexView


order_viewset = OrderViewSet("orders")


@hooks.register("register_admin_viewset")
def register_order_viewset():
    return order_viewset


admin_urls = (
    [path("", admin_views.ShippingRatesView.as_view(), name="shipping_rates")],
    "commerce_admin",
)


@hooks.register("register_admin_urls")
def register_commerce_admin_urls():
    return [path("shipping-rates/", include(admin_urls))]


class EditorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_editor(request.user)


@hooks.register("register_admin_menu_item")
def register_shipping_rates_menu_item():
    return EditorMenuItem(
        "Shipping rates", reverse("commerce_admin:shipping_rates"), icon_name="site", order=430
    )


# --- a vendor's orders: /admin/vendors/orders/, in the Vendors menu and on the dashboard -----


@hooks.register("register_admin_urls")
def register_vendor_orders_urls():
    from commerce.cms import urls as vendor_order_urls

    return [path("vendors/orders/", include((vendor_order_urls.urlpatterns, "vendor_orders")))]


@hooks.register("register_vendors_menu_item")
def register_vendor_orders_menu_item():
    return VendorOperationsItem(
        "Orders", reverse_lazy("vendor_orders:index"), icon_name="list-ul", order=100
    )


@hooks.register("register_vendors_menu_item")
def register_vendor_sales_totals_menu_item():
    return VendorOperationsItem(
        "Sales totals", reverse_lazy("vendor_orders:sales_totals"), icon_name="table", order=110
    )


@hooks.register("construct_homepage_panels")
def add_vendor_dashboard_panel(request, panels):
    from commerce.cms.panels import VendorDashboardPanel

    if is_editor(request.user) or is_vendor_member(request.user):
        panels.insert(0, VendorDashboardPanel(request=request))
