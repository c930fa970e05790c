"""Reuse of the DRF API's input shapes and throttles, so both interfaces accept the same input
and share the same rate limits. DRF's errors become domain errors (see `graphql_api.errors`)."""

from rest_framework.exceptions import AuthenticationFailed, ValidationError
from rest_framework_simplejwt.exceptions import TokenError

from graphql_api.context import request_of
from nexus.errors import DomainError
from nexus.throttling import attempt_allowed, throttled_message


class InputInvalid(DomainError):
    code = "invalid"


class Throttled(DomainError):
    code = "throttled"
    status = 429


class AuthenticationError(DomainError):
    status = 401


def _first(detail, field=None) -> tuple[str | None, str]:
    if isinstance(detail, list) and detail:
        return _first(detail[0], field)
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        if key in ("non_field_errors", "detail"):
            return _first(value, field)
        inner_field, message = _first(value, key)
        return inner_field or key, message
    return field, str(detail)


def validated(serializer_class, data: dict, **kwargs) -> dict:
    """`data` checked by one of the DRF API's input serializers; `InputInvalid` naming the first
    bad field otherwise."""
    serializer = serializer_class(data=data, **kwargs)
    try:
        serializer.is_valid(raise_exception=True)
    except (AuthenticationFailed, TokenError) as error:
        raise authentication_error(error)
    except ValidationError as error:
        field, message = _first(error.detail)
        raise InputInvalid(f"{field}: {message}" if field else message, field=field)
    return serializer.validated_data


def authentication_error(error: AuthenticationFailed | TokenError) -> DomainError:
    if isinstance(error, TokenError):
        return AuthenticationError(str(error), code="token_not_valid", field="refresh")
    detail = error.detail
    if not isinstance(detail, dict):
        detail = {"detail": detail, "code": getattr(detail, "code", "authentication_failed")}
    specific = detail.get("messages") or []
    message = specific[0].get("message") if specific and isinstance(specific[0], dict) else None
    return AuthenticationError(
        str(message or detail["detail"]), code=str(detail.get("code", "authentication_failed"))
    )


def throttle(info, scope: str) -> None:
    """Count this request against the throttle `scope` of the DRF API and the site ("auth",
    "checkout", "payment"): one budget per client across the three; `Throttled` (429) when it
    is spent."""
    allowed, wait = attempt_allowed(request_of(info), scope)
    if not allowed:
        raise Throttled(throttled_message(wait))
