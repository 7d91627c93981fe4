"""The hotline's settings, read once from the environment (see `.env.example`).

Everything a deployment changes lives here, with a safe default for a laptop:
SQLite next to the repository, Rasa on 127.0.0.1:5005, no Twilio token (so the
Twilio routes refuse to work until one is set).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


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
    return {
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
        "RASA_URL": os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
        "RASA_TOKEN": os.environ.get("RASA_TOKEN", ""),
        # Twilio gives up after 15 s; the bot gets this long, the rest is ours.
        "BOT_TIMEOUT_SECONDS": _float("BOT_TIMEOUT_SECONDS", 8.0),
        "HOTLINE_NUMBER": os.environ.get("HOTLINE_NUMBER", "+1 555 0100"),
        "EMERGENCY_NUMBER": os.environ.get("EMERGENCY_NUMBER", "911"),
        "ON_CALL_NUMBER": os.environ.get("ON_CALL_NUMBER", ""),
        "WEBCHAT_ALLOWED_ORIGINS": _list("WEBCHAT_ALLOWED_ORIGINS"),
        "RATE_LIMIT_PER_MINUTE": _int("RATE_LIMIT_PER_MINUTE", 12),
        "RETENTION_DAYS": _int("RETENTION_DAYS", 30),
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "AUDIO_DIR": os.environ.get("AUDIO_DIR", str(ROOT / ".hotline" / "audio")),
        "MAX_CONTENT_LENGTH": _int("MAX_REQUEST_BYTES", 32 * 1024),
    }
