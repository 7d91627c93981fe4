"""Development secrets, kept in ``.hotline/`` so that ``make run``, its gunicorn
workers, Rasa, the test stacks and any ``flask --app hotline ...`` command on a
laptop share one value per secret across processes and restarts.

Production never reads these files: outside development the hotline refuses to
start without each secret set in its environment (``hotline.config.check``).
Standard library only: both environments use it.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

FOLDER = Path(__file__).resolve().parent.parent / ".hotline"

# The variable each development secret stands in for, and its file.
FILES = {
    "TWILIO_AUTH_TOKEN": "twilio-dev-token",
    "CONVERSATION_KEY_SECRET": "conversation-key-secret",
    "SECRET_KEY": "secret-key",
    "RASA_JWT_SECRET": "rasa-jwt-secret",
    "METRICS_TOKEN": "metrics-token",
}


def development_secret(variable: str, folder: Path = FOLDER) -> str:
    """The development value of ``variable``, drawn the first time it is asked
    for and kept (mode 600) for every later process."""
    path = folder / FILES[variable]
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # Written aside, then linked into place: a process starting at the same
        # moment reads either nothing yet (and loses the race below) or the
        # whole secret, never half a file.
        with tempfile.NamedTemporaryFile("w", dir=folder, delete=False) as draft:
            draft.write(secrets.token_hex(32))
        try:
            os.link(draft.name, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft.name)
    return path.read_text().strip()


def configured_or_development(variable: str) -> tuple[str, bool]:
    """``variable`` from the environment, else its development value (True)."""
    if value := os.environ.get(variable):
        return value, False
    return development_secret(variable), True
