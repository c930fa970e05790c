"""Wagtail admin screens of payments: the refundable orders (/admin/payments/refunds/) and
the refund form of one order; the orders flagged for review (/admin/payments/reviews/) and the
resolution form of one. Thin: check the policy, parse the form, call the service."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from commerce.exceptions import OrderNotFound
from commerce.payments import selectors, services
from nexus.admin_screens import AdminScreenMixin
from nexus.errors import DomainError
from nexus.money import money_format
from vendors.permissions import is_editor

ORDERS_PER_PAGE = 50


class EditorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_editor(request.user):
            raise PermissionDenied("Only staff can refund orders.")
        return super().dispatch(request, *args, **kwargs)


class StaffOrderMixin(EditorOnlyMixin):
    """A screen about one order, named by its number in the URL; 404 when there is none."""

    def get_order(self):
        try:
            return selectors.order_get_for_staff(number=self.kwargs["number"])
        except OrderNotFound:
            raise Http404("No such order.")

    def get_page_subtitle(self):
        return self.kwargs["number"]


class RefundableOrdersView(EditorOnlyMixin, AdminScreenMixin, TemplateView):
    template_name = "payments/admin/refundable_orders.html"
    page_title = "Refunds"
    header_icon = "undo"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        orders = selectors.orders_refundable(search=query)
        context.update(
            page_obj=Paginator(orders, ORDERS_PER_PAGE).get_page(self.request.GET.get("p")),
            query=query,
        )
        return context


class OrderRefundView(StaffOrderMixin, AdminScreenMixin, TemplateView):
    """GET: the order's lines with what is left to refund. POST: refund everything left
    (`full`), or the quantities entered per line (`quantity-<line id>`), optionally for a
    different `amount`."""

    template_name = "payments/admin/order_refund.html"
    page_title = "Refund order"
    header_icon = "undo"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.get_order()
        lines = list(order.lines.order_by("pk"))
        for line in lines:
            line.refundable_quantity = line.quantity - line.refunded_quantity
        context.update(order=order, lines=lines, summary=selectors.payment_summary(order=order))
        return context

    def post(self, request, number: str):
        order = self.get_order()
        back = reverse("payments_admin:order_refund", args=[order.number])
        try:
            amount = request.POST.get("amount", "").strip()
            amount = Decimal(amount) if amount else None
        except InvalidOperation:
            messages.error(request, "The amount must be a number like 12.50.")
            return HttpResponseRedirect(back)
        lines = None
        if "full" not in request.POST:
            lines = {}
            for line in order.lines.all():
                raw = request.POST.get(f"quantity-{line.pk}", "").strip() or "0"
                if not raw.isdigit():
                    messages.error(request, f"{line.sku}: enter a whole number.")
                    return HttpResponseRedirect(back)
                if int(raw):
                    lines[line.pk] = int(raw)
            if not lines and amount is not None:
                lines = None  # an amount alone: a goodwill refund
        try:
            refund = services.payment_refund(
                order=order,
                actor=request.user,
                lines=lines,
                amount=amount,
                reason=request.POST.get("reason", "").strip()[:500],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Refunded {money_format(refund.amount, refund.currency)} on order {order.number} "
                f"({refund.reference}).",
            )
        return HttpResponseRedirect(back)


class ReviewOrdersView(EditorOnlyMixin, AdminScreenMixin, TemplateView):
    """Orders flagged for review (a payment arrived for a cancelled, expired or paid order)."""

    template_name = "payments/admin/review_orders.html"
    page_title = "Orders to review"
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        orders = selectors.orders_flagged_for_review()
        context["page_obj"] = Paginator(orders, ORDERS_PER_PAGE).get_page(self.request.GET.get("p"))
        return context


class OrderReviewView(StaffOrderMixin, AdminScreenMixin, TemplateView):
    """GET: why the order is flagged, its payments and history. POST: `action` (refund,
    reinstate or dismiss) with a `note` saying why."""

    template_name = "payments/admin/order_review.html"
    page_title = "Review order"
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.get_order()
        context.update(
            order=order,
            payments=order.payments.order_by("attempt"),
            history=order.status_changes.select_related("actor").order_by("created_at", "pk"),
            reasons=[line for line in order.review_reason.splitlines() if line.strip()],
        )
        return context

    def post(self, request, number: str):
        order = self.get_order()
        action = request.POST.get("action", "")
        try:
            services.order_review_resolve(
                order=order,
                actor=request.user,
                action=action,
                note=request.POST.get("note", "")[:500],
            )
        except DomainError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(
                reverse("payments_review_admin:order_review", args=[number])
            )
        done = {"refund": "refunded", "reinstate": "reinstated as paid", "dismiss": "dismissed"}
        messages.success(request, f"Order {order.number} {done[action]}; the flag is cleared.")
        return HttpResponseRedirect(reverse("payments_review_admin:review_orders"))
