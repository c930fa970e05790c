"""Page routing in one cached lookup instead of Wagtail's walk down the tree.

Wagtail resolves `/vendors/acme/mug/` by loading the site's root page, then each child by slug,
each as `.specific` (two queries a level). This module remembers, per site and path, which page
answered (its id and type) and on the next request loads that one page by primary key, then
hands it to Wagtail's own `serve` view as the request's route (Wagtail's documented per-request
route cache), so hooks, view restrictions and the page's `serve` run as before.

A remembered answer is always checked against the row just loaded: the page must still be live
and still live at that path (its `url_path` under the site's root). Anything else (moved,
renamed, unpublished, deleted, a page that routes sub-paths itself) falls back to Wagtail's
walk, whose answer replaces the entry. The entries are also dropped, through a version token,
whenever a page is published, unpublished, moved or deleted (`connect`), so they do not linger.
The request's site comes from the cache too (`catalog.selectors.site_for_request`).
"""

from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from wagtail import views as wagtail_views
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move
from wagtail.url_routing import RouteResult

from catalog import shared_pages
from catalog.selectors import site_for_request
from nexus.versioned_cache import current, retire

ROUTES_VERSION_KEY = "routes:version"
ROUTE_SECONDS = 3600


def routes_version() -> str:
    return current(ROUTES_VERSION_KEY)


def routes_forget() -> None:
    """Drop every remembered route and site (a new version token)."""
    retire(ROUTES_VERSION_KEY)


def _expected_url_path(site: Site, path: str) -> str:
    components = [component for component in path.split("/") if component]
    return site.root_page.url_path + "".join(f"{component}/" for component in components)


def page_route_cached(request, path: str):
    """The route result for `path` on the request's site: from the remembered page when it still
    answers there, else Wagtail's walk (remembered when it ends on a page of its own path)."""
    site = site_for_request(request)
    if site is None:
        return None
    key = f"routes:{routes_version()}:{site.pk}:{path}"
    entry = cache.get(key)
    if entry is not None:
        page_id, label = entry
        model = _page_model(label)
        page = model.objects.filter(pk=page_id).first() if model is not None else None
        if page is not None and page.live and page.url_path == _expected_url_path(site, path):
            return RouteResult(page)
    result = Page.route_for_request(request, path)
    if result is not None:
        page, args, kwargs = result
        if not args and not kwargs and page.url_path == _expected_url_path(site, path):
            cache.set(key, (page.pk, page._meta.label_lower), ROUTE_SECONDS)
    return result


def _page_model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def serve(request, path):
    """Wagtail's `serve` view, with the route resolved by `page_route_cached`; a shopper's page
    is shared but for their own parts (`catalog.shared_pages`), routed only when rendered."""

    def serve_routed():
        request._wagtail_route_for_request = page_route_cached(request, path)
        return wagtail_views.serve(request, path)

    return shared_pages.page_response(request, path, serve_routed)


def _forget(sender=None, instance=None, **kwargs):
    if instance is None or isinstance(instance, Page | Site):
        routes_forget()


def connect() -> None:
    page_published.connect(_forget, dispatch_uid="routes_published")
    page_unpublished.connect(_forget, dispatch_uid="routes_unpublished")
    post_page_move.connect(_forget, dispatch_uid="routes_moved")
    # Per sender: a receiver for every model would cost each delete elsewhere (a cart's lines
    # at checkout) a query, Django then loading the rows to send the signal. A deleted page of
    # any type is also deleted as a `Page` row, which sends the signal with that sender.
    post_delete.connect(_forget, sender=Page, dispatch_uid="routes_deleted")
    post_delete.connect(_forget, sender=Site, dispatch_uid="routes_site_deleted")
    post_save.connect(_forget, sender=Site, dispatch_uid="routes_site_saved")
