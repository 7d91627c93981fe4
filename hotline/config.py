"""The hotline's settings, read once from the environment (see `.env.example`).

Everything a deployment changes lives here, with a safe default for a laptop:
SQLite next to the repository, Rasa on 127.0.0.1:5005, no Twilio token (so the
Twilio routes refuse to work until one is set). Secrets have no default: outside
development the hotline refuses to start without them (``check``); in
development they come from ``.hotline/`` (``fill_development_secrets``).
"""

from __future__ import annotations

import logging
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from bot import dev_secrets
from hotline import limits
from hotline.figures import suppression

ROOT = Path(__file__).resolve().parent.parent
# A number that rings nowhere (555-01xx is reserved for fiction): fine on a
# laptop, never for a person who needs the line.
DEVELOPMENT_HOTLINE_NUMBER = "+1 555 0100"


class ConfigurationError(RuntimeError):
    """The line would start with a setting that fails the people it serves."""


def is_development(settings: dict[str, Any]) -> bool:
    return settings.get("ALIADA_ENV") == "development" or bool(settings.get("TESTING"))


# What each secret protects, said when a production line starts without it.
# Each process drawing its own would split conversations between workers, log
# operators out and leave numbers unreadable after a restart: no default.
REQUIRED_SECRETS = {
    "CONVERSATION_KEY_SECRET": "keys the hashes that stand for phone numbers",
    "SECRET_KEY": "signs the console's sessions and CSRF tokens",
    "RASA_JWT_SECRET": "locks Rasa's HTTP API, the same value Rasa is started "
    "with; replaces RASA_TOKEN",
    "CONTACT_ENCRYPTION_KEYS": "encrypts numbers during a hand-off and TOTP secrets",
}
# Shorter than this is a password someone chose, not a random secret.
MIN_SECRET_LENGTH = 32
GENERATE = {
    "CONTACT_ENCRYPTION_KEYS": "python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())'",
}
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
# Kept in .hotline/ in development. Not the Twilio token: a line with none
# refuses Twilio's requests, as it should until a real number is connected.
DEVELOPMENT_SECRETS = (
    "CONVERSATION_KEY_SECRET",
    "SECRET_KEY",
    "RASA_JWT_SECRET",
    "METRICS_TOKEN",
)


def check(settings: dict[str, Any]) -> None:
    """Refuse to start with encryption keys that are not Fernet keys; and outside
    development, without every secret or a real hotline number (the line gives
    it to every person it cannot answer), naming everything missing at once."""
    _check_encryption_keys(settings.get("CONTACT_ENCRYPTION_KEYS") or [])
    _check_figures_threshold(settings.get("FIGURES_THRESHOLD"))
    if is_development(settings):
        return
    if problems := _secret_problems(settings) + _hotline_number_problems(settings):
        raise ConfigurationError(
            "ALIADA_ENV is not 'development', so the hotline will not start "
            "until these are set:\n  " + "\n  ".join(problems)
        )
    if not settings.get("TWILIO_AUTH_TOKEN"):
        # Not required: a line may serve the web chat alone. It fails closed.
        logging.getLogger("hotline").warning(
            "TWILIO_AUTH_TOKEN is not set: every /twilio/... request is refused "
            "(503) until it is"
        )


def _hotline_number_problems(settings: dict[str, Any]) -> list[str]:
    number = "".join(c for c in settings.get("HOTLINE_NUMBER", "") if c.isdigit())
    if not number or re.search(r"55501\d\d$", number):
        return [
            "HOTLINE_NUMBER must be the line's real number; the line tells it to "
            "people it cannot answer."
        ]
    return []


def _check_encryption_keys(keys: list[str]) -> None:
    """At start, not at the first hand-off while a person waits."""
    for key in keys:
        try:
            Fernet(key)
        except ValueError:
            raise ConfigurationError(
                "CONTACT_ENCRYPTION_KEYS holds a value that is not a Fernet key "
                "(32 url-safe base64-encoded bytes); make one with: "
                f"{GENERATE['CONTACT_ENCRYPTION_KEYS']}"
            ) from None


