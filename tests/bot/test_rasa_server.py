"""How the line starts Rasa (bot.rasa_server): never with its HTTP API open,
never with the secret on the command line or in a URL, on loopback unless told."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.rasa_server import Refused, arguments
from bot.stack import ROOT


def test_without_a_secret_rasa_does_not_start() -> None:
    with pytest.raises(Refused, match="RASA_JWT_SECRET is not set"):
        arguments(["--model", "models/aliada.tar.gz"], "")


def test_the_api_is_locked_with_the_secret_and_listens_on_loopback() -> None:
    argv = arguments(["--port", "5005"], "the-secret")
    assert argv[:2] == ["run", "--enable-api"]
    assert argv[-4:] == ["--jwt-secret", "the-secret", "--jwt-method", "HS256"]
    assert argv[argv.index("--interface") + 1] == "127.0.0.1"


def test_an_interface_given_wins_but_not_another_secret() -> None:
    """Operations may bind a container's interface; the secret is always the
    environment's (argparse keeps the last of each option)."""
    argv = arguments(
        ["--interface", "0.0.0.0", "--jwt-secret", "typed-in"], "from-environment"
    )
    interfaces = [argv[i + 1] for i, a in enumerate(argv) if a == "--interface"]
    secrets = [argv[i + 1] for i, a in enumerate(argv) if a == "--jwt-secret"]
    assert interfaces[-1] == "0.0.0.0" and secrets[-1] == "from-environment"


@pytest.mark.parametrize(
    "option", [["--auth-token", "x"], ["-t", "x"], ["--auth", "x"]]
)
def test_a_query_string_token_is_refused(option: list[str]) -> None:
    """Rasa reads --auth-token only from ?token=, which access logs keep."""
    finished = subprocess.run(
        [sys.executable, "-m", "bot.rasa_server", *option],
        env={**os.environ, "RASA_JWT_SECRET": "s" * 32, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode != 0
    assert "--auth-token is refused" in finished.stderr


def test_a_dead_replicas_hold_on_a_conversation_ends_within_the_bot_timeout() -> None:
    """Rasa's lock store keeps a conversation locked by a replica that died
    for TICKET_LOCK_LIFETIME (60 s by Rasa's default): the line starts Rasa
    with 4 s, so the message retried on another replica is answered within
    the hotline's 8 s (BOT_TIMEOUT_SECONDS)."""
    environment = {
        key: value for key, value in os.environ.items() if key != "TICKET_LOCK_LIFETIME"
    }
    started_as_the_line_starts_it = (
        "import sys\n"
        "import bot.rasa_server\n"
        "sys.argv = ['bot.rasa_server', '--auth-token', 'stops-before-serving']\n"
        "try:\n"
        "    bot.rasa_server.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "from rasa.core.lock_store import LOCK_LIFETIME\n"
        "print(LOCK_LIFETIME)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", started_as_the_line_starts_it],
        env={**environment, "RASA_JWT_SECRET": "s" * 32, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.stdout.split()[-1] == "4", finished.stderr[-2000:]
