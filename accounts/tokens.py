"""JWT checks beyond the signature: whose token it is and whether it was revoked.

A token is refused at once (401), access and refresh alike, when its user was deleted or
deactivated, when the password changed after it was issued (simplejwt's `CHECK_REVOKE_TOKEN`:
the token carries a hash of the password hash it was issued under), or when its login was
logged out (the `sid` claim names an `EndedTokenSession`). All of it is one query, the user
lookup that authentication makes anyway.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from accounts.models import EndedTokenSession, User
from nexus.prepared import PreparedQuery, instance

# The login a token belongs to: set on the refresh token at login, copied into each access
# token made from it, kept by rotation (simplejwt copies every claim but jti/exp/iat).
SESSION_CLAIM = "sid"


class LoginRefreshToken(RefreshToken):
    """The refresh token issued at login: a new session id, the login's first jti."""

    @classmethod
    def for_user(cls, user):
        token = super().for_user(user)
        token[SESSION_CLAIM] = token[api_settings.JTI_CLAIM]
        return token


def token_user(*, token: Token) -> User:
    """The user a signature-checked token speaks for, in one query.

    Raises AuthenticationFailed with code `user_not_found`, `user_inactive`,
    `password_changed` or `session_ended`.
    """
    try:
        user_id = token[api_settings.USER_ID_CLAIM]
    except KeyError as error:
        raise InvalidToken("Token contained no recognizable user identification") from error
    session = token.get(SESSION_CLAIM)
    # simplejwt writes the id as a string of digits.
    if isinstance(user_id, str) and user_id.isascii() and user_id.isdigit():
        user_id = int(user_id)
    if type(user_id) is int and api_settings.USER_ID_FIELD == "id":
        user = _user_of(user_id) if session is None else _user_of_session(user_id, str(session))
    else:  # a token of another shape than this shop issues: the ORM's own comparisons
        users = get_user_model().objects.filter(**{api_settings.USER_ID_FIELD: user_id})
        if session is not None:
            users = users.annotate(
                token_session_ended=Exists(EndedTokenSession.objects.filter(sid=str(session)))
            )
        user = users.first()
    if user is None:
        raise AuthenticationFailed("User not found", code="user_not_found")
    if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
        raise AuthenticationFailed("User is inactive", code="user_inactive")
    if api_settings.CHECK_REVOKE_TOKEN and token.get(
        api_settings.REVOKE_TOKEN_CLAIM
    ) != get_md5_hash_password(user.password):
        raise AuthenticationFailed(
            "The password was changed after this token was issued. Log in again.",
            code="password_changed",
        )
    if getattr(user, "token_session_ended", False):
        raise AuthenticationFailed("This login was logged out. Log in again.", code="session_ended")
    return user


# The lookup every authenticated API request makes, compiled once (`nexus.prepared`): the user
# row, and with a session claim whether that login was logged out.
_USER_FIELDS = [field.attname for field in User._meta.concrete_fields]
_USER = PreparedQuery(
    lambda user_id: User.objects.filter(pk=user_id).values_list(*_USER_FIELDS), user_id=int
)
_USER_OF_SESSION = PreparedQuery(
    lambda user_id, sid: (
        User.objects.filter(pk=user_id)
        .annotate(token_session_ended=Exists(EndedTokenSession.objects.filter(sid=sid)))
        .values_list(*_USER_FIELDS, "token_session_ended")
    ),
    user_id=int,
    sid=str,
)


def _user_of(user_id: int) -> User | None:
    rows = _USER.rows(user_id=user_id)
    return instance(User, dict(zip(_USER_FIELDS, rows[0], strict=True))) if rows else None


def _user_of_session(user_id: int, sid: str) -> User | None:
    rows = _USER_OF_SESSION.rows(user_id=user_id, sid=sid)
    if not rows:
        return None
    *values, ended = rows[0]
    user = instance(User, dict(zip(_USER_FIELDS, values, strict=True)))
    user.token_session_ended = ended
    return user


class SessionJWTAuthentication(JWTAuthentication):
    """simplejwt's `Authorization: Bearer` authentication with `token_user`'s checks."""

    def get_user(self, validated_token):
        return token_user(token=validated_token)
