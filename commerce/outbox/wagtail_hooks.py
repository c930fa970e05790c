from django.urls import path
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from commerce.outbox.models import OutboxMessage
from commerce.outbox.views import OutboxIndexView, outbox_message_retry_view


class OutboxMessageViewSet(ModelViewSet):
    """Messages waiting, delivered and dead (filter by status); dead letters can be retried."""

    model = OutboxMessage
    name = "outbox_message"
    icon = "mail"
    menu_label = "Outbox"
    add_to_settings_menu = True
    index_view_class = OutboxIndexView
    list_display = ["key", "task_name", "status", "attempts", "next_attempt_at", "last_error"]
    list_filter = ["status", "task_name"]
    search_fields = ["key", "last_error"]
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["status"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("retry/<int:pk>/", outbox_message_retry_view, name="retry"),
        ]


@hooks.register("register_admin_viewset")
def register_outbox_viewset():
    return OutboxMessageViewSet()
