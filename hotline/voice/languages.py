"""How the line speaks and listens in each language, read from the registry
(``bot/languages.yml``: each language's ``voice``), and the language menu.

Twilio's voices and recognisers need full tags (``es-MX``, not ``es``) and cover
en, es, pt and fr. For a language Twilio cannot speak the line plays audio
(recorded, or rendered with espeak-ng) and falls back to a ``<Say>`` in the
nearest language Twilio speaks when no audio can be made. A language without a
recogniser (``listen: null``) is served by keys only: a spoken menu of topics,
one key each (see ``hotline.voice.routes``).

The language menu has one key per language. Up to nine languages fit on one
page (keys 1-9); with more, each page offers eight and key 9 says the next
page, so a tenth language never silently vanishes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.languages import LANGUAGES, SUPPORTED_LANGUAGES, fallback_chain

# A caller who picks nothing in the language menu is most likely to understand
# Spanish in the Americas.
DEFAULT_LANGUAGE = "es"
KEYS_PER_PAGE = 9
MORE_KEY = "9"  # on a page that is not the last: the next page


@dataclass(frozen=True)
class VoiceLanguage:
    code: str
    say_language: str  # full tag for <Say>: the language itself or the nearest
    voice: str  # an Amazon Polly voice Twilio offers for say_language
    speech_language: str | None  # <Gather> speech recognition; None: keys only
    twilio_speaks: bool  # False: play audio prompts instead of <Say>
    espeak: str | None  # espeak-ng voice; None: no voice renders it

    @property
    def listens(self) -> bool:
        return self.speech_language is not None


def _from_registry(code: str) -> VoiceLanguage:
    voice = LANGUAGES[code].voice
    return VoiceLanguage(
        code=code,
        say_language=voice.say,
        voice=voice.polly,
        speech_language=voice.listen,
        twilio_speaks=voice.twilio,
        espeak=voice.espeak,
    )


VOICES = {code: _from_registry(code) for code in LANGUAGES}


def voice_for(code: str) -> VoiceLanguage:
    """The voice of a language; the default language's for an unknown code."""
    return VOICES.get(code, VOICES[DEFAULT_LANGUAGE])


def keys_only(code: str) -> bool:
    """No recogniser knows the language: the caller uses keys, never speech."""
    return not voice_for(code).listens


def nearest_spoken(code: str) -> str:
    """The language itself when Twilio speaks it, else the nearest one in its
    fall-back chain that Twilio speaks (Spanish for Aymara)."""
    return next(
        (c for c in fallback_chain(code) if c in VOICES and VOICES[c].twilio_speaks),
        DEFAULT_LANGUAGE,
    )


def menu_pages(codes: tuple[str, ...] | None = None) -> list[tuple[str, ...]]:
    """The language menu's pages: all on one page up to nine languages; with
    more, eight a page (key 9: the next page) and up to nine on the last."""
    rest = tuple(SUPPORTED_LANGUAGES if codes is None else codes)
    pages: list[tuple[str, ...]] = []
    while len(rest) > KEYS_PER_PAGE:
        pages.append(rest[: KEYS_PER_PAGE - 1])
        rest = rest[KEYS_PER_PAGE - 1 :]
    pages.append(rest)
    return pages


def menu_page(code: str) -> int:
    """The page of the language menu that offers ``code`` (0 first)."""
    return next(i for i, page in enumerate(menu_pages()) if code in page)


def menu_digit(code: str) -> str:
    """The key that picks a language on its page (1 en, 2 es, ... 9 ay)."""
    return str(menu_pages()[menu_page(code)].index(code) + 1)


def has_next_page(page: int) -> bool:
    return page + 1 < len(menu_pages())


def language_for_digit(digit: str, page: int = 0) -> str | None:
    pages = menu_pages()
    if not (0 <= page < len(pages)) or len(digit) != 1 or not digit.isdigit():
        return None
    options = pages[page]
    if 1 <= int(digit) <= len(options):
        return options[int(digit) - 1]
    return None


def known_language(raw: str | None) -> str:
    """A language code from a query string, or the default for anything else."""
    return raw if raw is not None and raw in VOICES else DEFAULT_LANGUAGE


def autonym(code: str) -> str:
    """The language's name in itself (``Runasimi``, ``Aymar aru``), from the
    registry (Babel's CLDR data does not know every language the line has)."""
    language = LANGUAGES.get(code)
    return language.autonym if language else code
