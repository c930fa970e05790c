"""Who may sign in and how (accounts, password rules, the admin login lockout), and what the
shop's pages may load (Content-Security-Policy)."""

from datetime import timedelta

from csp.constants import NONE, SELF

from nexus.settings.environment import env

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
