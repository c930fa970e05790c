"""Vendor screens in the Wagtail admin: thin views that parse, call one service or selector,
and render. Every read goes through `vendors.selectors` (scoped by the policy); every write
through a service. Mounted under /admin/vendors/ by `vendors.wagtail_hooks`."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from nexus.errors import DomainError
from vendors import permissions as policy
from vendors import selectors
from vendors.applications import application_approve, application_reject
from vendors.cms.forms import DecisionForm, VendorCreateForm
from vendors.models import Vendor, VendorApplication
from vendors.services import vendor_onboard, vendor_reactivate, vendor_suspend, vendor_trust_set


def vendor_or_editor_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (policy.is_editor(request.user) or policy.is_vendor_member(request.user)):
            raise PermissionDenied("Only vendor members and editors may open this screen.")
        return view(request, *args, **kwargs)

    return wrapped


def editor_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not policy.is_editor(request.user):
            raise PermissionDenied("Only editors may manage vendors.")
        return view(request, *args, **kwargs)

    return wrapped


def _render(request, template: str, title: str, context: dict):
    return TemplateResponse(
        request, template, {"header_title": title, "page_title": title, **context}
    )


@vendor_or_editor_required
def low_stock(request):
    variants = selectors.vendor_low_stock(user=request.user)
    page = Paginator(variants, 100).get_page(request.GET.get("p"))
    return _render(
        request,
        "vendors/cms/low_stock.html",
        "Low stock",
        {"page_obj": page, "variants": page.object_list},
    )


# --- editors: vendors and applications --------------------------------------------------


@editor_required
def vendor_index(request):
    vendors = Vendor.objects.select_related("storefront").prefetch_related("memberships__user")
    return _render(request, "vendors/cms/vendor_index.html", "Vendors", {"vendors": vendors})


@editor_required
def vendor_create(request):
    form = VendorCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vendor = vendor_onboard(
                name=data["name"],
                contact_email=data["contact_email"],
                owner=data["owner"],
                is_trusted=data["is_trusted"],
                commission_rate=data["commission_rate"],
                shipping_flat_rate=data["shipping_flat_rate"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Vendor “{vendor.name}” created.")
            return redirect("vendors_cms:vendor_index")
    return _render(request, "vendors/cms/form.html", "Add a vendor", {"form": form})


def _vendor_action(service, success: str):
    @require_POST
    @editor_required
    def view(request, vendor_id: int):
        vendor = get_object_or_404(Vendor, pk=vendor_id)
        vendor = service(vendor=vendor)
        messages.success(request, success.format(name=vendor.name))
        return redirect("vendors_cms:vendor_index")

    return view


vendor_suspend_view = _vendor_action(vendor_suspend, "“{name}” is suspended.")
vendor_reactivate_view = _vendor_action(vendor_reactivate, "“{name}” is active again.")


@require_POST
@editor_required
def vendor_trust_view(request, vendor_id: int):
    vendor = get_object_or_404(Vendor, pk=vendor_id)
    is_trusted = request.POST.get("is_trusted") == "1"
    vendor = vendor_trust_set(vendor=vendor, is_trusted=is_trusted)
    state = "publishes directly" if vendor.is_trusted else "goes through moderation"
    messages.success(request, f"“{vendor.name}” now {state}.")
    return redirect("vendors_cms:vendor_index")


@editor_required
def application_review(request, application_id: int):
    application = get_object_or_404(
        VendorApplication.objects.select_related("applicant"), pk=application_id
    )
    return _render(
        request,
        "vendors/cms/application_review.html",
        f"Application: {application.shop_name}",
        {"application": application},
    )


@require_POST
@editor_required
def application_decide(request, application_id: int, decision: str):
    application = get_object_or_404(VendorApplication, pk=application_id)
    form = DecisionForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    try:
        if decision == "approve":
            vendor = application_approve(
                application=application,
                actor=request.user,
                is_trusted=form.cleaned_data.get("is_trusted", False),
                note=note,
            )
            messages.success(request, f"Approved: vendor “{vendor.name}” created.")
        else:
            application_reject(application=application, actor=request.user, note=note)
            messages.success(request, f"Rejected the application of “{application.shop_name}”.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("vendor_applications:index")
