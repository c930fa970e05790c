"""Wagtail API v2 pages endpoint, extended by the catalog with product filters."""

from wagtail.api.v2.views import PagesAPIViewSet


class CatalogPagesAPIViewSet(PagesAPIViewSet):
    pass
