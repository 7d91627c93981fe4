"""The line's languages, their fall-back chains and the names people call them."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError
from rasa_sdk import Tracker

from bot.languages import (
    CORE_LANGUAGES,
    DEFAULT_LANGUAGE,
    EXTRA_LANGUAGES,
    LANGUAGES,
    SUPPORTED_LANGUAGES,
    country_languages,
    fallback_chain,
    first_supported,
)
from bot.normalize import normalize

__all__ = [
    "CORE_LANGUAGES",
    "DEFAULT_LANGUAGE",
    "EXTRA_LANGUAGES",
    "SUPPORTED_LANGUAGES",
    "current_language",
    "fallback_chain",
    "find_language_name",
]


@cache
def language_names() -> dict[str, str]:
    """Normalised language name (in any of our languages) -> language code."""
    names: dict[str, str] = {}
    for display in SUPPORTED_LANGUAGES:
        try:
            locale = Locale.parse(display)
        except (UnknownLocaleError, ValueError):  # CLDR has no Aymara
            continue
        for code in SUPPORTED_LANGUAGES:
            if code in locale.languages:
                names[normalize(locale.languages[code])] = code
    # Names that CLDR does not list but people write (bot/languages.yml).
    for code, language in LANGUAGES.items():
        for name in (language.autonym, *language.also_called):
            names[normalize(name)] = code
    return names


def find_language_name(text: str) -> str | None:
    """The code when a message is just a language's name ("Español", "kreyol")."""
    return language_names().get(normalize(text))


def current_language(tracker: Tracker) -> str:
    """The conversation's language, as the NLG will render it."""
    metadata = tracker.latest_message.get("metadata") or {}
    guesses = [
        ((event.get("parse_data") or {}).get("language") or {}).get("code")
        for event in reversed(tracker.events)
        if event.get("event") == "user"
    ]
    return first_supported(
        metadata.get("language"),
        tracker.get_slot("language"),
        *guesses,
        *country_languages(metadata.get("country_hint")),
    )
