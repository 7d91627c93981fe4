"""Read yes, no, sometimes, "I don't know" and stop in any of the line's languages.

Answers come by SMS from all kinds of phones: words with or without accents,
digits (1 = yes, 2 = no, as the questions say), or a short phrase that starts
with the answer ("si, claro", "no nunca"). "Sometimes" is an answer of its own
("a veces", "parfois"): what happens sometimes happens, and the result counts it
as a sign. "Stop" is read only when it is the whole message ("0", "basta",
"stop please"): "para nada" is a strong no, and "ya no" ("not any more") a no.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import yaml

from bot.normalize import normalize, words

Answer = Literal["yes", "no", "sometimes", "unsure", "stop"]

ANSWER_WORDS = Path(__file__).resolve().parent.parent / "bot" / "answer_words.yml"
KINDS = ("yes", "no", "sometimes", "unsure", "stop", "courtesy")


def load_answer_words(path: Path = ANSWER_WORDS) -> dict[str, dict[str, set[str]]]:
    """Language -> kind -> the words (bot/answer_words.yml), normalised."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    loaded: dict[str, dict[str, set[str]]] = {}
    for language, kinds in raw.items():
        for kind, values in kinds.items():
            if kind not in KINDS or not all(isinstance(v, str) for v in values):
                # YAML reads a bare yes/no/on/off as a boolean: quote them.
                raise ValueError(f"{path}: {language}.{kind}: {values!r}")
        loaded[language] = {
            kind: {normalize(value) for value in kinds.get(kind) or ()}
            for kind in KINDS
        }
    return loaded


def _all(kind: str) -> set[str]:
    return set().union(*(kinds[kind] for kinds in _WORDS.values()))


_WORDS = load_answer_words()
_YES = _all("yes")
_NO = _all("no")
_UNSURE = _all("unsure")
_STOP = _all("stop")
_SOMETIMES = _all("sometimes")
# Words of courtesy that may come with a stop word ("basta por favor").
_COURTESY = re.compile(
    r"\b(?:" + "|".join(map(re.escape, sorted(_all("courtesy")))) + r")\b"
)


def is_stop(text: str) -> bool:
    """The whole message asks to stop the questions ("0", "basta", "stop pls")."""
    bare = " ".join(_COURTESY.sub(" ", normalize(text)).split())
    return bare in _STOP


def says_sometimes(text: str) -> bool:
    padded = f" {normalize(text)} "
    return any(f" {phrase} " in padded for phrase in _SOMETIMES)


def read_answer(text: str) -> Answer | None:
    """The answer a short reply gives, or None when it gives none we can read."""
    normalized = normalize(text)
    message_words = words(text)
    if not message_words:
        return None
    if is_stop(text):
        return "stop"
    if says_sometimes(text):
        return "sometimes"
    if normalized in _UNSURE or any(
        normalized.startswith(f"{p} ") for p in _UNSURE if " " in p
    ):
        return "unsure"
    first_two = " ".join(message_words[:2])
    first_three = " ".join(message_words[:3])
    for candidate in (normalized, first_three, first_two, message_words[0]):
        if candidate in _YES:
            return "yes"
        if candidate in _NO:
            return "no"
    return None


def is_bare_answer(text: str) -> bool:
    """The whole message is one answer ("no", "sí", "a veces", "0"), nothing more."""
    normalized = normalize(text)
    return is_stop(text) or any(
        normalized in answers for answers in (_YES, _NO, _UNSURE, _SOMETIMES)
    )
