"""Insiders against the console (issue 13, finding 3): an operator reads only
what they hold or could take, and nothing once they let it go; a supervisor
reads what reached people, and a bot-only conversation only after writing why;
every read leaves an audit entry (counts, never text); addresses name a
conversation by a random public id, so walking sequential ids finds nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import make_app
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from test_console import (
    Person,
    at,
    claimed_by,
    flashes,
    incoming,
    public_id_of,
    stored,
    updates_of,
    waiting,
)

from hotline.conversations import find_or_start
from hotline.extensions import db
from hotline.models import (
    AuditEntry,
    Conversation,
    Message,
    MessageStatus,
    Note,
    Role,
    State,
    utcnow,
)
from hotline.privacy import pseudonym

VIEWED, GAVE_REASON = "viewed_transcript", "gave_reason"
NOTHING_HERE = "it may have been closed, handed on or deleted"
PUBLIC_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


def bot_only(app: Flask, sender: str, said: str) -> int:
    """A conversation between a person and the bot, never handed off."""
    with app.app_context():
        conversation = find_or_start("sms", sender)
        conversation.language = "es"
        db.session.add_all(
            [
                Message(
                    conversation=conversation,
                    direction="in",
                    text=said,
                    status=MessageStatus.ANSWERED,
                ),
                Message(
                    conversation=conversation,
                    direction="out",
                    text="Estoy aquí para ayudarte.",
                    status=MessageStatus.SENT,
                ),
            ]
        )
        db.session.commit()
        return conversation.id


def supervisor(app: Flask, name: str = "sue") -> Person:
    return Person(app, name, role=Role.SUPERVISOR).log_in()


def audit(app: Flask, action: str) -> list[AuditEntry]:
    return stored(app, AuditEntry, AuditEntry.action == action)


def age_audit_entries(app: Flask, minutes: int) -> None:
    """As if every audit entry so far had been written ``minutes`` earlier."""
    with app.app_context():
        for entry in db.session.scalars(select(AuditEntry)):
            entry.created_at -= timedelta(minutes=minutes)
        db.session.commit()


def refused_without_trace(person: Person, path: str, *secrets: str) -> None:
    """A 404 that shows nothing of the conversation: the same answer as for
    an address that names no conversation at all."""
    response = person.client.get(path)
    body = response.get_data(as_text=True)
    assert response.status_code == 404, path
    for secret in secrets:
        assert secret not in body, path
    if path.startswith("/console/api/"):
        assert response.json == {"error": "not found", "status": 404}
    else:
        assert NOTHING_HERE in body


# --- operators: what they hold or could take, nothing else -------------------


@pytest.mark.parametrize("let_go", ["close", "return"])
def test_an_operator_who_let_a_conversation_go_reads_no_more_of_it(
    app: Flask, let_go: str
) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana)
    incoming(app, conversation_id, "estoy en la casa de mi jefe")
    page, news = at(app, conversation_id), updates_of(app, conversation_id)
    assert ana.client.get(news).json["messages"]  # hers while she holds it

    ana.post(at(app, conversation_id, let_go))
    incoming(app, conversation_id, "me quitó el pasaporte")

    for path in (page, news):
        refused_without_trace(ana, path, "casa de mi jefe", "pasaporte")
    assert ana.post(at(app, conversation_id, "note"), {"text": "x"}).status_code == 404
    assert stored(app, Note) == []


def test_an_operator_cannot_read_a_colleagues_conversation(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    bea = Person(app, "bea").log_in()  # the same languages as Ana
    conversation_id = claimed_by(app, ana)
    incoming(app, conversation_id, "no puedo salir")
    for path in (at(app, conversation_id), updates_of(app, conversation_id)):
        refused_without_trace(bea, path, "no puedo salir")
    # A claim that came too late is told who was first (as in a race).
    late = bea.post(at(app, conversation_id, "claim"), follow_redirects=True)
    assert "ana took this conversation first." in flashes(late)
    assert "no puedo salir" not in late.get_data(as_text=True)
    for action, form in [
        ("reply", {"text": "hola"}),
        ("note", {"text": "mine now"}),
        ("close", {}),
        ("return", {}),
        ("transfer", {"operator_id": str(bea.id)}),
    ]:
        assert bea.post(at(app, conversation_id, action), form).status_code == 404
    [conversation] = stored(app, Conversation)
    assert (conversation.state, conversation.operator_id) == (
        State.WITH_OPERATOR,
        ana.id,
    )
    assert stored(app, Message, Message.direction == "out") == []
    assert stored(app, Note) == []
    # Passed on, it is no longer Ana's either.
    ana.post(at(app, conversation_id, "transfer"), {"operator_id": str(bea.id)})
    refused_without_trace(ana, updates_of(app, conversation_id), "no puedo salir")
    assert bea.client.get(updates_of(app, conversation_id)).status_code == 200


def test_an_operator_cannot_read_a_waiting_conversation_in_a_language_they_do_not_serve(
    app: Flask,
) -> None:
    french = waiting(app, "+15550001", "fr")
    incoming(app, french, "je suis enfermée")
    Person(app, "paul", languages="fr").log_in()  # French is spoken on shift
    ana = Person(app, "ana", languages="en,es").log_in()

    queue = ana.client.get("/console/").get_data(as_text=True)
    with app.app_context():
        assert pseudonym(db.session.get(Conversation, french).key) in queue
    assert at(app, french) not in queue  # listed, not a link
    for path in (at(app, french), updates_of(app, french)):
        refused_without_trace(ana, path, "enfermée")
    assert ana.post(at(app, french, "claim")).status_code == 404
    assert stored(app, Conversation)[0].state == State.WAITING


def test_what_waits_for_an_operator_is_theirs_to_read(app: Flask) -> None:
    """The queue's rules: their languages; an urgent one whatever its
    language; one nobody on shift speaks, or whose language is unknown."""
    Person(app, "paul", languages="fr").log_in()
    ana = Person(app, "ana", languages="en,es").log_in()
    readable = {
        "own language": waiting(app, "+15550001", "es"),
        "urgent": waiting(app, "+15550002", "fr", "urgent"),
        "nobody on shift": waiting(app, "+15550003", "qu"),
        "unknown language": waiting(app, "+15550004", None),
    }
    queue = ana.client.get("/console/").get_data(as_text=True)
    for why, conversation_id in readable.items():
        assert at(app, conversation_id) in queue, why
        assert ana.client.get(at(app, conversation_id)).status_code == 200, why
        assert ana.client.get(updates_of(app, conversation_id)).status_code == 200


# --- supervisors: what reached people; the rest with a written reason ---------


def test_a_supervisor_reads_a_bot_only_conversation_only_after_writing_why(
    app: Flask,
) -> None:
    said = "mi patrón me pega"
    talk = bot_only(app, "+15550001", said)
    sue = supervisor(app)

    page = sue.client.get(at(app, talk))
    assert page.status_code == 403
    assert said not in page.get_data(as_text=True)
    assert 'name="reason"' in page.get_data(as_text=True)
    news = sue.client.get(updates_of(app, talk))
    assert news.status_code == 403 and said not in news.get_data(as_text=True)

    too_short = sue.post(at(app, talk, "reason"), {"reason": "   because  "})
    assert too_short.status_code == 403
    assert said not in too_short.get_data(as_text=True)
    assert audit(app, GAVE_REASON) == []

    reason = "Complaint 2291: checking what the bot told this person"
    # Stored printable: no NUL, no characters that reorder the audit page.
    given = sue.post(at(app, talk, "reason"), {"reason": f" {reason}\u202e\x00 "})
    assert given.headers["Location"].endswith(at(app, talk))
    assert said in sue.client.get(at(app, talk)).get_data(as_text=True)
    assert said in [
        m["text"] for m in sue.client.get(updates_of(app, talk)).json["messages"]
    ]
    [entry] = audit(app, GAVE_REASON)
    assert (entry.operator_id, entry.conversation_id, entry.detail) == (
        sue.id,
        talk,
        reason,
    )
    assert [e.operator_id for e in audit(app, VIEWED)] == [sue.id]
    assert reason in sue.client.get("/console/audit").get_data(as_text=True)

    # A reason is its writer's, and lasts half an hour.
    assert supervisor(app, "sam").client.get(at(app, talk)).status_code == 403
    age_audit_entries(app, minutes=31)
    assert sue.client.get(at(app, talk)).status_code == 403
    assert sue.client.get(updates_of(app, talk)).status_code == 403


def test_operators_have_no_reason_to_give(app: Flask) -> None:
    talk = bot_only(app, "+15550001", "mi patrón me pega")
    ana = Person(app, "ana").log_in()
    reason = "I would like to read this conversation please"
    assert ana.post(at(app, talk, "reason"), {"reason": reason}).status_code == 404
    refused_without_trace(ana, at(app, talk), "patrón")
    assert ana.post(at(app, talk, "claim")).status_code == 404
    assert stored(app, Conversation)[0].state == State.BOT
    assert audit(app, GAVE_REASON) == []


def test_a_supervisor_reads_what_reached_people_without_a_reason(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    sue = supervisor(app)
    reached = {
        "waiting": waiting(app, "+15550001", "fr"),
        "with a person": claimed_by(app, ana, "+15550002"),
        "closed": claimed_by(app, ana, "+15550003"),
        "handed back": claimed_by(app, ana, "+15550004"),
    }
    ana.post(at(app, reached["closed"], "close"))
    ana.post(at(app, reached["handed back"], "return"))
    for why, conversation_id in reached.items():
        assert sue.client.get(at(app, conversation_id)).status_code == 200, why
    assert audit(app, GAVE_REASON) == []


# --- opaque addresses -----------------------------------------------------------


def test_walking_sequential_ids_finds_nothing(app: Flask) -> None:
    said = ["hablo desde el baño", "no tengo mis papeles", "me vigilan"]
    bot_only(app, "+15550001", said[0])
    waiting_id = waiting(app, "+15550002")
    incoming(app, waiting_id, said[1])
    ana = Person(app, "ana").log_in()
    closed = claimed_by(app, ana, "+15550003")
    incoming(app, closed, said[2])
    ana.post(at(app, closed, "close"))
    sue = supervisor(app)

    for person in (sue, ana):
        for number in range(1, 8):
            for path in (
                f"/console/c/{number}",
                f"/console/api/updates?conversation={number}",
            ):
                refused_without_trace(person, path, *said)
            for action in ("claim", "note", "close", "return", "reason"):
                form = {"text": "x", "reason": "walking the ids to see"}
                response = person.post(f"/console/c/{number}/{action}", form)
                assert response.status_code == 404, (action, number)
    assert stored(app, Conversation, Conversation.id == waiting_id)[0].state == (
        State.WAITING
    )
    assert stored(app, Note) == [] and audit(app, GAVE_REASON) == []


def test_the_console_names_conversations_by_their_public_id_only(app: Flask) -> None:
    first = waiting(app, "+15550001")
    ana = Person(app, "ana").log_in()
    mine = claimed_by(app, ana, "+15550002")
    ids = [public_id_of(app, c) for c in (first, mine)]
    assert all(PUBLIC_ID.match(public_id) for public_id in ids)
    assert len(set(ids)) == 2

    pages = [
        ana.client.get("/console/").get_data(as_text=True),
        ana.client.get(at(app, mine)).get_data(as_text=True),
        ana.client.get(updates_of(app, mine)).json["queue_html"],
        supervisor(app).client.get("/console/audit").get_data(as_text=True),
    ]
    for body in pages:
        addresses = re.findall(r"/console/(?:c/|api/updates\?)[^\"' <]*", body)
        assert addresses
        for address in addresses:
            assert not re.search(r"/c/\d+(/|$)|conversation=\d+(&|$)", address)
    assert f"/console/c/{ids[0]}" in pages[0]
    assert f"conversation={ids[1]}" in pages[1]


# --- every read in the audit log ----------------------------------------------


def test_every_read_of_a_transcript_is_audited_without_its_text(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana)
    for said in ("secreto uno", "secreto dos"):
        incoming(app, conversation_id, said)

    # The JSON alone, without the page: a read like any other.
    news = ana.client.get(updates_of(app, conversation_id)).json
    assert len(news["messages"]) == 2
    [entry] = audit(app, VIEWED)
    assert (entry.operator_id, entry.conversation_id, entry.detail) == (
        ana.id,
        conversation_id,
        "updates: 2 messages, 0 notes",
    )
    # Polling every second does not flood the log: one entry per operator
    # and conversation every ten minutes.
    for _ in range(5):
        ana.client.get(updates_of(app, conversation_id))
    ana.client.get(at(app, conversation_id))
    assert len(audit(app, VIEWED)) == 1

    supervisor(app).client.get(at(app, conversation_id))
    assert [e.detail for e in audit(app, VIEWED)][1] == "page: 2 messages, 0 notes"

    age_audit_entries(app, minutes=11)
    ana.post(at(app, conversation_id, "note"), {"text": "llamar mañana"})
    ana.client.get(at(app, conversation_id))
    assert audit(app, VIEWED)[-1].detail == "page: 2 messages, 1 notes"

    # A poll that brings nothing new reads nothing.
    age_audit_entries(app, minutes=11)
    latest = news["latest"]
    ana.client.get(updates_of(app, conversation_id, after=latest))
    assert len(audit(app, VIEWED)) == 3

    for entry in stored(app, AuditEntry):
        assert "secreto" not in (entry.detail or "")


# --- the migration ---------------------------------------------------------------

CONVERSATION_AT_0005 = text(
    "INSERT INTO conversations (key, channel, rasa_sender, state, opted_out, "
    "created_at, last_message_at) VALUES (:key, 'sms', :key, 'bot', false, "
    ":now, :now)"
)


def migrated_public_ids(app: Flask) -> list[str]:
    """Rows written before 0007 (as the schema was at 0005), then upgraded."""
    with app.app_context():
        downgrade(revision="0005_conversation_country")
        for number in range(3):
            db.session.execute(
                CONVERSATION_AT_0005, {"key": f"k{number}", "now": utcnow()}
            )
        db.session.commit()
        upgrade()
        found = db.session.scalars(select(Conversation.public_id)).all()
        newcomer = find_or_start("sms", "+15550009")
        db.session.commit()
        found.append(newcomer.public_id)
        db.session.remove()
        db.engine.dispose()
    return found


def assert_fresh_public_ids(found: list[str]) -> None:
    assert len(found) == 4 and len(set(found)) == 4
    assert all(PUBLIC_ID.match(public_id) for public_id in found)


def test_the_migration_gives_existing_conversations_public_ids(app: Flask) -> None:
    assert_fresh_public_ids(migrated_public_ids(app))


def test_the_migration_works_on_postgresql(tmp_path: Path) -> None:
    from test_postgres import fresh_database

    with fresh_database("aliada_migration") as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        assert_fresh_public_ids(migrated_public_ids(app))
