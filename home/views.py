from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        from nexus.api import json_not_found

        return json_not_found(request, exception)
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors: whatever broke may be what they depend on.
    return HttpResponseServerError(loader.get_template("500.html").render({"request": request}))
