"""A live hotline for measurements and browser tests: served on a free port
of this machine (werkzeug in a thread), Debian's headless Chromium, operator
accounts made with the real hashing and TOTP, and a person's hand-off stored
the way the bot's signal stores it. ``tools/measure_*`` and the hotline's
browser tests share these."""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyotp
import requests
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from hotline import create_app
from hotline.console import accounts
from hotline.conversations import find_or_start
from hotline.extensions import db
from hotline.handoff import request_person
from hotline.models import Role

if TYPE_CHECKING:  # playwright is the optional ``browser`` extra
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a free port of this machine, for as long as the block runs.

    The base URL says ``localhost`` (not 127.0.0.1): browsers treat it as a
    secure context, so the console's Secure session cookie works over http."""
    server = make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://localhost:{server.port}"
    try:
        _wait_until_up(base)
        yield base
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def _wait_until_up(base: str, timeout: float = 10.0) -> None:
    """The socket listens before the thread starts, so the first answer comes
    as soon as the server loop runs; the deadline guards against a dead one."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=timeout).ok:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the hotline at {base} did not answer /healthz")


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless (Playwright's own browsers are not used)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    totp: pyotp.TOTP


def new_operator(
    app: Flask,
    username: str,
    role: str = Role.OPERATOR,
    languages: str = "en,es",
    display_name: str | None = None,
) -> Account:
    """An account made with the real hashing and TOTP secret."""
    with app.app_context():
        operator = accounts.create_operator(
            username, PASSWORD, role, languages, display_name
        )
        return Account(username, PASSWORD, pyotp.TOTP(operator.operator.totp_secret))


def log_in(page: Page, base: str, account: Account) -> None:
    """Both login steps in the browser; ends on the queue."""
    page.goto(f"{base}/console/login")
    page.get_by_label("Username").fill(account.username)
    page.get_by_label("Password").fill(account.password)
    page.get_by_role("button", name="Next: code").click()
    page.get_by_label("6-digit code").fill(account.totp.now())
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/console/")


def hand_off(
    app: Flask,
    channel: str,
    address: str,
    language: str | None = "es",
    priority: str = "normal",
) -> str:
    """A person asks for a person, stored as the bot's hand-off signal does;
    the conversation's public id (what the console's pages name it by)."""
    with app.app_context():
        conversation = find_or_start(channel, address)
        conversation.language = language
        request_person(conversation, "request_human", priority, address)
        db.session.commit()
        return conversation.public_id


def measurement_app(folder: Path) -> Flask:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'hotline.db'}",
            "SECRET_KEY": secrets.token_hex(32),
            "CONVERSATION_KEY_SECRET": secrets.token_hex(32),
            "RASA_URL": "http://127.0.0.1:9",  # no bot: nothing here needs it
            "AUDIO_DIR": str(folder / "audio"),
        }
    )
    with app.app_context():
        upgrade()
    return app


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
