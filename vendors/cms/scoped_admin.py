"""Wagtail admin screens that name objects by id, narrowed to what a vendor member may see.

Wagtail checks permissions before it *acts*, but several screens show the titles of whatever
ids they are given first: the confirmation page of a bulk action (with a list of the objects
the user may not act on), the page chooser opened at a parent page, the chooser's
"chosen-multiple" answer, and the page types usage report (the last edited page of each
type, anywhere in the tree, drafts included). For a vendor member these ask the vendor policy
(`vendors.permissions`): another vendor's objects are not found, and the report, which is
about the whole site, is refused. Editors and everyone else see Wagtail's own screens.

The bulk actions are Wagtail's own classes with the narrowing mixed in, registered after
Wagtail's so they take their place. The chooser and report views have no hook, so the site's
URLconf routes their paths here first (`urlpatterns`, included before Wagtail's admin URLs).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import chooser
from wagtail.admin.views.pages import bulk_actions as page_bulk_actions
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.documents import get_document_model
from wagtail.documents.views import bulk_actions as document_bulk_actions
from wagtail.images import get_image_model
from wagtail.images.views import bulk_actions as image_bulk_actions
from wagtail.models import Page

from vendors import permissions as policy


def _visible(user, model, queryset):
    """The part of `queryset` (pages, images or documents) a vendor member may see."""
    if issubclass(model, Page):
        return policy.pages_for_user(user, queryset)
    if model in (get_image_model(), get_document_model()):
        return policy.media_for_user(user, queryset)
    return queryset.none()


class VendorScopedBulkAction:
    """Mixed in before a Wagtail bulk action: a vendor member's ids outside their own objects
    are dropped before anything is listed or done; none left is a 404."""

    def get_actionable_objects(self):
        objects, extra = super().get_actionable_objects()
        user = self.request.user
        if not policy.is_vendor_member(user):
            return objects, extra
        without_access = list(extra.get("items_with_no_access", []))
        ids = [obj.pk for obj in objects + without_access]
        visible = set(
            _visible(user, self.model, self.model.objects.filter(pk__in=ids)).values_list(
                "pk", flat=True
            )
        )
        objects = [obj for obj in objects if obj.pk in visible]
        extra["items_with_no_access"] = [obj for obj in without_access if obj.pk in visible]
        if not objects and not extra["items_with_no_access"]:
            raise Http404("No such objects.")
        return objects, extra


WAGTAIL_BULK_ACTIONS = [
    page_bulk_actions.DeleteBulkAction,
    page_bulk_actions.MoveBulkAction,
    page_bulk_actions.PublishBulkAction,
    page_bulk_actions.UnpublishBulkAction,
    image_bulk_actions.AddTagsBulkAction,
    image_bulk_actions.AddToCollectionBulkAction,
    image_bulk_actions.DeleteBulkAction,
    document_bulk_actions.AddTagsBulkAction,
    document_bulk_actions.AddToCollectionBulkAction,
    document_bulk_actions.DeleteBulkAction,
]


def scoped_bulk_actions() -> list[type]:
    return [
        type(f"VendorScoped{action.__name__}", (VendorScopedBulkAction, action), {})
        for action in WAGTAIL_BULK_ACTIONS
    ]


def _choosable(user, page_ids) -> list[int]:
    return list(
        policy.choosable_pages_for_user(user, Page.objects.filter(pk__in=page_ids)).values_list(
            "pk", flat=True
        )
    )


_browse = chooser.BrowseView.as_view()
_chosen_multiple = chooser.ChosenMultipleView.as_view()


def page_chooser_browse(request, parent_page_id):
    """The page chooser opened at `parent_page_id`: another vendor's page is not found."""
    if policy.is_vendor_member(request.user) and not _choosable(request.user, [parent_page_id]):
        raise Http404("No such page.")
    return _browse(request, parent_page_id=parent_page_id)


def page_chooser_chosen_multiple(request):
    """The titles of the chosen pages: only those the member may choose."""
    if policy.is_vendor_member(request.user):
        wanted = [value for value in request.GET.getlist("id") if value.isdigit()]
        query = request.GET.copy()
        query.setlist("id", [str(pk) for pk in _choosable(request.user, wanted)])
        request.GET = query
    return _chosen_multiple(request)


def _refused_to_vendors(view):
    def guarded(request, *args, **kwargs):
        if policy.is_vendor_member(request.user):
            raise PermissionDenied("This report covers every vendor's pages.")
        return view(request, *args, **kwargs)

    return guarded


urlpatterns = [
    path(
        "choose-page/<int:parent_page_id>/",
        require_admin_access(page_chooser_browse),
    ),
    path(
        "choose-page/chosen-multiple/",
        require_admin_access(page_chooser_chosen_multiple),
    ),
    path(
        "reports/page-types-usage/",
        require_admin_access(_refused_to_vendors(PageTypesUsageReportView.as_view())),
    ),
    path(
        "reports/page-types-usage/results/",
        require_admin_access(
            _refused_to_vendors(PageTypesUsageReportView.as_view(results_only=True))
        ),
    ),
]
