"""Staff screens of the outbox in the Wagtail admin: the message list (dead letters filtered
by status) and the retry action."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from wagtail.admin.views import generic
from wagtail.admin.widgets import ListingButton

from commerce.outbox.models import OutboxMessage
from commerce.outbox.services import outbox_message_retry


class OutboxIndexView(generic.IndexView):
    def get_add_url(self):
        # Messages are written by the services that cause them, never by hand.
        return None

    def get_edit_url(self, instance):
        return None

    def get_copy_url(self, instance):
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status != OutboxMessage.Status.DELIVERED and self.user_has_permission("change"):
            buttons.append(
                ListingButton(
                    "Retry",
                    url=reverse("outbox_message:retry", args=[instance.pk]),
                    icon_name="rotate",
                    priority=5,
                )
            )
        return buttons


def outbox_message_retry_view(request, pk):
    """GET asks for confirmation, POST puts the message back in the queue."""
    if not request.user.has_perm("outbox.change_outboxmessage"):
        raise PermissionDenied
    message = get_object_or_404(OutboxMessage, pk=pk)
    index_url = reverse("outbox_message:index")
    if request.method == "POST":
        try:
            outbox_message_retry(message=message)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Message {message.key} queued again.")
        return redirect(index_url)
    return TemplateResponse(
        request, "outbox/retry_confirm.html", {"message": message, "index_url": index_url}
    )
