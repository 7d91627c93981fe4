"""SMS keywords in every catalog language: STOP, START and HELP.

The words themselves are catalog entries (translators add their language's
words), so a Spanish speaker's ``BAJA`` stops the line as ``STOP`` does. Only a
whole message that is one keyword counts; "stop, they hit me" goes to the bot.
"""

from __future__ import annotations

import enum
from functools import cache

from bot.languages import SUPPORTED_LANGUAGES
from hotline.texts import Text, fold


class Keyword(enum.StrEnum):
    STOP = "stop"
    START = "start"
    HELP = "help"


WORDS = {
    # Translators: comma-separated words that, sent alone, stop all messages.
    Keyword.STOP: Text(
        "hotline_sms_keywords_stop", "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT"
    ),
    # Translators: comma-separated words that, sent alone, restart messages.
    Keyword.START: Text("hotline_sms_keywords_start", "START, UNSTOP"),
    # Translators: comma-separated words that, sent alone, ask what this line is.
    Keyword.HELP: Text("hotline_sms_keywords_help", "HELP, INFO"),
}


@cache
def keyword_table() -> dict[str, tuple[Keyword, str]]:
    """Folded word -> (keyword, the first language that uses it)."""
    table: dict[str, tuple[Keyword, str]] = {}
    for language in SUPPORTED_LANGUAGES:
        for keyword, text in WORDS.items():
            for word in text(language).split(","):
                if folded := fold(word):
                    table.setdefault(folded, (keyword, language))
    return table


def find_keyword(body: str) -> tuple[Keyword, str] | None:
    """The keyword a whole message is, and the language it belongs to."""
    return keyword_table().get(fold(body))
