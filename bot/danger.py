"""The one danger detector: does a message tell of immediate danger?

Pure Python, shared by both environments: the Rasa component
(``bot.components.emergency_net``) compiles it into the model, and the hotline
runs it on every incoming message on every channel, so danger is noticed while
a person waits for or talks to an operator, during a bot outage, a flood or
after STOP, not only when Rasa reads the message.

The net is one plain-text file per language in ``bot/emergency_keywords/``: a
phrase per line, written without accents; a word ending in ``*`` matches any
word it begins; a line starting with ``=`` must be the whole message ("= sos":
"SOS" alone, but not the Rioplatense "vos sos"). Any language's phrase counts,
since people mix languages.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from bot.normalize import normalize

KEYWORDS_DIR = Path(__file__).parent / "emergency_keywords"


def phrase_pattern(phrase: str) -> str:
    """Turn ``me golpe* ahora`` into a regex over normalised text."""
    whole_message = phrase.startswith("=")
    parts = []
    for word in normalize(phrase.lstrip("=").replace("*", "STARSUFFIX")).split():
        if word.endswith("starsuffix"):
            parts.append(re.escape(word.removesuffix("starsuffix")) + r"[0-9a-z]*")
        else:
            parts.append(re.escape(word))
    body = r" ".join(parts)
    return rf"^{body}$" if whole_message else rf"\b{body}\b"


def read_keyword_files(directory: Path) -> dict[str, list[str]]:
    """Phrases per language code, from ``<code>.txt`` files."""
    phrases: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        phrases[path.stem] = [
            line.strip()
            for line in lines
            if line.strip() and not line.lstrip().startswith("#")
        ]
    return phrases


class KeywordNet:
    """Compiled phrases of every language; any language's phrase counts."""

    def __init__(self, patterns: dict[str, list[str]]) -> None:
        self.patterns = patterns
        self._compiled = [
            (language, re.compile(pattern))
            for language, language_patterns in patterns.items()
            for pattern in language_patterns
        ]

    @classmethod
    def from_directory(cls, directory: Path = KEYWORDS_DIR) -> KeywordNet:
        phrases = read_keyword_files(directory)
        return cls(
            {lang: [phrase_pattern(p) for p in ps] for lang, ps in phrases.items()}
        )

    def match(self, text: str) -> str | None:
        """The language of the first phrase found in the text, or None."""
        normalized = normalize(text)
        for language, pattern in self._compiled:
            if pattern.search(normalized):
                return language
        return None


@cache
def default_net() -> KeywordNet:
    """The net as the repository's keyword files define it, read once."""
    return KeywordNet.from_directory(KEYWORDS_DIR)


def signals_danger(text: str) -> bool:
    """True when the message tells of immediate danger."""
    return default_net().match(text) is not None
