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

import functools

from django.conf import settings
from django.db.models import Case, IntegerField, Value, When
from django.utils.functional import classproperty
from wagtail.api.querysets import get_public_pages_queryset
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page

from catalog import selectors
from catalog.api.absolute import ShopPageSerializer
from catalog.api.fragments import (
    ListingJSONRenderer,
    counted_listing,
    listing_page,
    product_items,
)
from catalog.api.serializers import ProductFilterInput, product_field_serializers
from catalog.cache import product_stock_version_key
from catalog.models import ProductPage
from nexus.page_restrictions import restricted_sections
from nexus.versioned_cache import current

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


def _public_pages(request, *, model, any_restricted: bool):
    """Wagtail's `get_public_pages_queryset` (live pages of the request's site, without the
    sections a view restriction keeps from this request), which queries the restrictions
    and the site on every call: while no page has a restriction (`any_restricted`, from
    the cache: `nexus.page_restrictions`) there is nothing to ask, and the site comes from
    the cache (`selectors.site_for_request`). With restrictions, Wagtail decides for each
    request."""
    selectors.site_for_request(request)
    if any_restricted:
        return get_public_pages_queryset(request, model=model)
    site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    pages = model._default_manager.all().live()
    if site is None:
        return pages.none()
    queryset = pages.descendant_of(site.root_page, inclusive=True)
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        for translation in site.root_page.get_translations():
            queryset |= pages.descendant_of(translation, inclusive=True)
    return queryset


class CatalogPagesAPIViewSet(PagesAPIViewSet):
    base_serializer_class = ShopPageSerializer
    filter_backends = [
        backend for backend in PagesAPIViewSet.filter_backends if backend is not SearchFilter
    ] + [ProductFilter, CatalogSearchFilter]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(PRODUCT_FILTER_PARAMETERS)

    @classproperty
    def renderer_classes(cls):
        return [ListingJSONRenderer, *PagesAPIViewSet.renderer_classes[1:]]

    def listing_view(self, request):
        """Product listings: the count and the page of products' ids (and live revisions),
        kept per query, and each product's item, from the cache or rendered
        (`catalog.api.fragments`); other listings as Wagtail answers them. An answer that
        shows the stock of its products only (no in-stock filter) names them and their stock
        tokens (`product_stock_versions`), so the page cache keeps it until one of them
        changes (`nexus.cache`)."""
        if not self.is_product_listing:
            return super().listing_view(request)
        count, rows = listing_page(view=self, compute=self._listing_rows)
        items = product_items(view=self, serializer_class=self.get_serializer_class, rows=rows)
        self.paginator.total_count = count
        response = self.get_paginated_response(items)
        if "in_stock" not in request.GET and items.stock_versions is not None:
            response.product_stock_versions = items.stock_versions
        return response

    def _listing_rows(self) -> tuple[int, list[tuple[int, int | None]]]:
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = counted_listing(view=self, queryset=self.filter_queryset(queryset))
        rows = list(self.paginate_queryset(queryset).values_list("pk", "live_revision_id"))
        # The fields asked for are checked too (a 400 for an unknown one), so only the page
        # of a request that is answered is kept.
        self.get_serializer_class()
        return self.paginator.total_count, rows

    def any_restricted(self, found: dict | None = None) -> bool:
        """Whether any page has a view restriction (read once per request, from the cache,
        or from `found`: see `restricted_sections`): then Wagtail decides for each request
        which pages it sees."""
        if not hasattr(self, "_any_restricted"):
            self._any_restricted = bool(restricted_sections(found))
        return self._any_restricted

    def get_base_queryset(self):
        return self._public_pages_of(Page)

    def _public_pages_of(self, model):
        # Asked for by the queryset, the serializer class and the serializer context alike:
        # made once per request.
        if not hasattr(self, "_public_pages"):
            self._public_pages = {}
        if model not in self._public_pages:
            try:
                self._public_pages[model] = _public_pages(
                    self.request, model=model, any_restricted=self.any_restricted()
                )
            except ValueError as e:
                raise BadRequestError(str(e)) from e
        return self._public_pages[model]

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        # Wagtail builds a new serializer class on every request; one per field selection
        # serves them all.
        return _serializer_class(
            cls, router, model, _frozen(fields_config), show_details=show_details, nested=nested
        )

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
        # Products are filtered as pages directly (not by the ids of public pages, a subquery
        # every later filter would copy); listings read what their items show by themselves
        # (`listing_view`).
        if self._requested_model() is ProductPage:
            return self._public_pages_of(ProductPage)
        return super().get_queryset()

    def detail_view(self, request, pk):
        """A product's answer shows its own stock only: it names the product and the stock
        token read before its rows (`product_stock_versions`), so the page cache keeps it
        until the product changes, not until any product's stock does (`nexus.cache`)."""
        response = super().detail_view(request, pk)
        if getattr(self, "_stock_versions", None):
            response.product_stock_versions = self._stock_versions
        return response

    def get_object(self):
        page = super().get_object()
        if isinstance(page, ProductPage):
            token = current(product_stock_version_key(page.pk))
            product = selectors.products_for_api(ProductPage.objects.filter(pk=page.pk)).get()
            self._stock_versions = {page.pk: token} if token else None
            return product
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        site = selectors.site_for_request(self.request)
        context["currency"] = selectors.shop_currency(site=site)
        return context


def _frozen(fields_config):
    """Wagtail's parsed `fields` parameter ([(name, negated, sub-fields or None)]) as a
    hashable value."""
    return tuple(
        (name, negated, _frozen(sub_fields) if sub_fields else None)
        for name, negated, sub_fields in fields_config
    )


def _thawed(fields_config):
    return [
        (name, negated, _thawed(sub_fields) if sub_fields else sub_fields)
        for name, negated, sub_fields in fields_config
    ]


@functools.lru_cache(maxsize=256)
def _serializer_class(view_class, router, model, fields_config, *, show_details, nested):
    return super(CatalogPagesAPIViewSet, view_class)._get_serializer_class(
        router, model, _thawed(fields_config), show_details=show_details, nested=nested
    )
