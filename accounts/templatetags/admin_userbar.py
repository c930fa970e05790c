"""`{% admin_userbar %}`: Wagtail's userbar for those who may use the admin, and nothing (at no
query) for shoppers (`accounts.admin_access`)."""

from django import template
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar

from accounts.admin_access import may_access_admin

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_userbar(context, position="bottom-right"):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may_access_admin(user):
        return ""
    return wagtailuserbar(context, position)
