"""The OpenAPI document tells the truth: its schemas are valid JSON Schema
(2020-12, as OpenAPI 3.1 requires), every status the API answers is documented,
and real answers validate against the documented schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import fall_silent, make_app, new_session
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from hotline.webchat.openapi import OPENAPI

DOCUMENT = "/webchat/api/v1/openapi.json"
SESSIONS = "/webchat/api/v1/sessions"
REPLIES = "/webchat/api/v1/replies"
MESSAGES = "/webchat/api/v1/messages"
BASE = "urn:aliada:webchat-openapi"
SESSION_ID = "S" * 43
CLIENT_ID = "c-12345678"


def validator_for(document: dict[str, Any], pointer: str) -> Draft202012Validator:
    """A validator for one schema inside the document, its $refs resolved there."""
    registry = Registry().with_resource(
        BASE, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    return Draft202012Validator({"$ref": f"{BASE}#{pointer}"}, registry=registry)


def escaped(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def documented_schema(document: dict[str, Any], method: str, path: str, status: int):
    """JSON pointer to the schema documented for this answer (through a $ref)."""
    responses = document["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method} {path} answers {status} undocumented"
    pointer = f"/paths/{escaped(path)}/{method}/responses/{status}"
    if ref := responses[str(status)].get("$ref"):
        pointer = ref.removeprefix("#")
    return f"{pointer}/content/{escaped('application/json')}/schema"


def assert_matches_document(
    document: dict[str, Any], method: str, path: str, response: Any
) -> None:
    if response.status_code == 204:
        documented = document["paths"][path][method]["responses"]
        assert "content" not in documented["204"], f"{method} {path} 204 has a body"
        assert response.get_data() == b""
        return
    pointer = documented_schema(document, method, path, response.status_code)
    assert response.mimetype == "application/json"
    validator_for(document, pointer).validate(response.json)


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get(DOCUMENT)
    assert response.status_code == 200
    return response.json


def test_the_document_is_openapi_3_1_with_both_routes(
    document: dict[str, Any],
) -> None:
    assert document == OPENAPI
    assert document["openapi"].startswith("3.1.")
    assert {"post", "delete"} <= document["paths"][SESSIONS].keys()
    assert {"post"} <= document["paths"][MESSAGES].keys()
    assert {"post"} <= document["paths"][REPLIES].keys()


@pytest.mark.parametrize("name", sorted(OPENAPI["components"]["schemas"]))
def test_every_component_schema_is_valid_json_schema(name: str) -> None:
    Draft202012Validator.check_schema(OPENAPI["components"]["schemas"][name])


def test_every_ref_points_at_something(document: dict[str, Any]) -> None:
    def refs(node: Any):
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        target: Any = document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        assert isinstance(target, dict), ref


def test_real_answers_match_the_document(
    app: Flask, client: FlaskClient, document: dict[str, Any]
) -> None:
    session = client.post(SESSIONS)
    session_id = session.json["session_id"]
    with_client_id = {
        "session_id": session_id,
        "text": "hi",
        "client_message_id": CLIENT_ID,
    }
    answers = [
        ("post", SESSIONS, session),
        (
            "post",
            SESSIONS,
            client.post(SESSIONS, headers={"Origin": "https://x.example"}),
        ),
        (
            "post",
            MESSAGES,
            client.post(
                MESSAGES,
                json={"session_id": session_id, "text": "hi", "language": "pt"},
            ),
        ),
        ("post", MESSAGES, client.post(MESSAGES, json={"session_id": "1", "text": ""})),
        (
            "post",
            MESSAGES,
            client.post(MESSAGES, json={"session_id": session_id, "text": "a" * 4001}),
        ),
        ("post", MESSAGES, client.post(MESSAGES, data="hi", content_type="text/plain")),
        (
            "post",
            MESSAGES,
            client.post(MESSAGES, json={}, headers={"Origin": "https://x.example"}),
        ),
        ("get", DOCUMENT, client.get(DOCUMENT)),
        ("post", REPLIES, client.post(REPLIES, json={"session_id": session_id})),
        ("post", REPLIES, client.post(REPLIES, json={"after": "x"})),
        (
            "post",
            MESSAGES,
            client.post(MESSAGES, json={**with_client_id, "client_message_id": "x"}),
        ),
        ("post", MESSAGES, client.post(MESSAGES, json=with_client_id)),
        ("post", MESSAGES, client.post(MESSAGES, json=with_client_id)),  # a retry
        ("delete", SESSIONS, client.delete(SESSIONS, json={"session_id": session_id})),
        ("delete", SESSIONS, client.delete(SESSIONS, json={"session_id": "1"})),
        ("delete", SESSIONS, client.delete(SESSIONS, data="x")),
        (
            "delete",
            SESSIONS,
            client.delete(SESSIONS, json={}, headers={"Origin": "https://x.example"}),
        ),
    ]
    statuses = [response.status_code for _, _, response in answers]
    assert statuses == [
        *(201, 403, 200, 400, 413, 415, 403, 200, 200, 400),
        *(400, 200, 200, 204, 400, 415, 403),
    ]
    assert answers[-5][2].json == answers[-6][2].json  # the retry's answer
    for method, path, response in answers:
        assert_matches_document(document, method, path, response)


@pytest.mark.parametrize(
    "body",
    [
        {"session_id": SESSION_ID, "text": "hola"},
        {"session_id": SESSION_ID, "text": "", "language": None},
        {"session_id": SESSION_ID, "text": "hi", "language": "qu", "extra": 1},
        {"session_id": SESSION_ID, "text": "a" * 4000},
        {"session_id": SESSION_ID, "text": "a" * 4001},
        {"session_id": "1", "text": "hola"},
        {"session_id": SESSION_ID, "text": "hola", "language": "de"},
        {"session_id": SESSION_ID, "text": 5},
        {"text": "hola"},
        {"session_id": SESSION_ID},
        {"session_id": SESSION_ID, "text": "hi", "client_message_id": CLIENT_ID},
        {"session_id": SESSION_ID, "text": "hi", "client_message_id": None},
        {"session_id": SESSION_ID, "text": "hi", "client_message_id": "a" * 64},
        {"session_id": SESSION_ID, "text": "hi", "client_message_id": "a" * 65},
        {"session_id": SESSION_ID, "text": "hi", "client_message_id": "1234567"},
        {"session_id": SESSION_ID, "text": "hi", "client_message_id": "a b c d e"},
        {"session_id": SESSION_ID, "text": "hi", "client_message_id": 12345678},
    ],
)
def test_the_request_schema_accepts_exactly_what_the_api_accepts(
    client: FlaskClient, document: dict[str, Any], body: dict[str, Any]
) -> None:
    request_schema = validator_for(document, "/components/schemas/MessageRequest")
    if body.get("session_id") == SESSION_ID:  # one the line issued
        body = {**body, "session_id": new_session(client)}
    accepted = client.post(MESSAGES, json=body).status_code == 200
    assert request_schema.is_valid(body) == accepted


@pytest.mark.parametrize(
    "body",
    [
        {"session_id": SESSION_ID},
        {"session_id": SESSION_ID, "extra": 1},
        {"session_id": "1"},
        {"session_id": None},
        {},
    ],
)
def test_the_delete_request_schema_accepts_exactly_what_the_api_accepts(
    client: FlaskClient, document: dict[str, Any], body: dict[str, Any]
) -> None:
    request_schema = validator_for(document, "/components/schemas/SessionRequest")
    accepted = client.delete(SESSIONS, json=body).status_code == 204
    assert request_schema.is_valid(body) == accepted


def test_refusals_match_the_document(tmp_path: Path, document: dict[str, Any]) -> None:
    """A made-up session (404), one that ended after a long pause (410) and a
    request over a limit (429) are answered as documented."""
    line = make_app(tmp_path / "limited", WEBCHAT_SESSIONS_PER_CLIENT="1 per hour")
    client = line.test_client()
    session_id = new_session(client)
    client.post(MESSAGES, json={"session_id": session_id, "text": "hola"})
    fall_silent(line, session_id)
    made_up = {"session_id": SESSION_ID, "text": "hola"}
    answers = [
        ("post", MESSAGES, client.post(MESSAGES, json=made_up)),
        ("post", REPLIES, client.post(REPLIES, json={"session_id": SESSION_ID})),
        (
            "post",
            MESSAGES,
            client.post(MESSAGES, json={"session_id": session_id, "text": "hi"}),
        ),
        ("post", REPLIES, client.post(REPLIES, json={"session_id": session_id})),
        ("post", SESSIONS, client.post(SESSIONS)),
    ]
    assert [response.status_code for _, _, response in answers] == [
        404,
        404,
        410,
        410,
        429,
    ]
    for method, path, response in answers:
        assert_matches_document(document, method, path, response)
    assert int(answers[-1][2].headers["Retry-After"]) >= 1
