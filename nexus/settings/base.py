"""Settings shared by every mode.

The environment is read through `env` (django-environ, nexus/settings/environment.py) and
nowhere else. Each integration turns on only when its variable is set; with none set, Nexus
runs on the embedded default: SQLite, local-memory cache, eager Celery tasks, dummy payments
and console e-mail. This module holds Django's core (apps, middleware, templates, static
files, the shop's rules, logging); each other concern has its module beside it, gathered here.
"""

from nexus.settings.apis import *  # noqa: F403
from nexus.settings.cms import *  # noqa: F403
from nexus.settings.database import *  # noqa: F403
from nexus.settings.environment import BASE_DIR, env
from nexus.settings.security import *  # noqa: F403
from nexus.settings.services import *  # noqa: F403

DEBUG = env.bool("DEBUG", default=False)
# Overridden by dev/test; production refuses to start without a real one.
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Project apps, in dependency order (see DESIGN.md "Dependencies run one way").
    "accounts",
    "catalog",
    "vendors",
    "commerce",
    "commerce.payments",
    "commerce.outbox",
    "home",
    # The site package: its management commands (seed_demo) join every app above.
    "nexus",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.frontend_cache",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "csp",
    "modelcluster",
    "taggit",
    "axes",
    # ISO 3166 countries of address forms, with translated names (accounts/countries.py).
    "django_countries",
    # APIs
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # GraphQL at /graphql/; strawberry_django adds `manage.py export_schema`.
    "strawberry_django",
    "graphql_api",
    # Django
    "django.contrib.admin",
    "django.contrib.sitemaps",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response, cached pages too (nexus/csp.py).
    "nexus.csp.ShopCSPMiddleware",
    # A database outage in a view is a fast 503 (nexus/unavailable.py), never a 500.
    "nexus.unavailable.ServiceUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous page cache: a hit is answered here, before sessions, CSRF and auth run.
    "nexus.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Turns a locked-out admin login into the lockout page (accounts/lockout.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nexus.urls"
WSGI_APPLICATION = "nexus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "commerce.context_processors.cart",
                # Shared pages render a CSRF placeholder (nexus/cache.py); after `csrf`.
                "catalog.cache.csrf_placeholder",
            ],
            # `{% load money %}` formats amounts for the shop's locale (nexus/money.py).
            "libraries": {"money": "nexus.templatetags.money"},
        },
    },
]

# --- Shop rules -----------------------------------------------------------------------
CART_MAX_LINE_QUANTITY = env.int("CART_MAX_LINE_QUANTITY", default=99)
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=30)
# A refund still pending this long lost its provider's answer (`refunds_resume`). Longer than
# any provider call can last (the Stripe client gives up after 3 tries of 80 s).
REFUND_RESUME_AFTER_MINUTES = env.int("REFUND_RESUME_AFTER_MINUTES", default=15)
LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=5)

# --- I18N, static, media --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
# The locale money is shown in ("€29.00" in en_US, "29,00 €" in de_DE); a CLDR locale name.
SHOP_LOCALE = env.str("SHOP_LOCALE", default="en_US")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Whitenoise serves STATICFILES_DIRS directly until collectstatic has run (dev, tests).
WHITENOISE_USE_FINDERS = True
STATIC_URL = "/static/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's default config gives "django" a console handler of its own; propagating to
        # the root's as well printed every line twice ("Watching for file changes" and all).
        "django": {
            "handlers": ["console"],
            "level": env.str("LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
        # Wagtail's background tasks (search index, references) log every run at INFO.
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
if CELERY_TASK_ALWAYS_EAGER:
    # Tasks run in-process: a line per task ("Task … succeeded in …") would drown the server's
    # own output. A worker (broker configured) keeps logging them.
    LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
