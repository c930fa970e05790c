"""The admin home panel: today's orders and revenue (own vendor; all vendors for editors)."""

from wagtail.admin.ui.components import Component

from commerce.vendor_orders import vendor_dashboard_today
from vendors import permissions as policy


class VendorDashboardPanel(Component):
    name = "vendor_dashboard"
    template_name = "commerce/cms/dashboard_panel.html"
    order = 50

    def __init__(self, *, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        user = self.request.user
        return {
            "today": vendor_dashboard_today(user=user),
            "is_editor": policy.is_editor(user),
            "vendor": policy.vendor_for_user(user),
        }
