"""Wagtail admin viewset for vendor applications: editors list, filter and inspect them, and
open a review screen with the approve and reject actions (`vendors.cms.views`)."""

from django.urls import reverse
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from vendors import permissions as policy
from vendors.models import VendorApplication


class EditorsMayViewPermissionPolicy(BasePermissionPolicy):
    """Editors may view applications; nobody adds, edits or deletes them here (they come from
    the site and change only through the approve/reject services)."""

    def user_has_permission(self, user, action):
        return action in ("view", "inspect") and policy.is_editor(user)

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model
        from django.db.models import Q

        if not set(actions) & {"view", "inspect"}:
            return get_user_model().objects.none()
        return (
            get_user_model()
            .objects.filter(
                Q(is_superuser=True) | Q(groups__name__in=policy.EDITOR_GROUP_NAMES),
                is_active=True,
            )
            .distinct()
        )


class ApplicationIndexView(generic.IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == VendorApplication.Status.PENDING:
            buttons.insert(
                0,
                MenuItem(
                    "Review (approve or reject)",
                    url=reverse("vendors_cms:application_review", args=[instance.pk]),
                    icon_name="tick",
                    priority=5,
                ),
            )
        return buttons


class VendorApplicationViewSet(ModelViewSet):
    model = VendorApplication
    name = "vendor_applications"
    icon = "form"
    menu_label = "Vendor applications"
    add_to_admin_menu = False
    index_view_class = ApplicationIndexView
    inspect_view_enabled = True
    list_display = ["shop_name", "applicant", "contact_email", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["shop_name", "contact_email", "applicant__email"]
    form_fields = ["decision_note"]
    inspect_view_fields = [
        "shop_name",
        "applicant",
        "contact_email",
        "description",
        "status",
        "vendor",
        "decided_by",
        "decided_at",
        "decision_note",
        "created_at",
    ]


register_permission_policy(
    VendorApplication, EditorsMayViewPermissionPolicy(VendorApplication), exact_class=True
)
vendor_application_viewset = VendorApplicationViewSet()


def vendor_admin_viewsets():
    return vendor_application_viewset
