"""The console's forms; each carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

MAX_REPLY_CHARS = 1_600  # Twilio's limit for one SMS, split or not


class PasswordForm(FlaskForm):
    username = StringField(
        "Username", validators=[DataRequired(), Length(max=64)], id="username"
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=1_000)], id="password"
    )


class CodeForm(FlaskForm):
    code = StringField(
        "6-digit code from your authenticator app",
        validators=[DataRequired(), Regexp(r"^\s*\d{3}\s?\d{3}\s*$")],
        id="code",
    )


class ActionForm(FlaskForm):
    """A button with nothing but its token: claim, close, return to the bot,
    log out."""


class ReplyForm(FlaskForm):
    text = TextAreaField(
        "Your reply",
        validators=[DataRequired(), Length(max=MAX_REPLY_CHARS)],
        id="reply-text",
    )


class CannedForm(FlaskForm):
    context = SelectField("Ready-made reply", id="canned")


class NoteForm(FlaskForm):
    text = TextAreaField(
        "Internal note (the person never sees it)",
        validators=[DataRequired(), Length(max=4_000)],
        id="note-text",
    )


class TransferForm(FlaskForm):
    operator_id = SelectField("Transfer to", coerce=int, id="transfer-to")
