"""SMS keywords: STOP and START in every catalog language, HELP in English.

STOP and START words are catalog entries (translators add their language's
words), so a Spanish speaker's ``BAJA`` stops the line as ``STOP`` does. Only a
whole message that is one keyword counts; "stop, they hit me" goes to the bot.
A translated STOP word must mean only "unsubscribe": never a word a person in
danger could write alone (Portuguese "SAIR", "get out", is not one).

HELP and INFO are the words carriers require a line to answer with its name
and how to stop; they are English and are not translated. "AYUDA", "AJUDA",
"AIDE", "ÈD", "YANAPAY" or "PYTYVÕ" alone is a person asking for help: a
message for the bot (and a person), never a keyword.
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
    # Only words that mean "unsubscribe": never one a person in danger could
    # write alone ("get out", "help", "stop it").
    Keyword.STOP: Text(
        "hotline_sms_keywords_stop", "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT"
    ),
    # Translators: comma-separated words that, sent alone, restart messages.
    Keyword.START: Text("hotline_sms_keywords_start", "START, UNSTOP"),
}
CARRIER_HELP_WORDS = ("HELP", "INFO")


@cache
def keyword_table() -> dict[str, tuple[Keyword, str]]:
    """Folded word -> (keyword, the first language that uses it)."""
    table = {fold(word): (Keyword.HELP, "en") for word in CARRIER_HELP_WORDS}
    for language in SUPPORTED_LANGUAGES:
        for keyword, text in WORDS.items():
            for word in text(language).split(","):
                if folded := fold(word):
                    table.setdefault(folded, (keyword, language))
    return table


def find_keyword(body: str) -> tuple[Keyword, str] | None:
    """The keyword a whole message is, and the language it belongs to."""
    return keyword_table().get(fold(body))
