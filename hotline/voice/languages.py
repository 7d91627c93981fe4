"""How the line speaks and listens in each language (one table, one place).

Twilio's voices and recognisers need full tags (``es-MX``, not ``es``) and cover
en, es, pt and fr, not Haitian Creole, Quechua or Guarani. For those three the
line plays audio (recorded, or rendered with espeak-ng), listens in the nearest
language Twilio recognises, and falls back to a ``<Say>`` in that language when
no audio can be made.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from bot.languages import SUPPORTED_LANGUAGES

# A caller who picks nothing in the language menu is most likely to understand
# Spanish in the Americas.
DEFAULT_LANGUAGE = "es"


@dataclass(frozen=True)
class VoiceLanguage:
    code: str
    say_language: str  # full tag for <Say>: the language itself or the nearest
    voice: str  # an Amazon Polly voice Twilio offers for say_language
    speech_language: str  # full tag for <Gather> speech recognition
    twilio_speaks: bool  # False: play audio prompts instead of <Say>


VOICES = {
    "en": VoiceLanguage("en", "en-US", "Polly.Joanna", "en-US", True),
    "es": VoiceLanguage("es", "es-MX", "Polly.Mia", "es-MX", True),
    "pt": VoiceLanguage("pt", "pt-BR", "Polly.Camila", "pt-BR", True),
    "fr": VoiceLanguage("fr", "fr-CA", "Polly.Chantal", "fr-CA", True),
    # No recogniser knows these three: listen in the language their speakers
    # most often mix in (Haitian French, Peruvian and Paraguayan Spanish), so
    # digits, loanwords and code-switched requests still come through.
    "ht": VoiceLanguage("ht", "fr-FR", "Polly.Celine", "fr-FR", False),
    "qu": VoiceLanguage("qu", "es-MX", "Polly.Mia", "es-PE", False),
    "gn": VoiceLanguage("gn", "es-MX", "Polly.Mia", "es-PY", False),
}
assert set(VOICES) == set(SUPPORTED_LANGUAGES), "every language needs a voice"


def voice_for(code: str) -> VoiceLanguage:
    """The voice of a language; the default language's for an unknown code."""
    return VOICES.get(code, VOICES[DEFAULT_LANGUAGE])


def menu_digit(code: str) -> str:
    """The key that picks a language in the menu (1 en, 2 es, ... 7 gn)."""
    return str(SUPPORTED_LANGUAGES.index(code) + 1)


def language_for_digit(digit: str) -> str | None:
    if len(digit) == 1 and digit.isdigit() and 1 <= int(digit) <= len(VOICES):
        return SUPPORTED_LANGUAGES[int(digit) - 1]
    return None


def known_language(raw: str | None) -> str:
    """A language code from a query string, or the default for anything else."""
    return raw if raw is not None and raw in VOICES else DEFAULT_LANGUAGE


def autonym(code: str) -> str:
    """The language's name in itself (``Runasimi``), from Unicode CLDR data."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]
