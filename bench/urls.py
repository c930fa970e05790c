"""The site's URLs plus one bare view returning a fixed string through the same middleware and
server: the ceiling every figure of bench/load.py is divided by. Mounted only here, never in
the site's own URLconf."""

from django.http import HttpResponse
from django.urls import path

from nexus.urls import urlpatterns as site_urlpatterns


def bare(request):
    return HttpResponse("Hello from a bare Django view.\n")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
