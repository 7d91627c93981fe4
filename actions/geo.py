"""Recognise a country in what a person writes, in any of the line's languages.

Official names come from Babel's CLDR data in every supported language; the
extra names and demonyms people really use live in ``directory/countries.yml``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError

from actions.languages import SUPPORTED_LANGUAGES, fallback_chain
from bot.normalize import normalize

ALIASES_PATH = Path(__file__).parent / "directory" / "countries.yml"
UNKNOWN_COUNTRY = "ZZ"


@cache
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


@cache
def country_names() -> dict[str, str]:
    """Normalised name -> ISO code, for every country we know a name of."""
    aliases = yaml.safe_load(ALIASES_PATH.read_text(encoding="utf-8"))
    names: dict[str, str] = {}
    for code in aliases:
        for language in SUPPORTED_LANGUAGES:
            locale = _locale(language)
            if locale and code in locale.territories:
                names[normalize(locale.territories[code])] = code
    for code, extra in aliases.items():
        for name in extra:
            names[normalize(name)] = code
    return names


def find_country(text: str) -> str | None:
    """The ISO code of the country a short answer names, if any.

    The longest name found wins, so "republica dominicana" is not read as
    "dominicana" alone (the same country here, but the rule matters elsewhere).
    """
    padded = f" {normalize(text)} "
    matches = [
        (len(name), code)
        for name, code in country_names().items()
        if name and f" {name} " in padded
    ]
    return max(matches)[1] if matches else None


def country_name(code: str, language: str) -> str:
    """The country's name in the person's language, else the nearest one."""
    for candidate in fallback_chain(language):
        locale = _locale(candidate)
        if locale and code in locale.territories:
            return locale.territories[code]
    return code
