"""Settings shared by every mode.

The environment is read here and nowhere else (django-environ). Each integration turns
on only when its variable is set; with none set, Nexus runs on the embedded default:
SQLite, local-memory cache, eager Celery tasks, dummy payments and console e-mail.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is a convenience for developers; real deployments set variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

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

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# MariaDB >= 10.6 or MySQL >= 8.0 (DATABASE_URL=mysql://user:password@host:3306/nexus, driver
# mysqlclient), on a database created with CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci.
# Every connection gets that character set and collation (comparisons between columns and
# values must not mix collations), strict mode (a value that does not fit is an error, never
# silently truncated) and READ COMMITTED, PostgreSQL's default: a locking read or an UPDATE sees
# the latest committed row, so the stock guard and the idempotency race behave as on
# PostgreSQL, and plain reads take no gap locks. MariaDB >= 10.2 enforces CHECK constraints
# (stock never goes negative, in the database too). Text comparisons are case-insensitive
# there (the collation), as `iexact`/`icontains` expect.
IS_MYSQL = DATABASES["default"]["ENGINE"].endswith("mysql")
if IS_MYSQL:
    DATABASES["default"]["OPTIONS"] = {
        "charset": "utf8mb4",
        "collation": "utf8mb4_unicode_ci",
        "init_command": "SET sql_mode = 'STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,"
        "NO_ENGINE_SUBSTITUTION'",
        "isolation_level": "read committed",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    # Unique constraints with a condition or on an expression are not created by Django here;
    # the project's migrations add equivalent unique indexes instead (nexus/mysql.py). Wagtail
    # guards its own (one workflow in progress per object) in its code.
    SILENCED_SYSTEM_CHECKS = ["models.W036", "models.W044"]

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="nexus"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                # Redis down: every cache read misses and writes are dropped (logged), so pages
                # are served uncached, sessions come from the database (cached_db) and
                # throttles let requests through, instead of every request failing.
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous page cache (nexus/cache.py): seconds an entry lives at most; 0 turns it off.
# Entries are invalidated on change (catalog/cache.py); the lifetime is only a safety net.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Page types whose anonymous responses the page cache keeps (catalog.cache). Named here, where
# every app is known, because the catalog may not name the home or vendors apps.
PAGE_CACHE_PAGE_TYPES = [
    "catalog.ProductPage",
    "catalog.CategoryPage",
    "catalog.ShopIndexPage",
    "home.HomePage",
    "vendors.VendorPage",
]

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process so the embedded default needs no service.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Eager mode still opens a producer for every task; the in-memory transport keeps kombu from
# warning "No hostname was supplied" at each e-mail when no broker is configured.
CELERY_BROKER_WRITE_URL = "memory://localhost/" if CELERY_TASK_ALWAYS_EAGER else None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publisher confirms: a publish returns once the broker has taken the message. Without them a
# message written to a connection the broker is closing (RabbitMQ stopping) is lost while the
# publish looks successful, and the outbox then waits out its lease (PUBLISHED_LEASE) before
# publishing it again; with them the publish fails and the message stays due for the drain.
CELERY_BROKER_TRANSPORT_OPTIONS = {} if CELERY_TASK_ALWAYS_EAGER else {"confirm_publish": True}
# A stored payment event still unprocessed after this long had its task lost (broker outage):
# the periodic sweep, which runs this often, processes it.
PAYMENT_EVENTS_RETRY_SECONDS = env.float("PAYMENT_EVENTS_RETRY_SECONDS", default=60.0)
# Periodic tasks are added by the issues that introduce them; only real tasks live here.
# Each is safe to run twice or to overlap with itself (see the task's docstring).
CELERY_BEAT_SCHEDULE: dict = {
    # Publishes outbox messages whose publish-on-commit failed (broker outage) or whose retry
    # is due: the "nothing lost" half of the outbox.
    "outbox-drain": {
        "task": "outbox.drain",
        "schedule": env.float("OUTBOX_DRAIN_SECONDS", default=30.0),
    },
    "orders-expire": {"task": "commerce.orders_expire", "schedule": 60.0},
    # Stripe events stored by the webhook whose processing task was lost.
    "payments-events-retry": {
        "task": "payments.events_retry",
        "schedule": PAYMENT_EVENTS_RETRY_SECONDS,
    },
    # Refunds whose provider answer was lost (the process stopped mid-refund).
    "payments-refunds-resume": {"task": "payments.refunds_resume", "schedule": 300.0},
    "wishlist-notices": {"task": "commerce.wishlist_notices", "schedule": 600.0},
    # Logouts older than the refresh token lifetime protect nothing any more.
    "ended-token-sessions-purge": {
        "task": "accounts.ended_token_sessions_purge",
        "schedule": crontab(hour=4, minute=30),
    },
    "low-stock-digests": {
        "task": "commerce.low_stock_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}
# Dead letter after this many failed deliveries of an outbox message (backoff 1, 2, 4… min).
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)

# --- Payments -------------------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Where browsers load Stripe.js; unset: STRIPE_API_BASE + /js.stripe.com/v3/ (localstripe) or Stripe's.
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
PAYMENT_PROVIDER = "stripe" if STRIPE_SECRET_KEY else "dummy"

# --- E-mail ---------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Nexus <shop@nexus.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Shop rules -----------------------------------------------------------------------
CART_MAX_LINE_QUANTITY = env.int("CART_MAX_LINE_QUANTITY", default=99)
ORDER_PAYMENT_TIMEOUT_MINUTES = env.int("ORDER_PAYMENT_TIMEOUT_MINUTES", default=30)
# A refund still pending this long lost its provider's answer (`refunds_resume`). Longer than
# any provider call can last (the Stripe client gives up after 3 tries of 80 s).
REFUND_RESUME_AFTER_MINUTES = env.int("REFUND_RESUME_AFTER_MINUTES", default=15)
LOW_STOCK_THRESHOLD = env.int("LOW_STOCK_THRESHOLD", default=5)

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
# A page restricted to logged-in shoppers sends them to the shop's own login, not Wagtail's.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out admin login before the password is checked; passes on the rest.
    "accounts.lockout.AdminLoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: lock the admin login for a user name from one address after repeated failures.
# By name *and* address, so nobody can lock an editor out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.lockout.login_name"
AXES_RESET_ON_SUCCESS = True
AXES_WHITELIST_CALLABLE = "accounts.lockout.not_admin_login"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Behind a proxy, set AXES_IPWARE_PROXY_COUNT so the client address is the real one.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_VERBOSE = False

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

# --- Content-Security-Policy (django-csp) ----------------------------------------------
# The shop's pages load their own files only; nexus/csp.py adds Stripe.js everywhere and what
# the Wagtail admin, the API docs and GraphiQL need on their paths.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # Wagtail's live preview frames the site's own pages; nothing else may frame them.
        "frame-ancestors": [SELF],
    },
}

# --- Wagtail --------------------------------------------------------------------------
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

# --- DRF, JWT, OpenAPI ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's, plus revocation at once: logout, password change (accounts/tokens.py).
        "accounts.tokens.SessionJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # Adds the shared error responses (nexus/openapi.py) to every documented operation.
    "DEFAULT_SCHEMA_CLASS": "nexus.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("THROTTLE_AUTH_RATE", default="20/min"),
        "password_reset": env.str("THROTTLE_PASSWORD_RESET_RATE", default="5/min"),
        "checkout": env.str("THROTTLE_CHECKOUT_RATE", default="20/min"),
        "payment": env.str("THROTTLE_PAYMENT_RATE", default="20/min"),
        "anon": env.str("THROTTLE_ANON_RATE", default="300/min"),
        "user": env.str("THROTTLE_USER_RATE", default="1200/min"),
    },
    "EXCEPTION_HANDLER": "nexus.api.exception_handler",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=10)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # Tokens carry a hash of the password hash they were issued under: changing the password
    # (site, admin, reset) refuses every earlier access and refresh token at once.
    "CHECK_REVOKE_TOKEN": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nexus API",
    "DESCRIPTION": "Shopper, vendor and payment API of the Nexus multi-vendor shop.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema documents the DRF API only; Wagtail's API v2 and admin API are not DRF-spectacular shaped.
    "PREPROCESSING_HOOKS": ["nexus.api.only_v1_endpoints"],
    # Links from lists to their items, followed by the stateful API fuzzing (nexus/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "nexus.openapi.add_list_item_links",
    ],
    # One name for the order status wherever it appears (orders, status history, payments).
    "ENUM_NAME_OVERRIDES": {"OrderStatusEnum": "commerce.models.Order.Status"},
}

# --- GraphQL (/graphql/) --------------------------------------------------------------
# Introspection (and GraphiQL, which needs it) is off unless turned on; dev turns it on.
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=False)

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
