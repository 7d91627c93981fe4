"""The console's forms; each carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from hotline.console.i18n import lazy
from hotline.conversations import clean_text
from hotline.ids import row_id
from hotline.models import ReportConsent
from hotline.reports import MAX_SUMMARY_CHARS
from hotline.texts import Text

MAX_REPLY_CHARS = 1_600  # Twilio's limit for one SMS, split or not

USERNAME = Text("console", "Username")
PASSWORD = Text("console", "Password")
CODE = Text("console", "6-digit code from your authenticator app")
REPLY = Text("console", "Your reply")
CANNED = Text("console", "Ready-made reply")
NOTE = Text("console", "Internal note (the person never sees it)")
TRANSFER_TO = Text("console", "Transfer to")
CURRENT_PASSWORD = Text("console", "Your current password")
NEW_PIN = Text("console", "New phone PIN (6 to 10 digits)")
PIN_AGAIN = Text("console", "The new PIN again")
REASON = Text("console", "Why do you need to read this conversation?")
EXAMPLE_TEXT = Text("console", "Example text (edit it if you wish)")
EXAMPLE_INTENT = Text("console", "What the person meant (intent)")
REPORT_CONSENT = Text("console", "How the person lets the report be used")
REPORT_SUMMARY = Text(
    "console", "What was reported, in short (only a shared report leaves the line)"
)
MIN_REASON_CHARS, MAX_REASON_CHARS = 10, 200  # 200: the audit entry's detail
SINCE = Text("console", "From")
UNTIL = Text("console", "To")

# Control characters but tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_controls(value: object) -> object:
    """Nobody types control characters in a browser, and PostgreSQL refuses
    NUL in text outright (a reply with one was a 500, and lost)."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


class ConsoleForm(FlaskForm):
    """Every text typed into the console is stored or looked up: control
    characters go from each (not from a password, which is only hashed)."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict) -> Any:
            kind = unbound_field.field_class
            if issubclass(kind, StringField) and not issubclass(kind, PasswordField):
                filters = [*unbound_field.kwargs.get("filters", ()), _without_controls]
                options = {**options, "filters": filters}
            return unbound_field.bind(form=form, **options)


class PasswordForm(ConsoleForm):
    username = StringField(
        lazy(USERNAME), validators=[DataRequired(), Length(max=64)], id="username"
    )
    password = PasswordField(
        lazy(PASSWORD), validators=[DataRequired(), Length(max=1_000)], id="password"
    )


class CodeForm(ConsoleForm):
    code = StringField(
        lazy(CODE),
        validators=[DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$")],
        id="code",
    )


class ActionForm(ConsoleForm):
    """A button with nothing but its token: claim, close, return to the bot,
    log out."""


class ReplyForm(ConsoleForm):
    text = TextAreaField(
        lazy(REPLY),
        validators=[DataRequired(), Length(max=MAX_REPLY_CHARS)],
        id="reply-text",
    )


class CannedForm(ConsoleForm):
    context = SelectField(lazy(CANNED), id="canned")


class NoteForm(ConsoleForm):
    text = TextAreaField(
        lazy(NOTE),
        validators=[DataRequired(), Length(max=4_000)],
        id="note-text",
    )


class TransferForm(ConsoleForm):
    operator_id = SelectField(lazy(TRANSFER_TO), coerce=row_id, id="transfer-to")


class PhonePinForm(ConsoleForm):
    """Setting one's phone PIN takes the password too: a console left open
    is not enough to choose the PIN of its operator."""

    password = PasswordField(
        lazy(CURRENT_PASSWORD),
        validators=[DataRequired(), Length(max=1_000)],
        id="current-password",
    )
    pin = PasswordField(
        lazy(NEW_PIN), validators=[DataRequired(), Length(max=32)], id="new-pin"
    )
    pin_again = PasswordField(
        lazy(PIN_AGAIN), validators=[DataRequired(), Length(max=32)], id="pin-again"
    )


def _printable(value: str | None) -> str | None:
    """No control or direction-changing characters in the audit log (nor a
    NUL, which PostgreSQL refuses), and no surrounding spaces."""
    return clean_text(value) if isinstance(value, str) else value


class ReasonForm(ConsoleForm):
    """A supervisor's reason to read a conversation that never reached people."""

    reason = TextAreaField(
        lazy(REASON),
        filters=[_printable],
        validators=[
            DataRequired(),
            Length(min=MIN_REASON_CHARS, max=MAX_REASON_CHARS),
        ],
        id="reason-text",
    )


class ExampleForm(ConsoleForm):
    """A review item made an NLU example: the intent meant and the text."""

    intent = SelectField(lazy(EXAMPLE_INTENT), validators=[DataRequired()])
    text = TextAreaField(
        lazy(EXAMPLE_TEXT),
        filters=[_printable],
        validators=[DataRequired(), Length(max=1_000)],
    )


class ReportForm(ConsoleForm):
    """A report the person made by phone or chat, and the use they chose; or a
    change of that use when the person asks."""

    consent = SelectField(
        lazy(REPORT_CONSENT),
        choices=[(consent.value, consent.value) for consent in ReportConsent],
        validators=[DataRequired()],
        id="report-consent",
    )
    summary = TextAreaField(
        lazy(REPORT_SUMMARY),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[Length(max=MAX_SUMMARY_CHARS)],
        id="report-summary",
    )


class PeriodForm(FlaskForm):
    """The dashboard's period, in the address (GET): it only chooses what to
    read, so it carries no CSRF token. An empty field takes the default."""

    class Meta:
        csrf = False

    since = DateField(lazy(SINCE), validators=[Optional()], id="since")
    until = DateField(lazy(UNTIL), validators=[Optional()], id="until")
