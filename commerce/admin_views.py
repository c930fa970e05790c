"""Wagtail admin screen for editors: each vendor's flat shipping rate (/admin/shipping-rates/).
Thin: check the policy, parse the form, call `vendor_shipping_rate_set`."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from catalog.selectors import shop_currency
from commerce.shipping import vendor_shipping_rate_set
from nexus.admin_screens import AdminScreenMixin
from nexus.errors import DomainError
from nexus.money import money_format
from vendors.models import Vendor
from vendors.permissions import is_editor


class ShippingRatesView(AdminScreenMixin, TemplateView):
    template_name = "commerce/admin/shipping_rates.html"
    page_title = "Shipping rates"
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not is_editor(request.user):
            raise PermissionDenied("Only editors set shipping rates.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vendors"] = Vendor.objects.order_by("name")
        return context

    def post(self, request, *args, **kwargs):
        try:
            vendor = vendor_shipping_rate_set(
                vendor_id=int(request.POST.get("vendor", "0") or 0),
                rate=request.POST.get("shipping_flat_rate", ""),
                actor=request.user,
            )
        except (Vendor.DoesNotExist, ValueError):
            messages.error(request, "No such vendor.")
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"{vendor.name} now charges "
                f"{money_format(vendor.shipping_flat_rate, shop_currency())} for shipping.",
            )
        return HttpResponseRedirect(reverse("commerce_admin:shipping_rates"))
