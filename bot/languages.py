"""The line's languages, read from ``bot/languages.yml`` (the one place that
lists them), and the order in which missing translations fall back.

Shared by the NLG and the actions (bot environment) and the hotline. A missing
text degrades to the nearest language the person likely reads, and English is
always last, so nobody ever sees a message id. Adding a language is an entry in
the file (``make new-language``) plus its translation work.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.languages import get_official_languages

REGISTRY = Path(__file__).with_name("languages.yml")
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class Voice:
    """How a call sounds in a language (see the file's header)."""

    twilio: bool
    say: str
    polly: str
    listen: str | None
    espeak: str | None


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    autonym: str
    fallback: tuple[str, ...]
    core: bool
    aliases: tuple[str, ...]
    also_called: tuple[str, ...]
    person_word: str | None  # None until chosen (make new-language)
    voice: Voice


def read_registry(path: Path) -> dict[str, Language]:
    """The languages a registry file lists (``make new-language`` extends it)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    languages = {
        code: Language(
            code=code,
            name=entry["name"],
            autonym=entry["autonym"],
            fallback=tuple(entry["fallback"]),
            core=bool(entry["core"]),
            aliases=tuple(entry.get("aliases", ())),
            also_called=tuple(entry.get("also_called", ())),
            person_word=entry.get("person_word"),
            voice=Voice(**entry["voice"]),
        )
        for code, entry in raw.items()
    }
    if DEFAULT_LANGUAGE not in languages:
        raise ValueError(f"{path}: the default language {DEFAULT_LANGUAGE} is missing")
    for language in languages.values():
        unknown = set(language.fallback) - set(languages)
        if unknown:
            raise ValueError(f"{path}: {language.code} falls back to unknown {unknown}")
    return languages


LANGUAGES: dict[str, Language] = read_registry(REGISTRY)
SUPPORTED_LANGUAGES = tuple(LANGUAGES)
CORE_LANGUAGES = tuple(code for code, lang in LANGUAGES.items() if lang.core)
EXTRA_LANGUAGES = tuple(code for code, lang in LANGUAGES.items() if not lang.core)
FALLBACKS = {code: lang.fallback for code, lang in LANGUAGES.items() if lang.fallback}
# Other codes a browser or system may send for our languages ("quz" -> "qu").
ALIASES = {alias: code for code, lang in LANGUAGES.items() for alias in lang.aliases}


def country_languages(country: object) -> tuple[str, ...]:
    """The official languages of the country the hotline thinks the person is
    in (their number's), from CLDR: for a first message that says nothing of
    its language ("?", "1", a word nobody knows), a Mexican number is
    answered in Spanish rather than English."""
    if not isinstance(country, str) or not country.isalpha():
        return ()
    return get_official_languages(country.upper(), de_facto=True)


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
