"""Secrets fail closed: outside development the hotline will not start without
each of them, and in development every process shares the same ones (kept in
``.hotline/``) instead of drawing its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

from bot.stack import ROOT
from hotline import create_app
from hotline.config import REQUIRED_SECRETS, ConfigurationError


def production(tmp_path: Path, **changes: Any) -> dict[str, Any]:
    """Settings of a production line with every secret set."""
    return {
        "ALIADA_ENV": "production",
        "TESTING": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hotline.db'}",
        "HOTLINE_NUMBER": "+52 800 553 3000",
        "TWILIO_AUTH_TOKEN": "a" * 32,
        "CONVERSATION_KEY_SECRET": "c" * 43,
        "SECRET_KEY": "s" * 43,
        "RASA_JWT_SECRET": "r" * 43,
        "CONTACT_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
        **changes,
    }


def test_a_production_line_with_every_secret_starts(tmp_path: Path) -> None:
    app = create_app(production(tmp_path))
    assert app.config["SECRET_KEY"] == "s" * 43


@pytest.mark.parametrize("name", sorted(REQUIRED_SECRETS))
@pytest.mark.parametrize("missing", ["", None])
def test_a_production_line_refuses_to_start_without_a_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, missing: str | None
) -> None:
    """Each worker would draw its own: conversations split between workers,
    operators logged out, numbers unreadable after a restart."""
    monkeypatch.delenv(name, raising=False)
    settings = production(tmp_path)
    if missing is None:
        del settings[name]  # not set at all: from the (empty) environment
    else:
        settings[name] = [] if name == "CONTACT_ENCRYPTION_KEYS" else missing
    with pytest.raises(ConfigurationError) as refused:
        create_app(settings)
    assert name in str(refused.value)
    assert "make one with" in str(refused.value)


def test_a_production_line_refuses_a_secret_someone_chose(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="SECRET_KEY is shorter than 32"):
        create_app(production(tmp_path, SECRET_KEY="changeme"))


def test_a_key_that_is_not_a_fernet_key_is_refused_at_start(tmp_path: Path) -> None:
    """Not at the first hand-off, when a person is waiting for an answer."""
    key = Fernet.generate_key().decode()
    for settings in (
        production(tmp_path, CONTACT_ENCRYPTION_KEYS=[key, "not-a-key"]),
        {**production(tmp_path, CONTACT_ENCRYPTION_KEYS=["x"]), "TESTING": True},
    ):
        with pytest.raises(ConfigurationError, match="not a Fernet key"):
            create_app(settings)


def test_no_secret_is_a_default_in_production(tmp_path: Path) -> None:
    """Even the error says nothing of a value drawn in its place."""
    settings = production(tmp_path)
    for name in REQUIRED_SECRETS:
        del settings[name]
    with pytest.raises(ConfigurationError) as refused:
        create_app(settings)
    assert all(name in str(refused.value) for name in REQUIRED_SECRETS)


KEY_OF_A_NUMBER = """
from hotline import create_app
from hotline.privacy import conversation_key
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
with app.app_context():
    print(conversation_key("sms", "+15550071"), app.config["SECRET_KEY"])
"""


def test_development_processes_share_their_secrets() -> None:
    """Two workers (or a restart) of a development line know a number as the
    same conversation and accept each other's console sessions."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in REQUIRED_SECRETS
    }
    environment.update(ALIADA_ENV="development", PYTHONPATH=str(ROOT))

    def one_process() -> str:
        return subprocess.run(
            [sys.executable, "-c", KEY_OF_A_NUMBER],
            env=environment,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    assert one_process() == one_process()
