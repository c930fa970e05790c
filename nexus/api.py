"""API entry points: the DRF API at /api/v1/ and the Wagtail API v2 at /api/v2/.

Every DRF error leaves as JSON of one stable shape:
    {"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}}}

`fields` is present only for validation errors; a nested input's fields are named with dots
("shipping_address.city").
"""

from django.http import Http404, JsonResponse
from django.urls import Resolver404, include, path, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework_simplejwt.exceptions import AuthenticationFailed as JWTAuthenticationFailed
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from catalog.api.absolute import ShopDocumentSerializer, ShopImageSerializer
from catalog.api.pages import CatalogPagesAPIViewSet
from nexus.errors import DomainError


def _first_message(detail) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        message = _first_message(value)
        return message if key in ("non_field_errors", "detail") else f"{key}: {message}"
    return str(detail)


def _field_messages(detail, name: str = "") -> dict[str, list[str]]:
    """Validation errors as the schema documents them, {field: [messages]}: a nested
    serializer's under dotted names ("shipping_address.city"), a list item's under its index
    ("lines.0.quantity")."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        items = ((index, item) for index, item in enumerate(detail) if item)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {name: [str(message) for message in messages]}
    fields = {}
    for key, value in items:
        fields.update(_field_messages(value, f"{name}.{key}" if name else str(key)))
    return fields


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "message": exc.message}
        if exc.field:
            body["fields"] = {exc.field: [exc.message]}
        return Response({"error": body}, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, JWTAuthenticationFailed):
        # simplejwt's errors carry {"detail", "code", "messages"?}; the specific reason
        # ("Token is expired", "Token is blacklisted") is in messages when there is one.
        specific = exc.detail.get("messages") or []
        message = specific[0].get("message") if specific and isinstance(specific[0], dict) else None
        body = {"code": str(exc.detail["code"]), "message": str(message or exc.detail["detail"])}
    elif isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = {
            "code": "invalid",
            "message": _first_message(detail),
            "fields": _field_messages(detail),
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        body = {"code": code, "message": _first_message(exc.detail)}
    else:  # pragma: no cover - DRF only builds responses for APIException
        body = {"code": "error", "message": str(exc)}
    response.data = {"error": body}
    return response


def only_v1_endpoints(endpoints):
    """drf-spectacular preprocessing hook: document /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


@csrf_exempt  # answers every method the same way; a CSRF 403 page would hide the 404
def json_not_found(request, exception=None, **kwargs):
    """404 for unknown paths under /api/, whatever the method: JSON in the API's error shape,
    never the site's HTML page."""
    message = f"No API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            if resolve(request.path + "/").func is not json_not_found:
                message = f"No API endpoint at {request.path}; did you mean {request.path}/ ?"
        except Resolver404:
            pass
    return JsonResponse(
        {"error": {"code": "not_found", "message": message}}, status=status.HTTP_404_NOT_FOUND
    )


class ShopImagesAPIViewSet(ImagesAPIViewSet):
    base_serializer_class = ShopImageSerializer


class ShopDocumentsAPIViewSet(DocumentsAPIViewSet):
    base_serializer_class = ShopDocumentSerializer


wagtail_api_router = WagtailAPIRouter("wagtailapi")
wagtail_api_router.register_endpoint("pages", CatalogPagesAPIViewSet)
wagtail_api_router.register_endpoint("images", ShopImagesAPIViewSet)
wagtail_api_router.register_endpoint("documents", ShopDocumentsAPIViewSet)

v1_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        # The project's template gives the page's inline style and script the CSP nonce.
        SpectacularSwaggerView.as_view(
            url_name="api-v1:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "docs/redoc/",
        # The project's template drops Redoc's web-font links: the docs work offline.
        SpectacularRedocView.as_view(url_name="api-v1:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("auth/", include("accounts.api.urls")),
    path("", include("commerce.api.urls")),
    path("", include("commerce.payments.api.urls")),
    path("vendor/", include("vendors.api.urls")),
]

urlpatterns = [
    path("v1/", include((v1_patterns, "api-v1"))),
    path("v2/", wagtail_api_router.urls),
    path("<path:unknown>", json_not_found),
]
