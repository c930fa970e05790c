from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from graphql_api.schema import schema as graphql_schema
from graphql_api.views import NexusGraphQLView
from home.routing import serve as serve_page
from nexus.health import healthz
from nexus.views import favicon
from vendors.cms import scoped_admin as scoped_admin_urls

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers and bots ask for /favicon.ico whatever the page links; answer with the icon.
    path("favicon.ico", favicon, name="favicon"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("django-admin/", admin.site.urls),
    # Admin screens that would show other vendors' titles by id, narrowed for vendor members
    # (vendors/cms/scoped_admin.py); they must come before Wagtail's own admin URLs.
    path("admin/", include(scoped_admin_urls)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/", include("nexus.api")),
    path("graphql/", NexusGraphQLView.as_view(schema=graphql_schema), name="graphql"),
    path("account/", include("accounts.urls")),
    path("vendors/apply/", include("vendors.urls")),
    path("", include("catalog.urls")),
    path("", include("commerce.payments.urls")),
    path("", include("commerce.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path from the page tree; it must come last. Pages are served by
# Wagtail's view with the route looked up in one cached step (home/routing.py); the pattern
# and its name are Wagtail's own, so page URLs reverse as before.
urlpatterns += [
    re_path(wagtail_urls.serve_pattern, serve_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]

handler404 = "nexus.views.page_not_found"
handler500 = "nexus.unavailable.server_error"
