"""Account operations: registration, profile and saved addresses.

Every function owns its transaction. Address writes lock the owner's user row first, so two
concurrent changes to one shopper's addresses run one after the other and the "one default
address per user" rule (also a partial unique constraint) never races.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.exceptions import (
    AddressInvalid,
    EmailTaken,
    PasswordInvalid,
    ProfileInvalid,
    TokenInvalid,
)
from accounts.models import Address, EndedTokenSession, User
from accounts.tokens import SESSION_CLAIM

logger = logging.getLogger(__name__)

ADDRESS_FIELDS = ("full_name", "line1", "line2", "city", "postal_code", "country", "phone")


def _normalize_email(email: str) -> str:
    return get_user_model().objects.normalize_email(email.strip()).lower()


def _email_taken_message(email: str) -> str:
    return (
        f"An account with the e-mail address {email} already exists. Log in or reset your password."
    )


def user_register(*, email: str, password: str, first_name: str = "", last_name: str = "") -> User:
    """Create an active shopper account.

    The e-mail is compared case-insensitively. The password goes through the project's
    AUTH_PASSWORD_VALIDATORS (with the new user's name and e-mail for the similarity check).
    Raises EmailTaken (field "email") or PasswordInvalid (field "password"); creates nothing then.
    """
    email = _normalize_email(email)
    user_model = get_user_model()
    if user_model.objects.filter(email__iexact=email).exists():
        raise EmailTaken(_email_taken_message(email), field="email")
    candidate = user_model(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise PasswordInvalid(" ".join(error.messages), field="password") from error
    try:
        with transaction.atomic():
            return user_model.objects.create_user(
                email=email,
                password=password,
                first_name=candidate.first_name,
                last_name=candidate.last_name,
            )
    except IntegrityError as error:
        # Lost a race with a concurrent registration of the same address.
        raise EmailTaken(_email_taken_message(email), field="email") from error


def refresh_token_revoke(*, refresh_token: str) -> None:
    """Log a JWT client out: blacklist its refresh token and end its login, so neither it nor
    any access token of that login is accepted any more (`accounts.tokens`).

    Raises TokenInvalid when the token is malformed, tampered with, expired or already
    blacklisted; changes nothing then.
    """
    try:
        token = RefreshToken(refresh_token)
        token.check_blacklist()
    except TokenError as error:
        raise TokenInvalid(f"{error.args[0]}.") from error
    with transaction.atomic():
        token.blacklist()
        session = token.get(SESSION_CLAIM)
        if session is not None:
            EndedTokenSession.objects.get_or_create(sid=str(session))


def ended_token_sessions_purge() -> int:
    """Forget logouts older than the refresh token lifetime: no token of those logins can be
    unexpired any more. Returns how many were deleted."""
    from rest_framework_simplejwt.settings import api_settings

    cutoff = timezone.now() - api_settings.REFRESH_TOKEN_LIFETIME
    deleted, _ = EndedTokenSession.objects.filter(ended_at__lt=cutoff).delete()
    return deleted


PASSWORD_RESET_TEMPLATES = {
    "subject_template_name": "registration/password_reset_subject.txt",
    "email_template_name": "registration/password_reset_email.txt",
    "html_email_template_name": "registration/password_reset_email.html",
}


def password_reset_request(*, email: str, domain: str, use_https: bool) -> None:
    """Queue the reset e-mail for `email` once the caller's transaction commits.

    Does the same work whether or not an account has that address (the lookup happens in the
    task), so neither the answer nor its timing tells a visitor which addresses have accounts.
    A broker outage is logged and the link is not sent; the visitor can ask again.
    """
    from accounts.tasks import password_reset_email_send

    def queue() -> None:
        try:
            password_reset_email_send.apply_async(
                kwargs={"email": email, "domain": domain, "use_https": use_https}, retry=False
            )
        except Exception:
            logger.exception("Could not queue a password reset e-mail")

    transaction.on_commit(queue)


def password_reset_email_send(*, email: str, domain: str, use_https: bool) -> int:
    """Send the reset link to every active account with `email` (none when there is none).
    Returns how many e-mails were sent."""
    from django.conf import settings
    from django.contrib.auth.forms import PasswordResetForm

    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    form.save(
        domain_override=domain,
        use_https=use_https,
        extra_email_context={"site_name": settings.WAGTAIL_SITE_NAME},
        **PASSWORD_RESET_TEMPLATES,
    )
    return len(users)


def user_profile_update(
    *, user: User, first_name: str | None = None, last_name: str | None = None
) -> User:
    """Change the user's name; a None argument leaves that part unchanged."""
    changed = []
    if first_name is not None:
        user.first_name = first_name.strip()
        changed.append("first_name")
    if last_name is not None:
        user.last_name = last_name.strip()
        changed.append("last_name")
    if changed:
        for field in changed:
            if len(getattr(user, field)) > User._meta.get_field(field).max_length:
                raise ProfileInvalid(
                    f"{User._meta.get_field(field).verbose_name.capitalize()} is too long.",
                    field=field,
                )
        user.save(update_fields=changed)
    return user


def _lock_owner(user: User) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()


def _validate_address(address: Address) -> None:
    address.country = (address.country or "").strip().upper()
    for field in ADDRESS_FIELDS:
        value = getattr(address, field)
        if isinstance(value, str):
            setattr(address, field, value.strip())
    try:
        address.full_clean(exclude=["user"], validate_constraints=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        label = Address._meta.get_field(field).verbose_name if field in ADDRESS_FIELDS else field
        raise AddressInvalid(f"{str(label).capitalize()}: {messages[0]}", field=field) from error


def _clear_default(user: User, *, keep_pk: int | None = None) -> None:
    Address.objects.filter(user=user, is_default=True).exclude(pk=keep_pk).update(is_default=False)


def address_create(
    *,
    user: User,
    full_name: str,
    line1: str,
    city: str,
    postal_code: str,
    country: str,
    line2: str = "",
    phone: str = "",
    is_default: bool = False,
) -> Address:
    """Save a new address for `user`. The user's first address becomes the default.

    Locks the user row. Raises AddressInvalid (with the offending field) and saves nothing then.
    """
    address = Address(
        user=user,
        full_name=full_name,
        line1=line1,
        line2=line2,
        city=city,
        postal_code=postal_code,
        country=country,
        phone=phone,
    )
    _validate_address(address)
    with transaction.atomic():
        _lock_owner(user)
        has_default = Address.objects.filter(user=user, is_default=True).exists()
        address.is_default = is_default or not has_default
        if address.is_default:
            _clear_default(user)
        address.save()
    return address


def address_update(
    *,
    address: Address,
    full_name: str | None = None,
    line1: str | None = None,
    line2: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    country: str | None = None,
    phone: str | None = None,
    is_default: bool | None = None,
) -> Address:
    """Change the given fields (None leaves a field as it is).

    `is_default=True` makes it the default; `is_default=False` on the default address is ignored
    (a user with addresses always has a default — pick another one instead). Locks the owner's
    user row. Raises AddressInvalid and changes nothing then.
    """
    changes = {
        "full_name": full_name,
        "line1": line1,
        "line2": line2,
        "city": city,
        "postal_code": postal_code,
        "country": country,
        "phone": phone,
    }
    with transaction.atomic():
        _lock_owner(address.user)
        address.refresh_from_db()
        for field, value in changes.items():
            if value is not None:
                setattr(address, field, value)
        try:
            _validate_address(address)
        except AddressInvalid:
            address.refresh_from_db()
            raise
        if is_default:
            _clear_default(address.user, keep_pk=address.pk)
            address.is_default = True
        address.save()
    return address


def address_set_default(*, address: Address) -> Address:
    """Make `address` its owner's default address. Locks the owner's user row."""
    with transaction.atomic():
        _lock_owner(address.user)
        _clear_default(address.user, keep_pk=address.pk)
        Address.objects.filter(pk=address.pk).update(is_default=True)
    address.is_default = True
    return address


def address_delete(*, address: Address) -> None:
    """Delete `address`. If it was the default, the most recently added remaining address
    becomes the default. Locks the owner's user row. Placed orders keep their own copy."""
    user = address.user
    with transaction.atomic():
        _lock_owner(user)
        was_default = Address.objects.filter(pk=address.pk, is_default=True).exists()
        Address.objects.filter(pk=address.pk).delete()
        if was_default:
            successor = Address.objects.filter(user=user).order_by("-created_at", "-pk").first()
            if successor is not None:
                Address.objects.filter(pk=successor.pk).update(is_default=True)
