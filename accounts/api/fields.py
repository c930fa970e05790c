"""Serializer fields shared by the APIs that take an address."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.countries import COUNTRIES

COUNTRY_CODES: list[str] = sorted(COUNTRIES) + sorted(code.lower() for code in COUNTRIES)


@extend_schema_field(
    {
        "type": "string",
        "enum": COUNTRY_CODES,
        "description": "ISO 3166-1 alpha-2 country code, e.g. `DE` (upper or lower case).",
    }
)
class CountryCodeField(serializers.CharField):
    """An ISO 3166-1 alpha-2 country code, in upper or lower case: exactly the values the
    schema's enum lists. A known code written otherwise (`De`, ` DE`) is refused here; an
    unknown code is refused by the address validation of the service, with its own message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 2)
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value not in COUNTRY_CODES and value.strip().upper() in COUNTRIES:
            raise serializers.ValidationError(
                f"Write the country code in upper or lower case without spaces: "
                f"{value.strip().upper()}.",
                code="invalid_country",
            )
        return value
