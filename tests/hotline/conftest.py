"""Hotline fixtures (flaskr style): ``app``, ``client``, ``runner``, a Twilio
stand-in that signs requests exactly as Twilio does, and the real bot stack.

These tests run in the hotline environment (``make test-hotline``); the bot
stack they start runs in the bot environment, as in production.
"""

from __future__ import annotations

import os
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fake_twilio import FakeTwilio, serve
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from twilio.request_validator import RequestValidator

from actions.directory.emergency import emergency_numbers_for
from bot.stack import HOTLINE_BIN, ROOT, Stack, free_port, start_on_free_ports
from hotline import create_app, limits
from hotline.conversations import find
from hotline.extensions import db
from hotline.models import Channel
from hotline.places import country_of_caller

AUTH_TOKEN = "test-auth-token-0123456789abcdef"
HOTLINE_NUMBER = "+1 555 0100"  # make_app's (development) number
DEFAULT_SENDER = "+15005550006"  # Twilio's test number: the United States
REQUIRE_SERVICES = os.environ.get("ALIADA_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get(
    "ALIADA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MODEL = ROOT / "models" / "aliada.tar.gz"
SESSIONS = "/webchat/api/v1/sessions"
# Every request limit far above what a test sends: only the tests about limits
# meet one (they set their own).
ROOMY_LIMITS = {rule.setting: "100000/minute" for rule in limits.RULES}


def start_bot_stack(folder: Path) -> Stack:
    """The real action server and Rasa with the trained model, on free ports."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make model` first")
    return start_on_free_ports(MODEL, folder)


@pytest.fixture(scope="session")
def bot_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One bot stack shared by every test that needs the bot."""
    stack = start_bot_stack(tmp_path_factory.mktemp("bot"))
    yield stack
    stack.stop()


ALWAYS_OPEN = "timezone: UTC\nhours:\n  default:\n" + "".join(
    f'    {day}: ["00:00-24:00"]\n'
    for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


def make_app(tmp_path: Path, **overrides: Any) -> Flask:
    tmp_path.mkdir(parents=True, exist_ok=True)
    always_open = tmp_path / "hours-always-open.yml"
    always_open.write_text(ALWAYS_OPEN)
    settings: dict[str, Any] = {
        # Tests do not depend on the hour they run at; opening hours have their own.
        "OPENING_HOURS_FILE": str(always_open),
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'hotline.db'}",
        "CONVERSATION_KEY_SECRET": "test-secret",
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        # Nothing listens there: tests that need the bot ask for `app_with_bot`.
        "RASA_URL": "http://127.0.0.1:9",
        "BOT_TIMEOUT_SECONDS": 8.0,
        "HOTLINE_NUMBER": HOTLINE_NUMBER,
        "ON_CALL_NUMBER": "+15550199",
        "WEBCHAT_ALLOWED_ORIGINS": ["https://ngo.example"],
        "AUDIO_DIR": str(tmp_path / "audio"),
        **ROOMY_LIMITS,
        **overrides,
    }
    app = create_app(settings)
    with app.app_context():
        upgrade()
    return app


def everything_stored(app: Flask) -> str:
    """Every row of every table of the hotline's database: what a test of
    forgetting searches for a text or a key."""
    with app.app_context():
        return "\n".join(
            repr(tuple(row))
            for table in db.metadata.sorted_tables
            for row in db.session.execute(table.select())
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The line's database on SQLite, and on the real PostgreSQL (a database
    of its own, dropped afterwards; skipped where absent, unless required)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hotline.db'}"
        return
    from test_postgres import fresh_database  # test_postgres imports this module

    with fresh_database("aliada_line") as url:
        yield url


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The hotline with no bot behind it (the bot's port is closed)."""
    return make_app(tmp_path)


@pytest.fixture
def app_with_bot(tmp_path: Path, bot_stack: Stack) -> Flask:
    """The hotline in front of the real Rasa and action server (and able to
    delete from its tracker store, as under `make run`)."""
    return make_app(
        tmp_path,
        RASA_URL=bot_stack.config.rasa_url,
        TRACKER_STORE_URL=bot_stack.config.tracker_store_url,
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def new_session(client: FlaskClient, **headers: str) -> str:
    """A web chat session, issued by the line as the widget gets one."""
    response = client.post(SESSIONS, headers=headers)
    assert response.status_code == 201, response.data
    return response.json["session_id"]


def fall_silent(app: Flask, session_id: str, hours: float = 3) -> None:
    """As if the web chat's person had written nothing for ``hours``: every
    message of the conversation moves that far back in time."""
    with app.app_context():
        conversation = find(Channel.WEBCHAT, session_id)
        assert conversation is not None, "the session has no conversation yet"
        earlier = timedelta(hours=hours)
        conversation.last_message_at -= earlier
        for message in conversation.messages:
            message.created_at -= earlier
        db.session.commit()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class Twilio:
    """Calls the hotline the way Twilio does: form-encoded, signed with the
    account's auth token over the full URL and the sorted parameters."""

    def __init__(self, client: FlaskClient, token: str = AUTH_TOKEN) -> None:
        self.client = client
        self.validator = RequestValidator(token)
        self.base = "http://localhost"

    def post(self, path: str, params: dict[str, str], sign: bool = True, **kwargs: Any):
        headers = kwargs.pop("headers", {})
        if sign:
            headers["X-Twilio-Signature"] = self.validator.compute_signature(
                f"{self.base}{path}", params
            )
        return self.client.post(path, data=params, headers=headers, **kwargs)

    def sms(
        self,
        body: str,
        sender: str = DEFAULT_SENDER,
        sid: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: str,
    ):
        params = {
            "MessageSid": sid or f"SM{uuid.uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "MessagingServiceSid": "MG" + "0" * 32,
            "From": sender,
            "To": "+15550100",
            "Body": body,
            "NumMedia": "0",
            "NumSegments": "1",
            "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
            "FromCountry": "US",
            **extra,
        }
        return self.post("/twilio/sms", params, headers=dict(headers or {}))

    def call(self, path: str = "/twilio/voice", call_sid: str = "", **params: str):
        form = {
            "CallSid": call_sid or f"CA{uuid.uuid4().hex}",
            "AccountSid": "AC" + "0" * 32,
            "From": DEFAULT_SENDER,
            "To": "+15550100",
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            **params,
        }
        return self.post(path, form)


@pytest.fixture
def twilio(client: FlaskClient) -> Twilio:
    return Twilio(client)


def numbers_for(
    language: str, address: str | None = DEFAULT_SENDER, channel: str = "sms"
) -> dict[str, str]:
    """The numbers the line gives this person, as its texts fill them in: the
    emergency number of their phone number's country (named), or of every
    country we cover when it tells nothing (web chat, WhatsApp, +1 555)."""
    country = country_of_caller(channel, address) if address else None
    return {
        "emergency": emergency_numbers_for(country, language),
        "hotline": HOTLINE_NUMBER,
    }


def twiml(response: Any) -> ET.Element:
    """The TwiML document of a response, parsed (never string-matched)."""
    assert response.mimetype in ("application/xml", "text/xml"), response.data[:200]
    return ET.fromstring(response.data)


def message_bodies(response: Any) -> list[str]:
    return [(m.text or "") for m in twiml(response).iter("Message")]


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    """Twilio's REST API on a local port (the only Twilio part we replace)."""
    fake = FakeTwilio()
    server = serve(fake)
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()


@contextmanager
def hotline_on_gunicorn(bot_stack: Stack, tmp_path: Path, **env: str) -> Iterator[str]:
    """The hotline as ``make run`` serves it (gunicorn, two workers, started by
    the same ``bot.stack`` code) on a free port, with its own SQLite database
    (``tmp_path/hotline.db``) and the settings ``env`` adds; its base URL."""
    config = replace(
        bot_stack.config,
        hotline_bin=HOTLINE_BIN,
        hotline_port=free_port(),
        extra_env={
            "DATABASE_URL": f"sqlite:///{tmp_path / 'hotline.db'}",
            "CONVERSATION_KEY_SECRET": "gunicorn-test-secret-0123456789abcdef",
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "AUDIO_DIR": str(tmp_path / "audio"),
            **env,
        },
    )
    line = Stack(config, log=(tmp_path / "gunicorn.log").open("wb"))
    line.start_hotline(HOTLINE_BIN)
    try:
        line.wait_ready()
        yield config.hotline_url
    finally:
        line.stop()
