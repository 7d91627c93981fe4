"""Every route of the hotline that reads a JSON body, fed whatever a client
could send: any JSON value, the right fields with the wrong types, extra
fields, huge numbers, lone surrogates in escapes, nesting thousands deep,
raw bytes and invalid UTF-8. Never a 5xx, never an error in the log; every
refusal is a JSON ``{"error", "status"}``.

The routes: the web chat API (``POST`` and ``DELETE /sessions``, ``POST
/messages``, ``POST /replies``) and every console form, which Flask-WTF would
also fill from a JSON body. The bot's port is closed (``make_app``'s default),
so a valid message gets the fallback answer without waiting for anyone.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import make_app, new_session
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from test_console import Person, claimed_by
from werkzeug.test import TestResponse

from bot.languages import SUPPORTED_LANGUAGES
from hotline.bot_client import Reading
from hotline.extensions import db
from hotline.models import Conversation, Message, MessageStatus, Note
from hotline.review import items
from hotline.safe_json import MAX_DEPTH

API = "/webchat/api/v1"
WEBCHAT_ROUTES = [
    ("POST", f"{API}/sessions"),
    ("DELETE", f"{API}/sessions"),
    ("POST", f"{API}/messages"),
    ("POST", f"{API}/replies"),
]
MAX_BODY = 32 * 1024  # MAX_REQUEST_BYTES' default: larger bodies get 413

# --- what a client could send ------------------------------------------------

# Every code point, lone surrogates included (json.dumps writes them "\\ud800").
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**18, max_value=10**300)
    | st.floats()  # NaN and Infinity included, as Python's json writes them
    | ANY_TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(ANY_TEXT, children, max_size=4)
    ),
    max_leaves=12,
)
SESSION_IDS = st.from_regex(r"[A-Za-z0-9_-]{32,64}", fullmatch=True)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "session_id": SESSION_IDS | JSON_VALUES,
        "text": st.text(max_size=60) | JSON_VALUES,
        "language": st.sampled_from([*SUPPORTED_LANGUAGES, None]) | JSON_VALUES,
        "client_message_id": st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True)
        | JSON_VALUES,
        "after": st.integers(min_value=-5, max_value=10**19) | JSON_VALUES,
    },
)
OBJECTS = st.builds(
    lambda fields, extra: {**extra, **fields},
    FIELDS,
    st.dictionaries(ANY_TEXT, JSON_VALUES, max_size=3),
)


def dumps(value: object) -> bytes:
    return json.dumps(value).encode()


def nested(depth: int, kind: str, closed: bool) -> bytes:
    """``[[[...]]]``, ``{"a":{"a":...}}`` or both, as deep as asked."""
    opening, closing = {
        "list": ("[", "]"),
        "object": ('{"a":', "}"),
        "mixed": ('[{"a":', "}]"),
    }[kind]
    inner = "0" if kind != "list" else ""
    return (opening * depth + inner + (closing * depth if closed else "")).encode()


def in_a_field(depth: int, session_id: str) -> bytes:
    """A valid-looking message whose text is nested ``depth`` deep."""
    return b'{"session_id": "%s", "text": %s}' % (
        session_id.encode(),
        nested(depth, "list", closed=True),
    )


DEEP = st.builds(
    nested,
    st.integers(min_value=MAX_DEPTH - 2, max_value=MAX_BODY // 6),
    st.sampled_from(["list", "object", "mixed"]),
    st.booleans(),
) | st.builds(in_a_field, st.integers(min_value=1, max_value=6_000), SESSION_IDS)
HUGE_NUMBERS = st.integers(min_value=300, max_value=MAX_BODY - 100).map(
    lambda digits: b'{"after": %s}' % (b"9" * digits)
) | st.sampled_from([b"1e999999", b"-1e-999999", b"NaN", b"-Infinity", b"9" * 5000])


def spoiled_utf8(body: bytes, at: int, junk: bytes) -> bytes:
    at %= len(body) + 1
    return body[:at] + junk + body[at:]


INVALID_UTF8 = st.builds(
    spoiled_utf8,
    OBJECTS.map(dumps),
    st.integers(min_value=0),
    st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80", b"\xf8\x88"]),
)
BODIES = (
    OBJECTS.map(dumps)
    | JSON_VALUES.map(dumps)
    | DEEP
    | HUGE_NUMBERS
    | INVALID_UTF8
    | st.binary(max_size=300)
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/problem+json",
        "text/plain",
        None,
    ]
)
FAST = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- checks ------------------------------------------------------------------


def assert_clean(response, caplog: pytest.LogCaptureFixture) -> None:
    """No server error, none logged; a refusal says what in JSON."""
    status = response.status_code
    assert status < 500, response.get_data(as_text=True)[:300]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    if status >= 400:
        assert response.mimetype == "application/json", response.data[:200]
        body = response.get_json()
        assert body == {"error": body["error"], "status": status}
        assert isinstance(body["error"], str) and body["error"]


# --- the web chat API --------------------------------------------------------


@pytest.fixture(scope="module")
def webchat_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(tmp_path_factory.mktemp("json-bodies"))


@pytest.mark.parametrize(("method", "path"), WEBCHAT_ROUTES)
@FAST
@given(body=BODIES, content_type=CONTENT_TYPES)
@example(body=nested(100_000, "list", closed=True), content_type="application/json")
@example(body=nested(5_000, "list", closed=True), content_type="application/json")
@example(body=nested(5_000, "object", closed=True), content_type="application/json")
@example(body=nested(4_000, "mixed", closed=False), content_type="application/json")
@example(body=in_a_field(3_000, "S" * 43), content_type="application/json")
@example(body=b'{"session_id": "\\ud800' + b"S" * 40 + b'"}', content_type=None)
def test_no_body_gets_a_server_error_from_the_web_chat_api(
    webchat_app: Flask,
    caplog: pytest.LogCaptureFixture,
    method: str,
    path: str,
    body: bytes,
    content_type: str | None,
) -> None:
    caplog.clear()
    client = webchat_app.test_client()
    response = client.open(path, method=method, data=body, content_type=content_type)
    assert_clean(response, caplog)


@pytest.mark.parametrize("kind", ["list", "object", "mixed"])
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 4_000])
@pytest.mark.parametrize(("method", "path"), WEBCHAT_ROUTES[1:])
def test_a_deeply_nested_body_is_refused_as_too_deep(
    webchat_app: Flask, method: str, path: str, depth: int, kind: str
) -> None:
    body = nested(depth, kind, closed=True)
    assert len(body) <= MAX_BODY
    response = webchat_app.test_client().open(
        path, method=method, data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json == {
        "error": f"the body is nested deeper than {MAX_DEPTH} levels",
        "status": 400,
    }


def test_nesting_up_to_the_limit_is_read(webchat_app: Flask) -> None:
    """Deep but allowed: the body is read, and an unknown field ignored."""
    deep = json.loads(nested(MAX_DEPTH - 1, "list", closed=True))
    client = webchat_app.test_client()
    response = client.post(
        f"{API}/messages",
        json={"session_id": new_session(client), "text": "hi", "x": deep},
    )
    assert response.status_code == 200


def test_brackets_inside_strings_are_not_nesting(webchat_app: Flask) -> None:
    text = "[{" * 1_000 + '\\"[' * 100
    client = webchat_app.test_client()
    response = client.post(
        f"{API}/messages", json={"session_id": new_session(client), "text": text}
    )
    assert response.status_code == 200


# --- the console's forms -----------------------------------------------------


@dataclass
class Console:
    operator: Person
    token: str  # the session's CSRF token, good for as long as the session
    routes: list[tuple[str, str]]  # every console route that takes a body


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Console:
    """A logged-in operator with a conversation and a failed reply of theirs,
    and every console route that takes a body, with real ids."""
    app = make_app(Path(tmp_path_factory.mktemp("json-console")))
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana)
    with app.app_context():
        reply = Message(
            conversation_id=conversation_id,
            direction="out",
            text="hola",
            status=MessageStatus.FAILED,
            operator_id=ana.id,
        )
        db.session.add(reply)
        db.session.commit()
        public_id = db.session.get(Conversation, conversation_id).public_id
        # A review item (what the bot did not understand) for its routes.
        item = items.keep("hola zzz", "es", Reading(understood=False), date.today())
        db.session.commit()
        ids = {"public_id": public_id, "message_id": reply.id, "item_id": item.id}
    routes = []
    for rule in app.url_map.iter_rules():
        methods = (rule.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}
        if rule.endpoint.startswith("console.") and methods:
            path = re.sub(
                r"<(?:int:)?(\w+)>", lambda m: str(ids[m.group(1)]), rule.rule
            )
            routes += [(method, path) for method in sorted(methods)]
    return Console(ana, ana.token("/console/"), routes)


def send_json(
    console: Console, route: tuple[str, str], body: bytes, **kwargs: Any
) -> TestResponse:
    method, path = route
    return console.operator.client.open(path, method=method, data=body, **kwargs)


def test_the_console_routes_that_take_a_body_are_all_here(console: Console) -> None:
    paths = {path.rsplit("/", 1)[-1] for _, path in console.routes}
    assert {"login", "code", "logout", "claim", "reply", "canned", "retry"} <= paths
    assert {"note", "transfer", "close", "return", "reason"} <= paths


@pytest.mark.parametrize(
    "body",
    [
        nested(5_000, "list", closed=True),
        b"[1, 2]",
        b"3",
        b'"x"',
        b'{"username": {"a": 1}, "password": ["x"], "text": null}',
    ],
    ids=["deep", "list", "number", "string", "wrong types"],
)
def test_every_console_route_refuses_a_json_body(
    console: Console, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    """Flask-WTF would fill the form from it: a list, a number or a nested
    value was a 500, and so was deep nesting."""
    for route in console.routes:
        caplog.clear()
        response = send_json(
            console,
            route,
            body,
            content_type="application/json",
            headers={"X-CSRFToken": console.token},
        )
        assert_clean(response, caplog)
        assert response.status_code == 415, route
    assert len(stored_notes(console)) == 0


CONSOLE_CONTENT_TYPES = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "application/ld+json"]
)


@FAST
@given(
    body=BODIES,
    content_type=CONSOLE_CONTENT_TYPES,
    index=st.integers(min_value=0, max_value=100),
    with_token=st.booleans(),
)
def test_no_json_body_gets_a_server_error_from_the_console(
    console: Console,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    index: int,
    with_token: bool,
) -> None:
    """With the session's CSRF token (in its header) the body is refused
    (415); without it, the token is missing (400); in JSON either way."""
    caplog.clear()
    route = console.routes[index % len(console.routes)]
    headers = {"X-CSRFToken": console.token} if with_token else {}
    response = send_json(
        console, route, body, content_type=content_type, headers=headers
    )
    assert_clean(response, caplog)
    refusals = {415 if with_token else 400} | ({413} if len(body) > MAX_BODY else set())
    assert response.status_code in refusals


@pytest.mark.parametrize("with_token", [True, False], ids=["token", "no token"])
def test_an_oversized_json_body_to_the_console_is_refused_in_json(
    console: Console, caplog: pytest.LogCaptureFixture, with_token: bool
) -> None:
    """Past the size limit the console answered 413 in plain text to a JSON
    request (found by CI's property test, with a body 4096 levels deep)."""
    headers = {"X-CSRFToken": console.token} if with_token else {}
    body = nested(MAX_BODY // 5, "mixed", closed=True)
    for route in console.routes:
        caplog.clear()
        response = send_json(
            console, route, body, content_type="application/json", headers=headers
        )
        assert_clean(response, caplog)
        assert response.status_code in (413, 415), route


def test_the_console_still_takes_its_forms(console: Console) -> None:
    [(_, note)] = [route for route in console.routes if route[1].endswith("/note")]
    response = console.operator.post(note, {"text": "called back"})
    assert response.status_code == 302
    assert len(stored_notes(console)) == 1


def stored_notes(console: Console) -> list[Note]:
    with console.operator.app.app_context():
        return list(db.session.scalars(select(Note)))
