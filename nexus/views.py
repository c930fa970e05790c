"""The site's error pages: 404 (handler404 in `nexus.urls`: JSON under /api/, HTML elsewhere)
and the plain 500 page that `nexus.unavailable.server_error` falls back to; and /favicon.ico."""

from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static

from nexus.api import json_not_found


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: whatever broke may be what they depend on.
    return HttpResponseServerError(loader.get_template("500.html").render({"request": request}))


def favicon(request):
    """Browsers and bots ask for /favicon.ico whatever a page links: send them the icon."""
    return redirect(static("favicon.svg"), permanent=True)
