"""Every text the hotline itself says, as catalog entries (``locales/``).

Bot answers come from Rasa's NLG; these are the hotline's own: keyword replies,
the answer when the bot cannot be reached, the voice menu, web chat errors.
``Text(context, source)`` marks a source text for ``pybabel extract`` (keyword
``Text:1c,2``) and renders it in a language through the same catalogs and
fall-back chains as the bot.
"""

from __future__ import annotations

import unicodedata

from bot.catalogs import Text

__all__ = ["Text", "fold"]


def fold(text: str) -> str:
    """A word as people write or say it, for matching: no case, no accents,
    no punctuation ("Arrêt!" and "arret" are one word)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in letters if c.isalnum() or c == " ").strip()


# Discreet: whoever else reads the phone sees an information line, nothing more.
SMS_HELP = Text(
    "hotline_sms_help",
    "Aliada: information line. Write your question in your own words. In "
    "danger, call %(emergency)s. Hotline: %(hotline)s. To stop messages, write STOP.",
)
SMS_STOPPED = Text(
    "hotline_sms_stopped",
    "You will get no more messages from this number. To start again, write START.",
)
SMS_STARTED = Text(
    "hotline_sms_started",
    "Welcome back to Aliada. Write your question in your own words.",
)
BOT_UNAVAILABLE = Text(
    "hotline_bot_unavailable",
    "We got your message and a person will read it. We cannot answer right now. "
    "In danger, call %(emergency)s. Hotline: %(hotline)s.",
)
RATE_LIMITED = Text(
    "hotline_rate_limited",
    "We are getting many messages from you at once. We keep all of them; please "
    "wait a moment before writing again.",
)
EMPTY_MESSAGE = Text(
    "hotline_empty_message",
    "Your message arrived empty. Write your question in words, or write HELP.",
)
DANGER_ANSWER = Text(
    "hotline_danger",
    "If you are in danger now, call %(emergency)s. A person from our team will "
    "read your message as soon as they can. Hotline: %(hotline)s.",
)
IN_LINE = Text(
    "hotline_in_line",
    "A person from our team will answer you here. You are number %(position)s in "
    "line. If you are in danger, call %(emergency)s.",
)
BACK_TO_BOT = Text(
    "hotline_back_to_bot",
    "You are writing with Aliada's automatic assistant again. Ask your question, "
    "or write: person.",
)
TEAM_AWAY = Text(
    "hotline_team_away",
    "Our team is back on %(when)s. Leave your message here: the first person on "
    "duty will read it. In danger, call %(emergency)s (day and night). Hotline: "
    "%(hotline)s.",
)
TEAM_AWAY_NO_TIME = Text(
    "hotline_team_away_no_time",
    "Our team is not answering right now. Leave your message here: the first "
    "person on duty will read it. In danger, call %(emergency)s (day and night). "
    "Hotline: %(hotline)s.",
)
# Before an operator writes after a pause: the person says whether it is safe,
# and learns a word that stops every message at once. Nothing in it tells a
# reader of the phone what the line is about.
SAFETY_CHECK = Text(
    "hotline_safety_check",
    "Hello, it is Aliada. Can we write to you now? Reply YES and we will go on. "
    "At any time, to stop all our messages at once, write: %(safe_word)s",
)
# The safe word itself, in the person's language: it reads like a message sent
# to the wrong number.
SAFE_WORD = Text("hotline_safe_word", "wrong number")

# After the bot's answer, the first time it did not understand someone: may the
# line keep that message, masked, to teach the bot (hotline.review.consent)?
# Neutral for whoever else reads the phone; the person may simply go on.
REVIEW_QUESTION = Text(
    "hotline_review_question",
    "May we keep that message, and others our automatic assistant does not "
    "understand, without numbers, names or places, to teach it? Reply YES or NO, "
    "or just go on writing.",
)
REVIEW_KEPT = Text(
    "hotline_review_kept",
    "Thank you. Write your question in other words, or write: person.",
)
REVIEW_NOT_KEPT = Text(
    "hotline_review_not_kept",
    "All right, we do not keep it. Write your question in other words, or write: "
    "person.",
)
