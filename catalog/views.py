"""Site views of the catalog that are not pages: the search results page."""

from django.template.response import TemplateResponse
from django.utils.functional import SimpleLazyObject

from catalog import selectors, shared_pages
from catalog.cache import catalog_fragment
from catalog.forms import ProductFilterForm, filter_context

SEARCH_RESULTS_PER_PAGE = 24


def search(request):
    """/search/?q=…: live public products matching the query, with the category/vendor/price/
    stock filters, ordering (relevance by default with a query) and facet counts.

    The page is the same for everyone asking the same but for their own header: shared
    (`catalog.shared_pages`), so it is rendered only when it is not in the cache, and then
    the results and facets are a cached fragment (`catalog_fragment`) too."""
    return shared_pages.search_response(request, lambda: _search_page(request))


def _search_page(request):
    form = ProductFilterForm(request.GET or None, with_query=True)
    filters = form.cleaned_filters()
    listing = SimpleLazyObject(
        lambda: selectors.product_listing(
            filters=filters,
            page_number=request.GET.get("page"),
            per_page=SEARCH_RESULTS_PER_PAGE,
            with_facets=True,
        )
    )
    context = {
        **filter_context(request, form),
        "search_query": filters.query,
        "listing": listing,
        "products": SimpleLazyObject(lambda: listing.products),
    }
    context["fragment_seconds"], context["fragment_key"] = catalog_fragment(
        request, "search", sorted(request.GET.lists())
    )
    return TemplateResponse(request, "catalog/search.html", context)
