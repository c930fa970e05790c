from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower


class UserManager(BaseUserManager):
    """Users log in with their e-mail address; it is stored lower-cased."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True or extra_fields["is_superuser"] is not True:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractUser):
    """The shop's user: shoppers, vendor members and editors alike. E-mail is the login.

    Defined in the first migration so no later migration has to swap the user model.
    """

    username = None
    email = models.EmailField("e-mail address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            # Two accounts whose e-mails differ only in case would be one person.
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def save(self, *args, **kwargs):
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email

    def __str__(self) -> str:
        return self.email


def validate_country_code(value: str) -> None:
    """An ISO 3166-1 alpha-2 code in upper case, e.g. "DE" or "GB"."""
    from accounts.countries import COUNTRIES

    if value not in COUNTRIES:
        raise ValidationError(
            "%(value)s is not an ISO 3166-1 alpha-2 country code (e.g. DE, FR, GB, US).",
            code="invalid_country",
            params={"value": value or "An empty value"},
        )


class Address(models.Model):
    """A shopper's saved shipping address. Orders copy it at checkout, so editing or deleting
    an address never changes a placed order."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=150)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    # Validated against the ISO list instead of `choices` so the list is not copied into migrations.
    country = models.CharField(
        max_length=2, validators=[validate_country_code], help_text="ISO 3166-1 alpha-2 code."
    )
    phone = models.CharField(max_length=32, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "-created_at", "-pk"]
        verbose_name_plural = "addresses"
        constraints = [
            # The database, not only the service, guarantees a single default per user.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(is_default=True),
                name="accounts_address_one_default_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.postal_code} {self.city}, {self.country}"

    @classmethod
    def max_length_of(cls, field: str) -> int:
        """The one length limit of an address field: every form and serializer that takes an
        address (the address book, checkout on the site and the API) asks here."""
        return cls._meta.get_field(field).max_length


class EndedTokenSession(models.Model):
    """A JWT login that was logged out. Its tokens carry the login's `sid` claim (copied into
    every access token and kept through refresh rotation), so all of them — the access token in
    use included — are refused from the moment of logout, not when they expire.

    A row matters only while a token of that login could still be unexpired: rows older than
    the refresh token lifetime are purged (`accounts.ended_token_sessions_purge`).
    """

    sid = models.CharField(max_length=64, unique=True)
    ended_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.sid
