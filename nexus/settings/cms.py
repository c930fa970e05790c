"""Wagtail: the site's address, search, images and documents, the frontend cache."""

import re

from django.core.exceptions import ImproperlyConfigured

from nexus.settings.database import IS_MYSQL, IS_POSTGRES
from nexus.settings.environment import env

WAGTAIL_SITE_NAME = "Nexus"
# The shop's public address (scheme, host, port), for links that leave without a request:
# e-mails, and the admin's notifications. Unset: API responses use each request's own host,
# e-mails the default Wagtail Site's address. `python3 dev.py run` sets it to where it serves.
SITE_URL = env.str("SITE_URL", default="").strip().rstrip("/")
if SITE_URL and not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")
WAGTAILADMIN_BASE_URL = SITE_URL or "http://127.0.0.1:8000"
WAGTAILAPI_BASE_URL = SITE_URL or None
# A shop's admin must not call out to the internet on every page: no Gravatar avatars, no
# check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if IS_POSTGRES:
    # The text search configuration (the language whose words and stems are indexed) is named,
    # not left to the server's default_text_search_config: a search's query is then a
    # constant PostgreSQL computes once, where to_tsquery() without one is computed again for
    # every match it ranks (at 6,763 matches, half of the search's time).
    SEARCH_CONFIG = env.str("SEARCH_CONFIG", default="english").strip()
    if not re.fullmatch(r"([A-Za-z_]\w*\.)?[A-Za-z_]\w*", SEARCH_CONFIG):
        raise ImproperlyConfigured(
            "SEARCH_CONFIG must name a PostgreSQL text search configuration, such as english or "
            f"german (psql: \\dF lists them), not {SEARCH_CONFIG!r}."
        )
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = SEARCH_CONFIG
if IS_MYSQL:
    # The same backend, asked only for words InnoDB's full-text index holds.
    WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "nexus.mysql_search"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
# Raster formats only: an SVG is a document that can carry script, served from our origin.
# Wagtail checks that the file's content matches its extension (an HTML or SVG file renamed
# .png is refused) and its size and pixel count before anything is stored.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("IMAGE_MAX_UPLOAD_MB", default=10) * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Documents are served as downloads (Content-Disposition: attachment), never rendered inline,
# except PDFs, which browsers show in their own sandboxed viewer.
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
# Wagtail reads WAGTAILFRONTENDCACHE (no underscore); empty means no frontend cache to purge.
WAGTAILFRONTENDCACHE = {}
if env.str("FRONTEND_CACHE_PURGE_URL", default=""):
    WAGTAILFRONTENDCACHE["default"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": env.str("FRONTEND_CACHE_PURGE_URL"),
    }
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
