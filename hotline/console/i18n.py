"""The console in its operator's language: every label, button and message
comes from the catalogs (``locales/``, context ``console``), like every other
text a person reads.

The console speaks the logged-in operator's first language when the line has a
catalog for it; before login, the browser's best match among the line's
languages; else English. A text not yet translated shows its English source.
"""

from __future__ import annotations

from collections.abc import Callable

from babel.support import LazyProxy
from flask import Flask, g, has_request_context, request

from bot.catalogs import translate, translations_for
from bot.languages import SUPPORTED_LANGUAGES
from hotline.console.dashboard import channel_label, topic_label
from hotline.texts import Text

CONTEXT = "console"
DEFAULT_LANGUAGE = "en"


# The words shown for a conversation's state, a reply's status and a priority.
VALUE_LABELS = {
    "bot": Text("console", "with the bot"),
    "waiting": Text("console", "waiting"),
    "with_operator": Text("console", "with an operator"),
    "closed": Text("console", "closed"),
    "queued": Text("console", "queued"),
    "sent": Text("console", "sent"),
    "failed": Text("console", "failed"),
    "awaiting_safe": Text("console", "held until the person says it is safe to write"),
    "cancelled": Text("console", "not sent: the person wrote the safe word"),
    "urgent": Text("console", "urgent"),
    "high": Text("console", "high"),
    "normal": Text("console", "normal"),
}


# Why a conversation is in front of people: the bot's signals and the
# hotline's own reasons (hotline.handoff).
REASON_LABELS = {
    "request_human": Text("console", "asked for a person"),
    "request": Text("console", "asked for a person"),
    "interpreter": Text("console", "asked for a person (interpreter)"),
    "emergency": Text("console", "emergency"),
    "danger": Text("console", "danger in the message"),
    "possible_danger": Text(
        "console", "possible danger in the message (the bot is still answering)"
    ),
    "self_assessment": Text("console", "worrying self-assessment"),
    "bot_unavailable": Text("console", "the bot could not answer"),
    "flood": Text("console", "many messages at once"),
    "after_opt_out": Text("console", "wrote after STOP"),
    "voice_no_input": Text("console", "caller not understood"),
    "voice_message": Text("console", "voice message"),
}


def console_language() -> str:
    if not has_request_context():
        return DEFAULT_LANGUAGE
    operator = g.get("operator")
    if operator is not None:
        first = next(iter(operator.language_codes), None)
        return first if first in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
    return request.accept_languages.best_match(
        SUPPORTED_LANGUAGES, default=DEFAULT_LANGUAGE
    )


def say(text: Text, **values: object) -> str:
    """A console text in the console's language (flash messages, labels)."""
    return text(console_language(), **values)


def lazy(text: Text) -> LazyProxy:
    """A label made at import time (a form field's), rendered when shown."""
    return LazyProxy(say, text, enable_cache=False)


def label(value: str | None) -> str:
    """A state, status or priority in words; an unknown value as it is."""
    text = VALUE_LABELS.get(value or "")
    return say(text) if text else value or ""


def reason(value: str | None) -> str:
    """Why a conversation reached people, in words; an unknown one as it is."""
    text = REASON_LABELS.get(value or "")
    return say(text) if text else value or ""


def topic(value: str | None) -> str:
    """What a person asked about, in the words the dashboard uses for it."""
    return _in_words(topic_label, value)


def channel(value: str | None) -> str:
    """SMS, WhatsApp, calls or web chat, as the dashboard names them."""
    return _in_words(channel_label, value)


def _in_words(labelled: Callable[[str], Text | str], value: str | None) -> str:
    if not value:
        return ""
    named = labelled(value)
    return say(named) if isinstance(named, Text) else named


def gettext(source: str) -> str:
    return translate(CONTEXT, source, console_language())


def ngettext(singular: str, plural: str, count: int) -> str:
    catalog = translations_for(console_language())
    return catalog.npgettext(CONTEXT, singular, plural, count)


def init_app(app: Flask) -> None:
    """Templates' ``_()`` and ``{% trans %}`` look up the console's context;
    ``hotline.console.extract`` gives extracted texts that same context."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True
    )
    app.jinja_env.globals["console_language"] = console_language
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["reason"] = reason
    app.jinja_env.filters["topic"] = topic
    app.jinja_env.filters["channel"] = channel
