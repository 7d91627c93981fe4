"""Rasa's readiness probe: exit 0 only when Rasa answers ``/status`` with its
model loaded.

Rasa answers ``GET /`` as soon as it listens, even when its model failed to
load (it then answers every message with ``[]``); ``/status`` answers 409
until a model is loaded, and takes only a JWT signed with ``RASA_JWT_SECRET``
(``bot.rasa_server`` locks the API with it). The Docker HEALTHCHECK of the bot
image and the readiness probe in ``deploy/helm/rasa-values.yaml`` run this.

Standard library and PyJWT (a dependency of Rasa) only: it runs in the bot
image every few seconds.
"""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request

import jwt

# Where Rasa listens inside its own container or pod (the bot image's CMD).
STATUS_URL = "http://127.0.0.1:5005/status"


def token(secret: str) -> str:
    """A one-minute admin token, as the hotline signs them (hotline.bot_client)."""
    issued = int(time.time())
    payload = {
        "user": {"username": "aliada-probe", "role": "admin"},
        "iat": issued,
        "exp": issued + 60,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def model_loaded() -> bool:
    request = urllib.request.Request(
        STATUS_URL,
        headers={"Authorization": f"Bearer {token(os.environ['RASA_JWT_SECRET'])}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=3) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


if __name__ == "__main__":
    sys.exit(0 if model_loaded() else 1)
