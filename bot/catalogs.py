"""Babel catalogs with the line's fall-back chains (locales/<lang>/LC_MESSAGES).

Compiled ``.mo`` files hold only reviewed-or-drafted translations that are not
fuzzy; any text missing in a language falls through its chain (qu -> es -> en)
down to the English source, so a person never sees a message id.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from babel.support import NullTranslations, Translations

from bot.languages import fallback_chain

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def _load_one(language: str, locales_dir: Path) -> gettext.NullTranslations:
    mo_path = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if not mo_path.exists():
        return NullTranslations()
    with mo_path.open("rb") as handle:
        return Translations(handle, domain=DOMAIN)


@cache
def translations_for(
    language: str, locales_dir: Path = LOCALES_DIR
) -> gettext.NullTranslations:
    """The catalog of a language, chained to its fall-backs."""
    chain = [_load_one(code, locales_dir) for code in fallback_chain(language)]
    for catalog, fallback in pairwise(chain):
        catalog.add_fallback(fallback)
    return chain[0]


def translate(
    context: str, text: str, language: str, locales_dir: Path = LOCALES_DIR
) -> str:
    """One source text in the given language (its context is the response name)."""
    return translations_for(language, locales_dir).pgettext(context, text)


@dataclass(frozen=True)
class Text:
    """A source text with its catalog context, rendered in a language.

    ``Text(context, source)`` marks the text for ``pybabel extract`` (keyword
    ``Text:1c,2``); calling it translates through the fall-back chains and
    fills named placeholders (``%(name)s``)."""

    context: str
    source: str

    def __call__(self, language: str | None, **values: object) -> str:
        text = translate(self.context, self.source, language or "en")
        return text % values if values else text


REVIEW_STATUS_PREFIX = "# Review-Status:"


@cache
def review_status(language: str, locales_dir: Path = LOCALES_DIR) -> str | None:
    """The review status a catalog declares in its header comment, if any.

    It lives in the comment because Babel drops unknown ``X-`` headers on update.
    """
    po_path = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return None
    for line in po_path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if line.startswith(REVIEW_STATUS_PREFIX):
            return line.removeprefix(REVIEW_STATUS_PREFIX).strip()
    return None


def is_reviewed(language: str, locales_dir: Path = LOCALES_DIR) -> bool:
    """True for the source language and for catalogs a native speaker checked."""
    status = review_status(language, locales_dir) or ""
    return status.startswith(("source", "reviewed"))
