"""Site views of the catalog that are not pages: the search results page."""

from django.template.response import TemplateResponse

from catalog import selectors
from catalog.forms import ProductFilterForm, filter_context

SEARCH_RESULTS_PER_PAGE = 24


def search(request):
    """/search/?q=…: live public products matching the query, with the category/vendor/price/
    stock filters, ordering (relevance by default with a query) and facet counts."""
    form = ProductFilterForm(request.GET or None, with_query=True)
    filters = form.cleaned_filters()
    listing = selectors.product_listing(
        filters=filters,
        page_number=request.GET.get("page"),
        per_page=SEARCH_RESULTS_PER_PAGE,
        with_facets=True,
    )
    context = {
        **filter_context(request, form),
        "search_query": filters.query,
        "listing": listing,
        "products": listing.products,
    }
    return TemplateResponse(request, "catalog/search.html", context)
