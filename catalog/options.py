"""Variant option values ("size: M, colour: Blue") as people type them, and as the
`ProductVariant.options` JSON dict the code stores.

One parser for the admin widget and the CSV import, so both accept and refuse the same text.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

OPTION_NAME_MAX_LENGTH = 40
OPTION_VALUE_MAX_LENGTH = 80
OPTIONS_EXAMPLE = "size: M, colour: Blue"


def options_parse(text: str) -> dict[str, str]:
    """Parse "size: M, colour: Blue" into {"size": "M", "colour": "Blue"}.

    Option names are lower-cased (so "Size" and "size" are one option); values keep their
    case. Empty text is the default variant ({}). Raises `ValidationError` with a message a
    person can act on.
    """
    options: dict[str, str] = {}
    text = (text or "").strip()
    if not text:
        return options
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if ":" not in part:
            raise ValidationError(
                f'"{part}" has no value: write each option as name: value, separated by '
                f"commas (e.g. {OPTIONS_EXAMPLE}).",
                code="invalid_option",
            )
        name, value = (piece.strip() for piece in part.split(":", 1))
        name = name.lower()
        if not name or not value:
            raise ValidationError(
                f'"{part}" needs both a name and a value (e.g. {OPTIONS_EXAMPLE}).',
                code="invalid_option",
            )
        if len(name) > OPTION_NAME_MAX_LENGTH or len(value) > OPTION_VALUE_MAX_LENGTH:
            raise ValidationError(
                f"Option names may be {OPTION_NAME_MAX_LENGTH} characters long and values "
                f'{OPTION_VALUE_MAX_LENGTH}: "{part}" is too long.',
                code="option_too_long",
            )
        if name in options:
            raise ValidationError(f'The option "{name}" is given twice.', code="duplicate_option")
        options[name] = value
    return options


def options_format(options: dict | None) -> str:
    """The inverse of `options_parse`: {"size": "M"} -> "size: M"."""
    return ", ".join(f"{name}: {value}" for name, value in (options or {}).items())


class VariantOptionsFormField(forms.CharField):
    """A one-line text input for option values, stored as a JSON dict."""

    def __init__(self, *args, encoder=None, decoder=None, **kwargs):
        kwargs.setdefault(
            "help_text",
            f"Comma-separated name: value pairs, e.g. \u201c{OPTIONS_EXAMPLE}\u201d. "
            "Leave empty for a product without options.",
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": OPTIONS_EXAMPLE}))
        kwargs["required"] = False
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return options_format(value)
        return value

    def to_python(self, value):
        if isinstance(value, dict):
            return value
        return options_parse(super().to_python(value))

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or {})
        except ValidationError:
            return True


class VariantOptionsField(models.JSONField):
    """JSON dict of option name -> value, edited in forms as "size: M, colour: Blue"."""

    def formfield(self, **kwargs):
        kwargs.pop("widget", None)
        return super().formfield(**{**kwargs, "form_class": VariantOptionsFormField})
