"""Which web pages may use the chat API: the hotline's own and the configured
NGO sites (``WEBCHAT_ALLOWED_ORIGINS`` is ``["https://ngo.example"]`` here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_app, new_session
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Conversation

SESSIONS = "/webchat/api/v1/sessions"
MESSAGES = "/webchat/api/v1/messages"
ALLOWED = "https://ngo.example"
CORS_HEADERS = {
    "Access-Control-Allow-Origin",
    "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers",
    "Access-Control-Allow-Credentials",
    "Access-Control-Max-Age",
}


def preflight(
    client: FlaskClient, origin: str, path: str = MESSAGES, method: str = "POST"
):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "content-type",
        },
    )


def message(client: FlaskClient, origin: str | None, session_id: str | None = None):
    """One message from a page of ``origin`` (None: no browser page), in a
    session of its own unless given one."""
    headers = {"Origin": origin} if origin else {}
    return client.post(
        MESSAGES,
        json={"session_id": session_id or new_session(client), "text": "hi"},
        headers=headers,
    )


def cors_headers_in(response) -> set[str]:
    return CORS_HEADERS & set(response.headers.keys())


def refused_readably(response, origin: str) -> bool:
    """A 403 the page's script may read (so the widget can say it is refused),
    granting nothing else: no methods, headers or credentials."""
    return (
        response.status_code == 403
        and cors_headers_in(response) == {"Access-Control-Allow-Origin"}
        and response.headers["Access-Control-Allow-Origin"] == origin
    )


@pytest.mark.parametrize(
    ("path", "method"), [(MESSAGES, "POST"), (SESSIONS, "POST"), (SESSIONS, "DELETE")]
)
def test_preflight_from_an_allowed_origin(
    client: FlaskClient, path: str, method: str
) -> None:
    response = preflight(client, ALLOWED, path, method)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    allowed = response.headers["Access-Control-Allow-Methods"].split(", ")
    assert method in allowed
    assert set(allowed) == {"POST", "DELETE"}
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Origin" in response.vary
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_preflight_from_another_origin_is_refused(client: FlaskClient) -> None:
    response = preflight(client, "https://evil.example")
    assert response.status_code == 403
    assert response.json["status"] == 403
    # The browser may read the refusal, but no method or header is granted.
    assert refused_readably(response, "https://evil.example")


def test_an_allowed_origin_reads_the_answer(client: FlaskClient) -> None:
    response = message(client, ALLOWED)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "Origin" in response.vary
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "Set-Cookie" not in response.headers


def test_an_allowed_origin_reads_errors_too(client: FlaskClient) -> None:
    response = client.post(
        MESSAGES, json={"session_id": "1", "text": "hi"}, headers={"Origin": ALLOWED}
    )
    assert response.status_code == 400
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",
        "http://ngo.example",
        "null",
        "https://ngo.example.evil.example",
    ],
)
def test_another_origin_is_refused_and_nothing_is_stored(
    app: Flask, client: FlaskClient, origin: str
) -> None:
    response = message(client, origin)
    assert response.status_code == 403
    assert response.json == {
        "error": response.json["error"],
        "status": 403,
    }
    assert refused_readably(response, origin)
    assert "Origin" in response.vary
    with app.app_context():
        assert db.session.scalars(select(Conversation)).all() == []


def test_an_allowed_origin_deletes_a_conversation(
    app: Flask, client: FlaskClient
) -> None:
    session_id = new_session(client)
    message(client, ALLOWED, session_id)
    response = client.delete(
        SESSIONS, json={"session_id": session_id}, headers={"Origin": ALLOWED}
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    with app.app_context():
        assert db.session.scalars(select(Conversation)).all() == []


def test_another_origin_cannot_delete_a_conversation(
    app: Flask, client: FlaskClient
) -> None:
    session_id = new_session(client)
    message(client, ALLOWED, session_id)
    evil = "https://evil.example"
    assert preflight(client, evil, SESSIONS, "DELETE").status_code == 403
    response = client.delete(
        SESSIONS, json={"session_id": session_id}, headers={"Origin": evil}
    )
    assert response.status_code == 403
    assert refused_readably(response, evil)
    with app.app_context():
        assert len(db.session.scalars(select(Conversation)).all()) == 1


def test_another_origin_gets_no_session(client: FlaskClient) -> None:
    response = client.post(SESSIONS, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "session_id" not in response.json
    assert refused_readably(response, "https://evil.example")


def test_the_hotlines_own_page_is_always_allowed(client: FlaskClient) -> None:
    # The test client's host is "localhost"; the demo page is served from there.
    response = message(client, "http://localhost")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost"


def test_without_an_origin_it_is_not_a_browser_page(client: FlaskClient) -> None:
    response = message(client, None)
    assert response.status_code == 200
    assert cors_headers_in(response) == set()
    assert "Origin" in response.vary


def test_configured_origins_match_whatever_their_case_or_trailing_slash(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, WEBCHAT_ALLOWED_ORIGINS=["https://NGO.example/"])
    response = message(app.test_client(), ALLOWED)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
