"""Rasa's server as the line runs it: ``rasa run --enable-api`` with every route
of its HTTP API (model, trackers, domain, status) locked by a JWT signed with
``RASA_JWT_SECRET`` (HS256), listening on 127.0.0.1 unless told otherwise.

``python -m bot.rasa_server [options of rasa run]``. A wrapper rather than the
``rasa`` command because Rasa 3.6 takes its secret only on the command line,
where ``ps`` shows it to every user of the machine: here it is added inside
the process. Rasa's other lock, ``--auth-token``, is refused: Rasa reads that
token only from a ``?token=`` query string, which access logs keep.

It also prepares Rasa for speed (``prepare_rasa``): the action server's
answers are checked with a schema validator built once
(``bot.action_answer_check``).

What this does not lock: Rasa's channels. The REST channel
(``/webhooks/rest/webhook``, which the hotline talks to) answers anyone who
reaches the port, so the port must stay on loopback or a private network.
"""

from __future__ import annotations

import os
import sys

# Rasa's own default is every interface (0.0.0.0).
DEFAULT_INTERFACE = "127.0.0.1"
# How long a replica's hold on a conversation (its ticket in the Redis lock
# store, bot/endpoints.production.yml) lasts unless it lets go. Rasa's default,
# 60 s, is how long a replica that died mid-message keeps the conversation
# locked: the message retried on another replica would wait past the hotline's
# BOT_TIMEOUT_SECONDS (8), and so would the person's next messages. The retry
# is answered about this long after the first try began, plus up to 1 s (Rasa
# looks at the lock once a second) plus its own turn: 4 + 1 + ~2 (a turn on
# a saturated replica) fits in 8, 5 did not (tests/hotline/test_replicas.py).
# A live turn holds its ticket from start to answer: ~0.1 s, up to ~2.5 s on a
# saturated machine, under 4. TICKET_LOCK_LIFETIME in the environment wins.
TICKET_LOCK_LIFETIME_SECONDS = "4"


class Refused(SystemExit):
    """Rasa would start with its API open; the message says what to set."""


def arguments(options: list[str], secret: str) -> list[str]:
    """``rasa`` arguments for ``options``: the interface given in them wins over
    loopback; the JWT secret always comes from ``secret``."""
    if not secret:
        raise Refused(
            "RASA_JWT_SECRET is not set: Rasa's HTTP API (models, trackers) would "
            "answer anyone. Set the same long random value for Rasa and the hotline."
        )
    return [
        "run", "--enable-api", "--interface", DEFAULT_INTERFACE, *options,
        "--jwt-secret", secret, "--jwt-method", "HS256",
    ]  # fmt: skip


def prepare_rasa() -> None:
    """What the line changes in Rasa's process before it serves (also called
    by ``tools.profile_turn`` for its in-process agent)."""
    from bot import action_answer_check

    action_answer_check.install()


def main() -> None:
    # Read once, when rasa.core.lock_store is imported: set before any import.
    os.environ.setdefault("TICKET_LOCK_LIFETIME", TICKET_LOCK_LIFETIME_SECONDS)
    from rasa.__main__ import create_argument_parser
    from rasa.__main__ import main as rasa_main

    argv = arguments(sys.argv[1:], os.environ.get("RASA_JWT_SECRET", ""))
    if create_argument_parser().parse_args(argv).auth_token:
        raise Refused(
            "--auth-token is refused: Rasa reads it only from a query string, "
            "which access logs keep. The API is locked by RASA_JWT_SECRET."
        )
    prepare_rasa()
    sys.argv = ["rasa", *argv]
    rasa_main()


if __name__ == "__main__":
    main()
