"""What each language's own catalog holds, without fall-backs.

``bot.catalogs.translate`` quietly falls back (qu -> es -> en). A voice that can
only play audio needs to know which language a text really is in: a Quechua
text is played in Quechua, a Spanish fall-back is said by Twilio's Spanish
voice, and a recorded prompt is found by its message context.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.mofile import read_mo

from bot.catalogs import DOMAIN, LOCALES_DIR, translate
from bot.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, fallback_chain
from hotline.texts import Text


@cache
def own_messages(
    language: str, locales_dir: Path = LOCALES_DIR
) -> dict[tuple[str | None, str], str]:
    """(context, source) -> translation, for the entries this catalog translates."""
    mo_path = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo_path.exists():
        return {}
    with mo_path.open("rb") as handle:
        catalog = read_mo(handle)
    return {
        (message.context, message.id): message.string
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string
    }


@cache
def contexts_by_text(language: str) -> dict[str, str]:
    """Translated text -> its message context (``utter_greet``), first wins."""
    table: dict[str, str] = {}
    for (context, _source), text in own_messages(language).items():
        if context:
            table.setdefault(text, context)
    return table


@cache
def variant_contexts() -> frozenset[str]:
    """Contexts with several source texts (a response's variants, such as a
    goodbye per channel): one recording cannot stand for all of them."""
    sources: dict[str, set[str]] = {}
    for language in SUPPORTED_LANGUAGES:
        for context, source in own_messages(language):
            if context:
                sources.setdefault(context, set()).add(source)
    return frozenset(c for c, found in sources.items() if len(found) > 1)


@cache
def source_texts() -> frozenset[str]:
    """Every English source text the catalogs know."""
    return frozenset(
        source
        for language in SUPPORTED_LANGUAGES
        for (_context, source) in own_messages(language)
    )


def written_in(language: str, text: str) -> str | None:
    """The language in a caller's fall-back chain whose catalog this exact text
    comes from; None for a text no catalog holds (numbers filled in)."""
    for code in fallback_chain(language):
        if code == DEFAULT_LANGUAGE:
            if text in source_texts():
                return code
        elif text in contexts_by_text(code):
            return code
    return None


def prompt_language(language: str, prompt: Text) -> str:
    """The language a hotline prompt is actually rendered in for ``language``."""
    for code in fallback_chain(language):
        if code == DEFAULT_LANGUAGE or (prompt.context, prompt.source) in own_messages(
            code
        ):
            return code
    return DEFAULT_LANGUAGE


@cache
def _source_of(context: str) -> str | None:
    """The English source of a catalog entry, found by its context."""
    for language in SUPPORTED_LANGUAGES:
        for found, source in own_messages(language):
            if found == context:
                return source
    return None


def bot_text(context: str, language: str) -> str | None:
    """A bot response without placeholders as its NLG renders it in
    ``language`` (the same catalogs and fall-backs), e.g. the country question."""
    source = _source_of(context)
    return None if source is None else translate(context, source, language)
