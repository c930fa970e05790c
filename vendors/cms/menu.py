"""The "Vendors" admin menu: operations for members and editors, management for editors."""

from django.urls import reverse_lazy
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from vendors import permissions as policy


class VendorOperationsItem(MenuItem):
    def is_shown(self, request):
        return policy.is_editor(request.user) or policy.is_vendor_member(request.user)


class EditorItem(MenuItem):
    def is_shown(self, request):
        return policy.is_editor(request.user)


class VendorSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return policy.is_editor(request.user) or policy.is_vendor_member(request.user)


def vendor_operations_menu_item():
    menu = Menu(
        items=[
            VendorOperationsItem(
                "Orders", reverse_lazy("vendors_cms:orders"), icon_name="list-ul", order=100
            ),
            VendorOperationsItem(
                "Sales totals",
                reverse_lazy("vendors_cms:sales_totals"),
                icon_name="table",
                order=110,
            ),
            VendorOperationsItem(
                "Low stock", reverse_lazy("vendors_cms:low_stock"), icon_name="warning", order=120
            ),
            EditorItem(
                "Vendors", reverse_lazy("vendors_cms:vendor_index"), icon_name="group", order=200
            ),
            EditorItem(
                "Applications",
                reverse_lazy("vendor_applications:index"),
                icon_name="form",
                order=210,
            ),
        ]
    )
    return VendorSubmenu("Vendors", menu, icon_name="site", name="vendors", order=250)
