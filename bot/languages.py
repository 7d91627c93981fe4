"""The line's languages and the order in which missing translations fall back.

Shared by the NLG (bot side) and the actions; both run in the bot environment.
A missing text degrades to the nearest language the person likely reads, and
English is always last, so nobody ever sees a message id.
"""

CORE_LANGUAGES = ("en", "es", "pt", "fr")
EXTRA_LANGUAGES = ("ht", "qu", "gn")
SUPPORTED_LANGUAGES = CORE_LANGUAGES + EXTRA_LANGUAGES
DEFAULT_LANGUAGE = "en"

FALLBACKS = {
    "es": ("en",),
    "pt": ("es", "en"),
    "fr": ("en",),
    "ht": ("fr", "en"),
    "qu": ("es", "en"),
    "gn": ("es", "en"),
}


def first_supported(*candidates: object) -> str:
    """The first candidate that is one of our language codes, else English."""
    for candidate in candidates:
        if isinstance(candidate, str) and candidate in SUPPORTED_LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE


def fallback_chain(language: str) -> tuple[str, ...]:
    """The language itself, then its fall-backs, ending in English."""
    if language not in SUPPORTED_LANGUAGES:
        return (DEFAULT_LANGUAGE,)
    chain = (language, *FALLBACKS.get(language, ()))
    return chain if chain[-1] == DEFAULT_LANGUAGE else (*chain, DEFAULT_LANGUAGE)
