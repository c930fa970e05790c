"""Domain errors of the accounts app (see nexus.errors)."""

from nexus.errors import DomainError, NotFound


class EmailTaken(DomainError):
    """An account with this e-mail exists; a 400 on the e-mail field, like any invalid input."""

    code = "email_taken"


class PasswordInvalid(DomainError):
    code = "password_invalid"


class ProfileInvalid(DomainError):
    code = "invalid"


class AddressInvalid(DomainError):
    code = "invalid"


class AddressNotFound(NotFound):
    code = "address_not_found"


class TokenInvalid(DomainError):
    """A refresh token that is malformed, expired, tampered with or already blacklisted."""

    code = "token_not_valid"
    status = 401
