"""Whole pages shared by every shopper, with holes for what is each shopper's own.

The anonymous page cache (nexus.cache) never serves a visitor with a session or a login: their
header names them and counts their cart, and their messages are theirs. Everything else on a
product, category, storefront, home or search page is the same for every shopper. So such a
page is rendered once with a marker in place of each personal part (`{% personal %}` in
`catalog_pages`: the account links with the cart count, the messages), kept in Django's cache
under the version tokens that retire the anonymous copy of the same page (`catalog.cache`:
a price publish, a stock change, the shop settings…), and each request renders only its own
parts into the markers (`HOLES`). A page served from here asks for no route, no page and no
view restriction; a page also checks its row (one small query), so that it is served only while
that page is live, at that path, at that revision, even after a change that sent no signal.

Never shared: anything but a GET, the page of a user who may use the admin (it carries the
Wagtail userbar), a preview, a response other than a 200 HTML page (for Wagtail pages: of a
cached page type, without view restrictions), anything while the page cache's lifetime is 0.
Whether the visitor is logged in is part of the key (a product page offers a logged-in
shopper the wishlist form), and so is the host (the canonical link). The shared copy holds the
CSRF placeholder, never a token: nexus.cache puts the visitor's own in its place.
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.html import format_html
from wagtail.models import Page

from accounts.admin_access import admin_access_keys, may_access_admin
from catalog.cache import (
    API_VERSION_KEY,
    CACHED_PAGE_TYPES,
    SITE_VERSION_KEY,
    page_cache_seconds,
    path_version_keys,
)
from nexus.prepared import PreparedQuery
from nexus.versioned_cache import current

# The personal parts of a page, each a template rendered into its marker on every request
# with the request's own context (its context processors: user, cart count, messages).
HOLES = ("includes/site_nav.html", "includes/messages.html")
MESSAGES_HOLE = "includes/messages.html"


def marker(template_name: str) -> str:
    """The HTML comment a shared page holds in place of the part `template_name` renders."""
    return format_html("<!--nexus-personal:{}-->", template_name)


def is_rendering_shared(request) -> bool:
    """True while the page of `request` is rendered to be shared: personal parts are markers."""
    return getattr(request, "shared_page", False)


def page_response(request, path: str, serve: Callable[[], HttpResponse]) -> HttpResponse:
    """The response of a Wagtail page at `path`: `serve()`'s, rendered once with holes and
    shared (see the module), or `serve()`'s alone when it may not be shared. Pages with a query
    string (filters, pagination) are not shared whole, and neither are requests without a
    session, a login or messages: the anonymous page cache serves those."""
    if request.META.get("QUERY_STRING") or not _has_visitor_state(request):
        return serve()
    return _respond(
        request,
        name="page",
        version_keys=path_version_keys(request.path),
        render=serve,
        is_shareable=_is_shareable_page,
        row_of=_page_row,
        row_is_current=_page_row_is_current,
    )


def search_response(request, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The search page: shared per query string under the catalog's version token (every change
    to a product, its stock, a category, a vendor or a view restriction replaces it)."""
    return _respond(
        request,
        name="search",
        version_keys=[SITE_VERSION_KEY, API_VERSION_KEY],
        render=render,
        is_shareable=_is_shareable,
        row_of=lambda response: (),
        row_is_current=lambda row: True,
    )


def _has_visitor_state(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies
        or "messages" in cookies
        or "HTTP_AUTHORIZATION" in request.META
    )


def _key(request, name: str) -> str:
    parts = [
        request.scheme,
        request.get_host(),
        str(request.user.is_authenticated),
        # The quantity inputs' max: a changed setting retires what was rendered with the old.
        str(settings.CART_MAX_LINE_QUANTITY),
        request.get_full_path(),
    ]
    digest = hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()
    return f"pagecache:shared:{name}:{digest}"


def _respond(
    request, *, name, version_keys, render, is_shareable, row_of, row_is_current
) -> HttpResponse:
    seconds = page_cache_seconds()
    if request.method != "GET" or seconds <= 0 or getattr(request, "is_preview", False):
        return render()
    key = _key(request, name)
    # The page, its version tokens and whether the visitor may use the admin: one round trip.
    found = cache.get_many([key, *version_keys, *admin_access_keys(request.user)])
    if may_access_admin(request.user, found=found):
        return render()
    tokens = [found.get(version_key) for version_key in version_keys]
    entry = found.get(key)
    if entry is not None and None not in tokens and entry[0] == ":".join(tokens):
        _version, row, headers, content = entry
        if row_is_current(row):
            return _filled(request, HttpResponse(content, headers=headers))
    # Read before rendering: a change while rendering retires this copy.
    tokens = [current(version_key) for version_key in version_keys]
    request.shared_page = True
    request.csrf_placeholder = True
    try:
        response = render()
        if hasattr(response, "render"):
            response.render()
    finally:
        request.shared_page = False
    if None not in tokens and is_shareable(response):
        headers = {
            header: value
            for header, value in response.items()
            if header.lower() not in ("content-length", "vary")
        }
        entry = (":".join(tokens), row_of(response), headers, response.content)
        cache.set(key, entry, seconds)
    return _filled(request, response)


def _is_shareable(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-cache" not in cache_control


def _is_shareable_page(response) -> bool:
    if not _is_shareable(response):
        return False
    page = (getattr(response, "context_data", None) or {}).get("page")
    # A page under a view restriction is never shared, whatever the response looked like.
    return (
        page is not None
        and page._meta.label_lower in CACHED_PAGE_TYPES
        and not page.get_view_restrictions().exists()
    )


def _page_row(response) -> tuple:
    page = response.context_data["page"]
    return page.pk, page.url_path, page.live_revision_id


def _live_page(page_id, url_path, live_revision_id):
    return Page.objects.filter(
        pk=page_id, live=True, url_path=url_path, live_revision_id=live_revision_id
    )


# Asked on every shared page served: compiled once (`nexus.prepared`).
_LIVE_PAGE = PreparedQuery(
    lambda page_id, url_path, live_revision_id: _live_page(
        page_id, url_path, live_revision_id
    ).values_list("pk"),
    page_id=int,
    url_path=str,
    live_revision_id=int,
)


def _page_row_is_current(row: tuple) -> bool:
    page_id, url_path, live_revision_id = row
    if live_revision_id is None:  # IS NULL, not a parameter: the ORM's own query
        return _live_page(page_id, url_path, live_revision_id).exists()
    return bool(
        _LIVE_PAGE.rows(page_id=page_id, url_path=url_path, live_revision_id=live_revision_id)
    )


def _filled(request, response: HttpResponse) -> HttpResponse:
    """`response` with each hole rendered for this request (the first marker of each only:
    the holes come before any content that could spell a marker)."""
    content = response.content
    for template_name in HOLES:
        hole = marker(template_name).encode()
        if hole not in content:
            continue
        if template_name == MESSAGES_HOLE and not get_messages(request):
            filling = b""  # what the template renders without messages, at no rendering
        else:
            filling = render_to_string(template_name, request=request).encode()
        content = content.replace(hole, filling, 1)
    response.content = content
    return response