def _check_figures_threshold(threshold: int | None) -> None:
    """At start, not when a ministry asks for the figures."""
    if threshold is not None:
        try:
            suppression.check_threshold(threshold)
        except ValueError as error:
            raise ConfigurationError(f"FIGURES_THRESHOLD: {error}") from None


def _secret_problems(settings: dict[str, Any]) -> list[str]:
    """What is wrong with each required secret, and how to make a good one."""
    problems = []
    for name, why in REQUIRED_SECRETS.items():
        value = settings.get(name)
        generate = GENERATE.get(name, GENERATE_SECRET)
        if not value:
            problems.append(f"{name} ({why}); make one with: {generate}")
        elif isinstance(value, str) and len(value) < MIN_SECRET_LENGTH:
            problems.append(
                f"{name} is shorter than {MIN_SECRET_LENGTH} characters; "
                f"make one with: {generate}"
            )
    return problems


def fill_development_secrets(settings: dict[str, Any]) -> None:
    """In development, each secret not given comes from ``.hotline/``, shared
    with ``make run``, the test stacks and every ``flask`` command (an account
    made from the command line can log in to the line ``make run`` serves).
    The encryption key is derived from CONVERSATION_KEY_SECRET instead
    (``hotline.sealing``)."""
    if not is_development(settings):
        return
    for name in DEVELOPMENT_SECRETS:
        if not settings.get(name):
            settings[name] = dev_secrets.development_secret(name)


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
        # A pooled connection the database dropped (a restart, a failover, a
        # cut idle connection) is replaced before use instead of failing a
        # person's request with a 500: one round trip per checkout.
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True, "pool_pre_ping": True},
        # Keys the conversation hashes; required outside development.
        "CONVERSATION_KEY_SECRET": os.environ.get("CONVERSATION_KEY_SECRET", ""),
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
        # Fernet keys, newest first, for the numbers kept during a hand-off and
        # the operators' TOTP secrets (hotline.sealing): values are written
        # with the first and read with any. Required outside development.
        "CONTACT_ENCRYPTION_KEYS": _list("CONTACT_ENCRYPTION_KEYS"),
        "RASA_URL": os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        # Signs the JWT the hotline shows Rasa's HTTP API (hotline.bot_client);
        # Rasa is started with the same (bot.rasa_server).
        "RASA_JWT_SECRET": os.environ.get("RASA_JWT_SECRET", ""),
        # /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset,
        # /metrics is off (404).
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", ""),
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
        # Masked, consented messages the bot did not understand (hotline.review).
        "REVIEW_RETENTION_DAYS": _int("REVIEW_RETENTION_DAYS", 180),
        # Below this confidence an answered turn counts as unsure (above
        # config.yml's fallback threshold, 0.3: hotline.review.confusions).
        "REVIEW_LOW_CONFIDENCE": _float("REVIEW_LOW_CONFIDENCE", 0.5),
        # How long a person should wait at most for a person of the team once
        # handed off: the line the dashboard draws the waits against.
        "HANDOFF_WAIT_TARGET_SECONDS": _int("HANDOFF_WAIT_TARGET_SECONDS", 300),
        # Published figures withhold every number of people under this
        # (hotline.figures.suppression); at least 3.
        "FIGURES_THRESHOLD": _int("FIGURES_THRESHOLD", suppression.DEFAULT_THRESHOLD),
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "AUDIO_DIR": os.environ.get("AUDIO_DIR", str(ROOT / ".hotline" / "audio")),
        "OPENING_HOURS_FILE": os.environ.get(
            "OPENING_HOURS_FILE", str(ROOT / "hotline" / "hours.yml")
        ),
        "MAX_CONTENT_LENGTH": _int("MAX_REQUEST_BYTES", 32 * 1024),
        # Signs the console's session cookie and CSRF tokens, the same for every
        # worker; required outside development.
        "SECRET_KEY": os.environ.get("SECRET_KEY", ""),
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
