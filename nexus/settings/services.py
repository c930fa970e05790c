"""The services Nexus connects to, each on only when its variable is set: the cache (Redis),
the broker (Celery on RabbitMQ) with the periodic tasks, the payment provider and e-mail."""

from celery.schedules import crontab

from nexus.settings.environment import env

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
# Counts of product listings (category pages, API v2) and the vendors that have products on
# sale, kept under the catalog's version tokens (catalog.cache.keys.listing_kept): seconds at
# most; 0 counts every time.
LISTING_CACHE_SECONDS = env.int("LISTING_CACHE_SECONDS", default=3600)
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
