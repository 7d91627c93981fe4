"""The hotline's settings, read once from the environment (see `.env.example`).

Everything a deployment changes lives here, with a safe default for a laptop:
SQLite next to the repository, Rasa on 127.0.0.1:5005, no Twilio token (so the
Twilio routes refuse to work until one is set).
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from hotline import limits

ROOT = Path(__file__).resolve().parent.parent
# A number that rings nowhere (555-01xx is reserved for fiction): fine on a
# laptop, never for a person who needs the line.
DEVELOPMENT_HOTLINE_NUMBER = "+1 555 0100"


class ConfigurationError(RuntimeError):
    """The line would start with a setting that fails the people it serves."""


def is_development(settings: dict[str, Any]) -> bool:
    return settings.get("ALIADA_ENV") == "development" or bool(settings.get("TESTING"))


def check(settings: dict[str, Any]) -> None:
    """Refuse to start outside development without a real hotline number: the
    line gives it to every person it cannot answer."""
    if is_development(settings):
        return
    number = "".join(c for c in settings.get("HOTLINE_NUMBER", "") if c.isdigit())
    if not number or re.search(r"55501\d\d$", number):
        raise ConfigurationError(
            "HOTLINE_NUMBER must be the line's real number (ALIADA_ENV is not "
            "'development'); the line tells it to people it cannot answer."
        )


# How long a request may wait for another transaction's lock before it fails
# (and the person's message is kept by the retry or fallback path) rather than
# hold its worker: SQLite's busy timeout, PostgreSQL's lock_timeout.
DATABASE_LOCK_TIMEOUT_SECONDS = 5


def with_bounded_lock_waits(uri: str, options: dict[str, Any]) -> dict[str, Any]:
    """The engine options with a bound on lock waits, unless they set their
    own ``connect_args``. PostgreSQL waits for a row lock forever by default."""
    if "connect_args" in options:
        return options
    if uri.startswith("sqlite"):
        connect_args: dict[str, Any] = {"timeout": DATABASE_LOCK_TIMEOUT_SECONDS}
    elif uri.startswith("postgresql"):
        milliseconds = DATABASE_LOCK_TIMEOUT_SECONDS * 1000
        connect_args = {"options": f"-c lock_timeout={milliseconds}"}
    else:
        return options
    return {**options, "connect_args": connect_args}


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def from_environment() -> dict[str, Any]:
    """Flask config keys from ``ALIADA_*``/``TWILIO_*``/... environment variables."""
    environment = os.environ.get("ALIADA_ENV", "production")
    return {
        # "development" (make run, tests) allows the fictional hotline number.
        "ALIADA_ENV": environment,
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{ROOT / '.hotline' / 'hotline.db'}"
        ),
        # Database errors must not carry message text into the logs.
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        # Keys the conversation hashes. Unset, each process draws its own and
        # conversations split between workers and restarts: production sets it
        # (`make run` keeps a development one in .hotline/).
        "CONVERSATION_KEY_SECRET": os.environ.get("CONVERSATION_KEY_SECRET")
        or secrets.token_hex(32),
        "TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN", ""),
        # Operators' replies by SMS and WhatsApp go out through Twilio's REST
        # API with this account and these numbers (E.164, without "whatsapp:").
        "TWILIO_ACCOUNT_SID": os.environ.get("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_PHONE_NUMBER": os.environ.get("TWILIO_PHONE_NUMBER", ""),
        "TWILIO_WHATSAPP_NUMBER": os.environ.get("TWILIO_WHATSAPP_NUMBER", ""),
        "TWILIO_API_URL": os.environ.get("TWILIO_API_URL", "https://api.twilio.com"),
        "TWILIO_API_TIMEOUT_SECONDS": _float("TWILIO_API_TIMEOUT_SECONDS", 10.0),
        # The hotline's public address (https://line.example.org): Twilio posts
        # delivery reports to PUBLIC_URL/twilio/sms/status. Unset: no reports.
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        # Fernet key for the numbers kept during a hand-off (hotline.contact);
        # unset, one is derived from CONVERSATION_KEY_SECRET.
        "CONTACT_ENCRYPTION_KEY": os.environ.get("CONTACT_ENCRYPTION_KEY", ""),
        "RASA_URL": os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        "RASA_TOKEN": os.environ.get("RASA_TOKEN", ""),
        # Rasa's tracker store, where the hotline deletes what Rasa kept of a
        # conversation (hotline.rasa_trackers); `make run` sets it.
        "TRACKER_STORE_URL": os.environ.get("TRACKER_STORE_URL", ""),
        # Twilio gives up after 15 s; the bot gets this long, the rest is ours.
        "BOT_TIMEOUT_SECONDS": _float("BOT_TIMEOUT_SECONDS", 8.0),
        "HOTLINE_NUMBER": os.environ.get("HOTLINE_NUMBER")
        or (DEVELOPMENT_HOTLINE_NUMBER if environment == "development" else ""),
        "ON_CALL_NUMBER": os.environ.get("ON_CALL_NUMBER", ""),
        "WEBCHAT_ALLOWED_ORIGINS": _list("WEBCHAT_ALLOWED_ORIGINS"),
        "RATE_LIMIT_PER_MINUTE": _int("RATE_LIMIT_PER_MINUTE", 12),
        # A web chat session unused this long (since the conversation's last
        # message, or since it was issued) is refused; the widget starts anew.
        "WEBCHAT_SESSION_IDLE_MINUTES": _int("WEBCHAT_SESSION_IDLE_MINUTES", 120),
        # Per-client and global request limits (hotline.limits).
        **limits.from_environment(),
        "RETENTION_DAYS": _int("RETENTION_DAYS", 30),
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "AUDIO_DIR": os.environ.get("AUDIO_DIR", str(ROOT / ".hotline" / "audio")),
        "OPENING_HOURS_FILE": os.environ.get(
            "OPENING_HOURS_FILE", str(ROOT / "hotline" / "hours.yml")
        ),
        "MAX_CONTENT_LENGTH": _int("MAX_REQUEST_BYTES", 32 * 1024),
        # Signs the console's session cookie and CSRF tokens. Unset, each process
        # draws its own: operators are logged out on restart and sessions split
        # between workers, so production sets it.
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Strict",
        # Browsers accept Secure cookies on http://localhost; set
        # SESSION_COOKIE_SECURE=0 only for plain http on another host name.
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "1") != "0",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=8),
        # An operator's console with no request for this long asks to log in again.
        "CONSOLE_IDLE_MINUTES": _int("CONSOLE_IDLE_MINUTES", 30),
        # A form's CSRF token lives as long as the session that holds it (the
        # idle and 8-hour limits above), not Flask-WTF's separate hour.
        "WTF_CSRF_TIME_LIMIT": None,
    }
