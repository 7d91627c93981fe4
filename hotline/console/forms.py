"""The console's forms; each carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from hotline.console.i18n import lazy
from hotline.ids import row_id
from hotline.texts import Text

MAX_REPLY_CHARS = 1_600  # Twilio's limit for one SMS, split or not

USERNAME = Text("console", "Username")
PASSWORD = Text("console", "Password")
CODE = Text("console", "6-digit code from your authenticator app")
REPLY = Text("console", "Your reply")
CANNED = Text("console", "Ready-made reply")
NOTE = Text("console", "Internal note (the person never sees it)")
TRANSFER_TO = Text("console", "Transfer to")


class PasswordForm(FlaskForm):
    username = StringField(
        lazy(USERNAME), validators=[DataRequired(), Length(max=64)], id="username"
    )
    password = PasswordField(
        lazy(PASSWORD), validators=[DataRequired(), Length(max=1_000)], id="password"
    )


class CodeForm(FlaskForm):
    code = StringField(
        lazy(CODE),
        validators=[DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$")],
        id="code",
    )


class ActionForm(FlaskForm):
    """A button with nothing but its token: claim, close, return to the bot,
    log out."""


class ReplyForm(FlaskForm):
    text = TextAreaField(
        lazy(REPLY),
        validators=[DataRequired(), Length(max=MAX_REPLY_CHARS)],
        id="reply-text",
    )


class CannedForm(FlaskForm):
    context = SelectField(lazy(CANNED), id="canned")


class NoteForm(FlaskForm):
    text = TextAreaField(
        lazy(NOTE),
        validators=[DataRequired(), Length(max=4_000)],
        id="note-text",
    )


class TransferForm(FlaskForm):
    operator_id = SelectField(lazy(TRANSFER_TO), coerce=row_id, id="transfer-to")
