"""OpenAPI documentation shared by every DRF endpoint (drf-spectacular).

The error body of the whole API (see `nexus.api.exception_handler`) is one schema component,
`Error`. Use it in `extend_schema`:

    from nexus.openapi import error_responses

    @extend_schema(request=InSerializer, responses={201: OutSerializer, **error_responses(400, 409)})

`AutoSchema` (the project's DEFAULT_SCHEMA_CLASS) also adds the error responses every
operation can give, unless the view documents that status itself: 400 and 415 for operations
with a request body (400 also for a malformed request header), 401 wherever a bearer token is
checked (a bad one is refused even where logging in is optional), 403 when a permission class
beyond "authenticated" guards the view, 404 when the path has a parameter, and 429 when the view
is throttled. So an endpoint only documents its *specific* errors
(e.g. 409 for a conflict). An error status documented with a description only
(`OpenApiResponse(description=...)`) gets the `Error` body too.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers

# Permission classes that never answer 403 on their own (everything else may).
BASIC_PERMISSIONS = (permissions.AllowAny, permissions.IsAuthenticated)


class SessionJWTScheme(SimpleJWTScheme):
    """The project's JWT authentication is simplejwt's bearer scheme (`jwtAuth`)."""

    target_class = "accounts.tokens.SessionJWTAuthentication"


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `invalid`.")
    message = serializers.CharField(help_text="What went wrong, in a sentence a person can act on.")

    def get_fields(self):
        fields = super().get_fields()
        # "fields" cannot be a class attribute: it would shadow Serializer.fields.
        fields["fields"] = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            required=False,
            help_text="Only on validation errors: the messages for each invalid input field.",
        )
        return fields

    class Meta:
        ref_name = "ErrorBody"


class ErrorSerializer(serializers.Serializer):
    """`{"error": {"code", "message", "fields"?}}` — the body of every 4xx answer."""

    error = ErrorBodySerializer()

    class Meta:
        ref_name = "Error"


ERROR_DESCRIPTIONS = {
    400: "Invalid input (validation errors list each field in `fields`) or malformed JSON.",
    401: "Missing, invalid or expired credentials (access token or refresh token).",
    403: "Authenticated, but not allowed to do this.",
    404: "Not found — also for objects that belong to someone else.",
    409: "The request conflicts with the current state of the resource.",
    415: "Unsupported media type: send `Content-Type: application/json`.",
    429: "Too many requests: throttled, retry after the number of seconds in `Retry-After`.",
}

ERROR_RESPONSES: dict[int, OpenApiResponse] = {
    status: OpenApiResponse(response=ErrorSerializer, description=description)
    for status, description in ERROR_DESCRIPTIONS.items()
}


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """The shared error response for each given status, for `extend_schema(responses=...)`."""
    return {status: ERROR_RESPONSES[status] for status in statuses}


def error_response(status: int, description: str) -> OpenApiResponse:
    """The shared error body for `status`, described for one operation."""
    return OpenApiResponse(response=ERROR_RESPONSES[status].response, description=description)


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema plus the error responses every operation can give."""

    def _default_error_statuses(self) -> list[int]:
        statuses = []
        header_parameters = [
            parameter
            for parameter in self.get_override_parameters()
            if getattr(parameter, "location", None) == OpenApiParameter.HEADER
        ]
        if self.method in ("POST", "PUT", "PATCH") or header_parameters:
            statuses.append(400)  # a bad body, or a malformed header (X-Cart-Token…)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses.append(415)
        view_permissions = getattr(self.view, "permission_classes", ())
        # A bearer token that is forged, expired or revoked is refused with 401 on every
        # operation that authenticates, even where logging in is optional.
        if getattr(self.view, "authentication_classes", ()) or any(
            permission is not permissions.AllowAny for permission in view_permissions
        ):
            statuses.append(401)
        if any(permission not in BASIC_PERMISSIONS for permission in view_permissions):
            statuses.append(403)
        # An object in the path that is not there; or, on a paginated list, a page past the
        # last ("Invalid page.").
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            statuses.append(404)
        if getattr(self.view, "throttle_classes", ()):
            statuses.append(429)
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, response in responses.items():
            # Every error leaves through the one exception handler, so an error response
            # documented with a description only still has the shared body.
            if status[0] in "45" and not response.get("content"):
                response["content"] = self._get_response_for_code(
                    ErrorSerializer, status, direction=direction
                )["content"]
        for status in self._default_error_statuses():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(
                    ERROR_RESPONSES[status], str(status), direction=direction
                )
        return responses


# Links from a list to the operations on its first item, for the relations Schemathesis'
# dependency analysis does not infer (a vendor's stock by SKU and its order lines; a shopper's
# orders and addresses from their lists). Stateful fuzzing follows them, so those operations
# are called with ids of real objects (nexus/tests/test_api_fuzz.py).
LIST_ITEM_LINKS = {
    ("/api/v1/vendor/stock/", "get"): (
        "$response.body#/results/0/sku",
        "sku",
        ["vendor_stock_retrieve", "vendor_stock_set", "vendor_stock_adjust"],
    ),
    ("/api/v1/vendor/order-lines/", "get"): (
        "$response.body#/results/0/id",
        "line_id",
        ["vendor_order_lines_retrieve"],
    ),
    ("/api/v1/orders/", "get"): (
        "$response.body#/results/0/number",
        "number",
        ["orders_retrieve", "orders_cancel", "orders_payment_retrieve", "orders_refunds_list"],
    ),
    ("/api/v1/auth/addresses/", "get"): (
        "$response.body#/0/id",
        "address_id",
        ["auth_addresses_retrieve", "auth_addresses_update", "auth_addresses_set_default"],
    ),
}


def add_list_item_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: add `LIST_ITEM_LINKS` to the 200 responses."""
    paths = result.get("paths", {})
    for (path, method), (expression, parameter, operation_ids) in LIST_ITEM_LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get("200")
        if response is None:
            continue
        links = response.setdefault("links", {})
        for operation_id in operation_ids:
            links.setdefault(
                operation_id,
                {"operationId": operation_id, "parameters": {parameter: expression}},
            )
    return result
