"""The base of every domain exception.

Services raise subclasses of `DomainError` (each app keeps its own in `<app>/exceptions.py`);
the DRF exception handler in `nexus.api` and the site views turn them into a clear message.
`status` is the HTTP status an interface should answer with; `code` is stable for clients.
"""


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
