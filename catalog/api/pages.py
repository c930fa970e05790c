"""Wagtail API v2 pages endpoint, extended by the catalog with product fields and filters.

Product listings: ``/api/v2/pages/?type=catalog.ProductPage`` (any product filter implies that
type). Filters:

- ``category=<id>``: products of that category and its sub-categories
- ``vendor=<id>[,<id>…]``
- ``price_min``, ``price_max``: on the lowest variant price ("from" price)
- ``in_stock=true``: at least one variant in stock
- ``search=<text>``: full-text (title, summary, body, SKU, vendor and category names)
- ``ordering=newest|price_asc|price_desc|relevance`` (relevance needs ``search``; the default is
  relevance with a search, newest otherwise)

Bad values answer 400 with ``{"message": "..."}`` (the shape of every Wagtail API error).
Only live, public pages are listed (Wagtail's base queryset).
"""

from django.db.models import Case, IntegerField, Value, When
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Site

from catalog import selectors
from catalog.api.absolute import ShopPageSerializer
from catalog.api.serializers import ProductFilterInput, product_field_serializers
from catalog.models import ProductPage

PRODUCT_FILTER_PARAMETERS = frozenset(
    ["category", "vendor", "price_min", "price_max", "in_stock", "ordering"]
)


class ProductFilter:
    """Applies the product filters of the module docstring (product listings only)."""

    def filter_queryset(self, request, queryset, view):
        if not getattr(view, "is_product_listing", False):
            return queryset
        params = {
            name: request.GET[name]
            for name in PRODUCT_FILTER_PARAMETERS | {"search"}
            if name in request.GET
        }
        serializer = ProductFilterInput(data=params)
        if not serializer.is_valid():
            field, messages = next(iter(serializer.errors.items()))
            message = messages[0] if isinstance(messages, list) else messages
            raise BadRequestError(f"{field}: {message}")
        data = serializer.validated_data
        if "order" in request.GET and "ordering" in data:
            raise BadRequestError("Use either order or ordering, not both.")
        category = None
        if "category" in data:
            category = selectors.live_categories().filter(pk=data["category"]).first()
            if category is None:
                raise BadRequestError(f"category: no category with id {data['category']}.")
        query = (data.get("search") or "").strip()
        filters = selectors.ProductFilters(
            query=query,
            category=category,
            vendor_ids=data.get("vendor", []),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            in_stock=data.get("in_stock") in ("true", "1"),
            ordering=data.get("ordering", ""),
        )
        keep_wagtail_order = "order" in request.GET
        ordering = filters.ordering or ("relevance" if query else "")
        ranked = ordering == "relevance" and not keep_wagtail_order
        search_ids = selectors.product_search_ids(query=query, ranked=ranked) if query else None
        queryset = selectors.products_filter(
            filters=filters,
            queryset=queryset,
            search_ids=search_ids,
            apply_ordering=not keep_wagtail_order,
        )
        if ranked and search_ids:
            queryset = queryset.order_by(
                Case(
                    *[When(pk=pk, then=Value(rank)) for rank, pk in enumerate(search_ids)],
                    output_field=IntegerField(),
                ),
                "-pk",
            )
        return queryset


class CatalogSearchFilter(SearchFilter):
    """Wagtail's search for every page type; products are searched by ProductFilter."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "is_product_listing", False):
            return queryset
        return super().filter_queryset(request, queryset, view)


class CatalogPagesAPIViewSet(PagesAPIViewSet):
    base_serializer_class = ShopPageSerializer
    filter_backends = [
        backend for backend in PagesAPIViewSet.filter_backends if backend is not SearchFilter
    ] + [ProductFilter, CatalogSearchFilter]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(PRODUCT_FILTER_PARAMETERS)

    @classmethod
    def get_available_fields(cls, model, db_fields_only=False):
        # The product filters own these names (``vendor`` is also a field): keep Wagtail's
        # field filter and ordering from reading them as ``?vendor=<exact id>``.
        fields = super().get_available_fields(model, db_fields_only=db_fields_only)
        if db_fields_only:
            fields = [name for name in fields if name not in PRODUCT_FILTER_PARAMETERS]
        return fields

    @classmethod
    def get_field_serializer_overrides(cls, model):
        overrides = super().get_field_serializer_overrides(model)
        if issubclass(model, ProductPage):
            overrides.update(product_field_serializers())
        return overrides

    @property
    def is_product_listing(self) -> bool:
        return self.action == "listing_view" and self._requested_model() is ProductPage

    def _requested_model(self):
        requested = self.request.GET.get("type")
        uses_product_filters = any(name in self.request.GET for name in PRODUCT_FILTER_PARAMETERS)
        if requested is None:
            return ProductPage if uses_product_filters else None
        if requested.lower() == "catalog.productpage":
            return ProductPage
        if uses_product_filters:
            raise BadRequestError(
                "The filters category, vendor, price_min, price_max, in_stock and ordering "
                "apply to products: use type=catalog.ProductPage."
            )
        return None

    def get_queryset(self):
        if self._requested_model() is ProductPage:
            queryset = ProductPage.objects.filter(
                pk__in=self.get_base_queryset().values_list("pk", flat=True)
            )
            return selectors.products_for_api(queryset)
        return super().get_queryset()

    def get_object(self):
        page = super().get_object()
        if isinstance(page, ProductPage):
            return selectors.products_for_api(ProductPage.objects.filter(pk=page.pk)).get()
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        site = Site.find_for_request(self.request)
        context["currency"] = selectors.shop_currency(site=site)
        return context
