"""The APIs: DRF with JWT authentication and its throttles, the OpenAPI schema, GraphQL."""

from datetime import timedelta

from nexus.settings.environment import env

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
