"""The vendor's order screens in the Wagtail admin (/admin/vendors/orders/): thin views that
parse, call `commerce.vendor_orders` (scoped by the vendor policy) and render."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from commerce.cms.forms import OrderLineFilterForm, PeriodForm, ShipLinesForm
from commerce.vendor_orders import vendor_order_lines, vendor_order_lines_ship, vendor_sales_totals
from nexus.errors import DomainError
from vendors import permissions as policy
from vendors.cms.views import vendor_or_editor_required


def _render(request, template: str, title: str, context: dict):
    return TemplateResponse(
        request, template, {"header_title": title, "page_title": title, **context}
    )


@vendor_or_editor_required
def orders_index(request):
    form = OrderLineFilterForm(request.GET or None)
    lines = vendor_order_lines(user=request.user, **form.filters())
    page = Paginator(lines, 50).get_page(request.GET.get("p"))
    return _render(
        request,
        "commerce/cms/orders_index.html",
        "Orders",
        {
            "form": form,
            "page_obj": page,
            "lines": page.object_list,
            "is_editor": policy.is_editor(request.user),
        },
    )


@require_POST
@vendor_or_editor_required
def orders_ship(request):
    """Mark the chosen lines shipped through the one ship flow (`vendor_order_lines_ship`):
    lines the user cannot see are refused as unknown, and nothing changes on any refusal."""
    visible = vendor_order_lines(user=request.user)
    requested = [value for value in request.POST.getlist("line_ids") if value.isdigit()]
    form = ShipLinesForm(
        request.POST, line_ids=list(visible.filter(pk__in=requested).values_list("pk", flat=True))
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("vendor_orders:index")
    try:
        shipped = vendor_order_lines_ship(
            user=request.user,
            order_line_ids=form.cleaned_data["line_ids"],
            carrier=form.cleaned_data["carrier"],
            tracking_number=form.cleaned_data["tracking_number"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{len(shipped)} line(s) marked shipped.")
    return redirect("vendor_orders:index")


@vendor_or_editor_required
def sales_totals(request):
    form = PeriodForm(request.GET or None)
    period = (form.is_valid() and form.cleaned_data.get("period")) or "day"
    totals = vendor_sales_totals(user=request.user, period=period)
    return _render(
        request,
        "commerce/cms/sales_totals.html",
        "Sales totals",
        {"form": form, "period": period, "totals": totals},
    )
