"""Rasa's HTTP API (models, trackers, domain) against someone who reaches its
port: the real Rasa, started as the line starts it (bot.rasa_server), refuses
every call without a JWT signed with RASA_JWT_SECRET; the bot's ports listen on
loopback only; the hotline never puts a secret in a URL."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import jwt
import pytest
import requests
from conftest import make_app

from bot.stack import Stack
from hotline.bot_client import API_TOKEN_SECONDS, BotClient, api_token

# Every kind of route of Rasa's API: reading and writing a conversation,
# replacing or unloading the model, parsing, training, the domain.
ROUTES = [
    ("GET", "/status", None),
    ("GET", "/conversations/victim/tracker", None),
    ("GET", "/conversations/victim/story", None),
    ("POST", "/conversations/victim/tracker/events", {"event": "restart"}),
    ("PUT", "/conversations/victim/tracker/events", [{"event": "restart"}]),
    ("POST", "/conversations/victim/messages", {"text": "hi", "sender": "user"}),
    ("POST", "/conversations/victim/trigger_intent", {"name": "greet"}),
    ("POST", "/conversations/victim/execute", {"name": "action_restart"}),
    ("POST", "/conversations/victim/predict", None),
    ("POST", "/model/parse", {"text": "estoy en peligro"}),
    ("PUT", "/model", {"model_file": "/tmp/someone-elses-model.tar.gz"}),
    ("DELETE", "/model", None),
    ("POST", "/model/train", None),
    ("GET", "/domain", None),
]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def attacks(secret: str) -> dict[str, dict[str, Any]]:
    """What someone without the secret may try (and one with a stolen, expired
    token): request keyword arguments by name."""
    admin = {"user": {"username": "x", "role": "admin"}}
    now = int(time.time())
    return {
        "nothing": {},
        "the secret as ?token=": {"params": {"token": secret}},
        "the secret as the bearer": {"headers": bearer(secret)},
        "a token of another secret": {
            "headers": bearer(jwt.encode(admin, "guessed-secret", algorithm="HS256"))
        },
        "an unsigned token": {
            "headers": bearer(jwt.encode(admin, "", algorithm="none"))
        },
        "an expired token": {
            "headers": bearer(api_token(secret, now=now - 10 * API_TOKEN_SECONDS))
        },
    }


@pytest.mark.parametrize("method,path,body", ROUTES)
def test_rasa_refuses_its_api_to_anyone_without_a_valid_token(
    bot_stack: Stack, method: str, path: str, body: Any
) -> None:
    base = bot_stack.config.rasa_url
    for attack, how in attacks(bot_stack.config.rasa_jwt_secret).items():
        response = requests.request(method, base + path, json=body, timeout=30, **how)
        # sanic-jwt lets PyJWT's error on an "alg: none" token through: a 500,
        # refused all the same.
        refusals = (401, 403, 500) if attack == "an unsigned token" else (401, 403)
        assert response.status_code in refusals, (attack, response.text[:200])
        assert not {"model_file", "events", "intent", "slots"} & set(
            response.json() if response.status_code != 500 else {}
        )


def test_the_api_still_works_for_the_secret_holder_after_the_attacks(
    bot_stack: Stack,
) -> None:
    """The refusals above are Rasa's lock, not a broken Rasa: with a token the
    model is still the line's and the attacked conversation is untouched."""
    base = bot_stack.config.rasa_url
    for method, path, body in ROUTES:
        requests.request(method, base + path, json=body, timeout=30)
    token = bearer(api_token(bot_stack.config.rasa_jwt_secret))
    status = requests.get(f"{base}/status", headers=token, timeout=10)
    assert status.status_code == 200
    assert Path(status.json()["model_file"]).name == bot_stack.config.model.name
    tracker = requests.get(
        f"{base}/conversations/victim/tracker", headers=token, timeout=10
    ).json()
    assert [e for e in tracker["events"] if e["event"] == "user"] == []


def test_a_token_for_a_conversation_opens_only_that_one(bot_stack: Stack) -> None:
    """Rasa's "user" role (a token naming one conversation) reads no other and
    touches no model: a leaked one is worth one conversation at most."""
    base = bot_stack.config.rasa_url
    user = jwt.encode(
        {"user": {"username": "mine", "role": "user"}},
        bot_stack.config.rasa_jwt_secret,
        algorithm="HS256",
    )
    for path in ("/conversations/victim/tracker", "/status", "/domain"):
        response = requests.get(base + path, headers=bearer(user), timeout=10)
        assert response.status_code == 403


def refused(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.fixture
def other_local_address() -> str:
    """An address of this machine other than 127.0.0.1 (Linux routes all of
    127/8 to loopback): a server on every interface answers there, one bound
    to 127.0.0.1 does not."""
    with socket.socket() as everywhere:
        everywhere.bind(("0.0.0.0", 0))
        everywhere.listen()
        if refused("127.0.0.2", everywhere.getsockname()[1]):
            pytest.skip("127.0.0.2 does not reach this machine's servers here")
    return "127.0.0.2"


def test_the_bot_listens_on_loopback_only(
    bot_stack: Stack, other_local_address: str
) -> None:
    """Rasa's REST channel takes no token at all, and the action server has no
    lock of its own: neither may be reachable from another interface."""
    for port in (bot_stack.config.rasa_port, bot_stack.config.actions_port):
        assert not refused("127.0.0.1", port)
        assert refused(other_local_address, port), port


def test_readiness_fails_when_the_hotline_has_another_secret(
    tmp_path: Path, bot_stack: Stack
) -> None:
    """A hotline whose secret differs from Rasa's is not ready (the operations
    team sees it at deploy), while the line itself would still answer."""
    app = make_app(
        tmp_path,
        RASA_URL=bot_stack.config.rasa_url,
        RASA_JWT_SECRET="not-the-secret-rasa-was-started-with",
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503 and response.json["checks"]["rasa"] is False


class Recorder(BaseHTTPRequestHandler):
    """Stands in for the far end of the hotline's requests: records the request
    line and headers as an access log would."""

    seen: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def _record(self) -> None:
        self.seen.append((self.requestline, dict(self.headers)))
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        body = json.dumps([{"recipient_id": "x", "text": "hola"}]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _record

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_hotline_puts_no_secret_in_a_url(recorder: str) -> None:
    """Access logs keep URLs: the secret, and any token made from it, travel
    only in the Authorization header, and a token lives a minute."""
    secret = "s3cret-shared-with-rasa-0123456789abcdef"
    client = BotClient(recorder, jwt_secret=secret)
    client.send("conversation", "hola", {"channel": "sms"})
    assert client.is_ready()
    lines = [line for line, _ in Recorder.seen]
    assert all("token" not in line and secret not in line for line in lines), lines
    [status_headers] = [headers for line, headers in Recorder.seen if "/status" in line]
    scheme, token = status_headers["Authorization"].split(" ", 1)
    assert scheme == "Bearer" and secret not in token
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    assert claims["user"]["role"] == "admin"
    assert claims["exp"] - claims["iat"] <= 60
