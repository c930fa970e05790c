"""The base of the project's own Wagtail admin screens (stock, imports, shipping, refunds)."""

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin


class AdminScreenMixin(WagtailAdminTemplateMixin):
    """Wagtail's template mixin with the screen's own title as the last breadcrumb.

    Wagtail's default breadcrumbs are just "Home", which the slim header then shows as the
    screen's only visible heading; the title itself is rendered for screen readers only.
    """

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]
