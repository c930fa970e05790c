"""Shapes of the auth API: input serializers validate shape only, the services apply the rules."""

from django.contrib.auth import get_user_model
from rest_framework import serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer, TokenRefreshSerializer

from accounts.api.fields import CountryCodeField
from accounts.models import Address
from accounts.tokens import LoginRefreshToken, token_user

NAME_MAX_LENGTH = 150


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        write_only=True,
        trim_whitespace=False,
        max_length=128,
        style={"input_type": "password"},
        help_text="Checked against the shop's password rules (length, common, numeric, similarity).",
    )
    first_name = serializers.CharField(
        max_length=NAME_MAX_LENGTH, required=False, allow_blank=True, default=""
    )
    last_name = serializers.CharField(
        max_length=NAME_MAX_LENGTH, required=False, allow_blank=True, default=""
    )

    class Meta:
        ref_name = "Register"


class UserOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = get_user_model()
        fields = ["id", "email", "first_name", "last_name", "date_joined"]
        read_only_fields = fields
        ref_name = "User"


class ProfileUpdateInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=NAME_MAX_LENGTH, required=False, allow_blank=True)

    class Meta:
        ref_name = "ProfileUpdate"


class TokenObtainInputSerializer(TokenObtainPairSerializer):
    """E-mail and password; the e-mail is matched case-insensitively. Each login is a session
    of its own (`sid`), which logout ends."""

    token_class = LoginRefreshToken


class TokenObtainRequestSerializer(serializers.Serializer):
    """The documented request of the token endpoint (simplejwt's serializer builds its fields
    at runtime, so the schema is stated here)."""

    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"})

    class Meta:
        ref_name = "TokenObtain"


class TokenPairOutputSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="Short-lived access token: `Authorization: Bearer …`.")
    refresh = serializers.CharField(
        help_text="Refresh token; each use returns a new one and blacklists the old one."
    )

    class Meta:
        ref_name = "TokenPair"


class TokenRefreshInputSerializer(TokenRefreshSerializer):
    def validate(self, attrs):
        """A refresh token is refused for the same reasons as an access token (deleted or
        inactive user, password changed, logged out), before anything is issued."""
        try:
            token_user(token=self.token_class(attrs["refresh"]))
        except AuthenticationFailed as error:
            if error.detail.get("code") in ("user_not_found", "user_inactive"):
                raise AuthenticationFailed(
                    "No active account found for the given token.", code="no_active_account"
                ) from error
            raise
        return super().validate(attrs)


class TokenRefreshRequestSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="A refresh token; it is blacklisted once used.")

    class Meta:
        ref_name = "TokenRefresh"


class RefreshTokenInputSerializer(serializers.Serializer):
    refresh = serializers.CharField(help_text="The refresh token to blacklist.")

    class Meta:
        ref_name = "Logout"


class AddressOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Address
        fields = [
            "id",
            "full_name",
            "line1",
            "line2",
            "city",
            "postal_code",
            "country",
            "phone",
            "is_default",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
        ref_name = "Address"


class AddressInputSerializer(serializers.Serializer):
    """Shape only; the address service normalizes and validates values (e.g. the country)."""

    full_name = serializers.CharField(max_length=Address.max_length_of("full_name"))
    line1 = serializers.CharField(max_length=Address.max_length_of("line1"))
    line2 = serializers.CharField(
        max_length=Address.max_length_of("line2"), required=False, allow_blank=True
    )
    city = serializers.CharField(max_length=Address.max_length_of("city"))
    postal_code = serializers.CharField(max_length=Address.max_length_of("postal_code"))
    country = CountryCodeField()
    phone = serializers.CharField(
        max_length=Address.max_length_of("phone"), required=False, allow_blank=True
    )
    is_default = serializers.BooleanField(
        required=False,
        help_text="Make this the default address. A user's first address is always the default.",
    )

    class Meta:
        ref_name = "AddressInput"
