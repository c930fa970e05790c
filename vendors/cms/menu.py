"""The "Vendors" admin menu: operations for members and editors, management for editors.

Other apps add their vendor operations (the orders screens of `commerce`) through the
`register_vendors_menu_item` hook, so this app does not name them."""

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
        register_hook_name="register_vendors_menu_item",
        items=[
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
        ],
    )
    return VendorSubmenu("Vendors", menu, icon_name="site", name="vendors", order=250)
