"""Wagtail admin screens of the catalog: stock (/admin/stock/) and CSV product import.

Thin: parse the form, ask `catalog.permissions`, call `catalog.inventory` or the import
service, render. Stock never goes through page revisions.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from catalog import inventory, selectors
from catalog.exceptions import InsufficientStock, InvalidStockChange
from catalog.forms import ProductImportForm, StockAdjustForm, StockSetForm
from catalog.models import Availability, ProductPage, ProductVariant, availability_for
from catalog.permissions import stock_vendor_scope, user_can_add_products, user_can_change_stock
from catalog.services.product_import import products_import
from nexus.admin_screens import AdminScreenMixin

STOCK_ROWS_PER_PAGE = 50


class StockListView(AdminScreenMixin, TemplateView):
    """Variants with quantity and availability, each with a set and an adjust form."""

    template_name = "catalog/admin/stock_list.html"
    page_title = "Stock"
    header_icon = "list-ul"

    def dispatch(self, request, *args, **kwargs):
        self.scope = stock_vendor_scope(request.user)
        if self.scope == []:
            raise PermissionDenied("You have no stock to manage.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        vendor_id = params.get("vendor")
        rows = selectors.stock_rows(
            restrict_to_vendor_ids=self.scope,
            query=params.get("q", "").strip(),
            vendor_id=int(vendor_id) if vendor_id and vendor_id.isdigit() else None,
            availability=params.get("availability", ""),
        )
        page = Paginator(rows, STOCK_ROWS_PER_PAGE).get_page(params.get("p"))
        for variant in page.object_list:
            variant.availability = availability_for(variant.quantity)
        vendors = ProductPage.vendor_model().objects.order_by("name")
        if self.scope is not None:
            vendors = vendors.filter(pk__in=self.scope)
        context.update(
            page_obj=page,
            vendors=vendors,
            availability_choices=Availability.choices,
            query=params.get("q", ""),
            selected_vendor=vendor_id or "",
            selected_availability=params.get("availability", ""),
            next_url=self.request.get_full_path(),
            set_form=StockSetForm(),
            adjust_form=StockAdjustForm(),
        )
        return context


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("catalog_stock:list")
    return HttpResponseRedirect(target)


def _variant_for_change(request, variant_id: int) -> ProductVariant:
    variant = get_object_or_404(ProductVariant.objects.select_related("page"), pk=variant_id)
    if not user_can_change_stock(request.user, vendor_id=variant.page.vendor_id):
        raise PermissionDenied("You cannot change this product's stock.")
    return variant


@require_POST
def stock_set_view(request, variant_id: int):
    variant = _variant_for_change(request, variant_id)
    form = StockSetForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{variant.sku}: {form.errors.as_text()}")
        return _back(request)
    try:
        quantity = inventory.stock_set(
            variant_id=variant.pk, quantity=form.cleaned_data["quantity"]
        )
    except InvalidStockChange as exc:
        messages.error(request, f"{variant.sku}: {exc.message}")
    else:
        messages.success(request, f"{variant.sku}: stock set to {quantity}.")
    return _back(request)


@require_POST
def stock_adjust_view(request, variant_id: int):
    variant = _variant_for_change(request, variant_id)
    form = StockAdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{variant.sku}: {form.errors.as_text()}")
        return _back(request)
    try:
        quantity = inventory.stock_adjust(variant_id=variant.pk, delta=form.cleaned_data["delta"])
    except (InsufficientStock, InvalidStockChange) as exc:
        messages.error(request, f"{variant.sku}: {exc.message}")
    else:
        messages.success(request, f"{variant.sku}: stock is now {quantity}.")
    return _back(request)


class ProductImportIndexView(AdminScreenMixin, TemplateView):
    """The storefronts the user may import products into."""

    template_name = "catalog/admin/import_index.html"
    page_title = "Import products"
    header_icon = "upload"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        storefronts = ProductPage.storefront_model().objects.order_by("title")
        context["storefronts"] = [
            storefront
            for storefront in storefronts
            if user_can_add_products(self.request.user, storefront)
        ]
        return context


class ProductImportView(AdminScreenMixin, TemplateView):
    """Upload a CSV of products for one storefront; shows created products and row errors."""

    template_name = "catalog/admin/import_form.html"
    header_icon = "upload"

    def dispatch(self, request, *args, storefront_id: int, **kwargs):
        storefront_model = ProductPage.storefront_model()
        self.storefront = get_object_or_404(storefront_model, pk=storefront_id)
        if not user_can_add_products(request.user, self.storefront):
            raise PermissionDenied("You cannot import products for this vendor.")
        self.can_publish = self.storefront.permissions_for_user(request.user).can_publish_subpage()
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"Import products into {self.storefront.title}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(storefront=self.storefront, can_publish=self.can_publish)
        context.setdefault("form", ProductImportForm(initial={"publish": self.can_publish}))
        return context

    def post(self, request, *args, **kwargs):
        form = ProductImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        result = products_import(
            storefront=self.storefront,
            file=form.cleaned_data["file"],
            publish=form.cleaned_data["publish"],
            user=request.user,
        )
        if result.created:
            messages.success(
                request,
                f"Imported {len(result.created)} product(s) with {result.variant_count} variant(s).",
            )
        if result.errors:
            messages.error(
                request, f"{len(result.errors)} row error(s): those rows were not imported."
            )
        status = 200 if result.created or not result.errors else 400
        return self.render_to_response(
            self.get_context_data(form=form, result=result), status=status
        )
