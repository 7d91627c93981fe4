"""Country names in the person's language (Babel's CLDR data), for both
environments: the bot names countries in its answers, the hotline in its
emergency numbers."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError

from bot.languages import fallback_chain


@cache
def locale_for(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


def is_country_code(value: object) -> bool:
    """An ISO 3166 alpha-2 code as the line passes them ("MX"), nothing else."""
    return (
        isinstance(value, str)
        and len(value) == 2
        and value.isalpha()
        and value.isupper()
    )


def country_name(code: str, language: str) -> str:
    """The country's name in the person's language, else the nearest one."""
    for candidate in fallback_chain(language):
        locale = locale_for(candidate)
        if locale and code in locale.territories:
            return locale.territories[code]
    return code
