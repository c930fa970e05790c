"""The countries an address may be in: ISO 3166-1 alpha-2 codes, from django-countries.

One list serves the site's country selects (checkout, address book), the validation of every
address (site and API) and the API schema, so what a form offers and what the API accepts
cannot drift apart. django-countries keeps the list current with ISO 3166 and translates the
names; they are evaluated only when a form renders, in the request's language.
"""

from django_countries import countries
from django_countries.data import COUNTRIES as ISO_3166_COUNTRIES

# Code -> name (translated lazily). Membership (`code in COUNTRIES`) is the validation.
COUNTRIES: dict = dict(ISO_3166_COUNTRIES)
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(COUNTRIES))


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the active language, for a select's options."""
    return [(code, str(name)) for code, name in countries]


def country_choices_with_prompt() -> list[tuple[str, str]]:
    """`country_choices` after an empty "Choose a country" option."""
    return [("", "Choose a country"), *country_choices()]
