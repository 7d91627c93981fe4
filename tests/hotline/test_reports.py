"""Reports and the person's consent (issue 15): the bot's signal kept with the
conversation, shown to operators, recorded and changed by an operator (with a
CSRF token), and exports that hold only what each person allowed, on SQLite
and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_app
from flask import Flask
from sqlalchemy import select
from test_console import Person, at, flashes, stored, waiting

from hotline import reports
from hotline.bot_client import parse_turn
from hotline.conversations import erase
from hotline.extensions import db
from hotline.models import (
    AuditEntry,
    Conversation,
    ConversationEvent,
    Message,
    MessageStatus,
    Report,
    Role,
)

# Words that must never leave the line, one per thing an export could leak.
CONFIDENTIAL_SUMMARY = "CONFIDENTIAL-ca5e: the farm on the river road"
ANONYMOUS_SUMMARY = "ANONYMOUS-ca5e: a workshop downtown"
SHARED_SUMMARY = "Workers held at a textile workshop, passports taken"
MESSAGE_TEXT = "MESSAGE-ca5e my boss keeps my passport"


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The hotline on SQLite, then on the real PostgreSQL."""
    if request.param == "sqlite":
        yield make_app(tmp_path)
        return
    from test_postgres import fresh_database

    with fresh_database("aliada_reports") as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_bots_signal_is_read_and_an_unknown_consent_is_not() -> None:
    turn = parse_turn(
        [{"text": "Gracias."}, {"custom": {"report": {"consent": "anonymous"}}}]
    )
    assert turn.report_consent == "anonymous"
    assert turn.texts == ["Gracias."]  # the signal is never shown
    for wrong in ({"consent": "everyone"}, {"consent": None}, "share"):
        turn = parse_turn([{"text": "x"}, {"custom": {"report": wrong}}])
        assert turn.report_consent is None


def _with_report(app: Flask, sender: str, consent: str, summary: str | None) -> int:
    """A conversation whose person chose ``consent`` through the bot, with a
    message of theirs, and the summary an operator wrote."""
    conversation_id = waiting(app, sender)
    with app.test_request_context():
        conversation = db.session.get(Conversation, conversation_id)
        conversation.country = "MX"
        db.session.add(
            Message(
                conversation_id=conversation_id,
                direction="in",
                text=MESSAGE_TEXT,
                status=MessageStatus.FOR_PERSON,
            )
        )
        reports.set_consent(conversation, consent)
        report = reports.report_of(conversation)
        report.summary = summary
        db.session.commit()
    return conversation_id


def test_the_persons_choice_and_its_change_are_kept_with_events(
    any_app: Flask,
) -> None:
    conversation_id = _with_report(any_app, "+15005550001", "confidential", None)
    with any_app.test_request_context():
        conversation = db.session.get(Conversation, conversation_id)
        reports.set_consent(conversation, "share")
        db.session.commit()
        report = reports.report_of(conversation)
        assert (report.consent, report.source, report.changed_by) == (
            "share",
            "person",
            "person",
        )
        events = [
            (e.kind, e.detail)
            for e in db.session.scalars(
                select(ConversationEvent).where(
                    ConversationEvent.conversation_id == conversation_id,
                    ConversationEvent.kind.like("report%"),
                )
            )
        ]
    assert events == [
        ("report_consent_given", "confidential"),
        ("report_consent_changed", "confidential -> share"),
    ]


def test_the_report_goes_with_its_conversation(any_app: Flask) -> None:
    conversation_id = _with_report(any_app, "+15005550002", "share", SHARED_SUMMARY)
    with any_app.test_request_context():
        erase(db.session.get(Conversation, conversation_id), tracker_first=False)
        assert db.session.scalars(select(Report)).all() == []


def _exports(app: Flask) -> dict[str, str]:
    """Every way the reports leave the line: the CLI in both formats and the
    console's downloads."""
    runner = app.test_cli_runner()
    out = {
        f"cli-{fmt}": runner.invoke(args=["reports", "--format", fmt]).output
        for fmt in ("csv", "json")
    }
    boss = Person(app, "sara", role=Role.SUPERVISOR).log_in()
    for fmt in ("csv", "json"):
        response = boss.client.get(f"/console/reports.{fmt}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        out[f"console-{fmt}"] = response.get_data(as_text=True)
    return out


def test_exports_hold_only_what_each_person_allowed(any_app: Flask) -> None:
    ids = [
        _with_report(any_app, "+15005550011", "share", SHARED_SUMMARY),
        _with_report(any_app, "+15005550012", "confidential", CONFIDENTIAL_SUMMARY),
        _with_report(any_app, "+15005550013", "anonymous", ANONYMOUS_SUMMARY),
        _with_report(any_app, "+15005550014", "anonymous", None),
    ]
    with any_app.app_context():
        conversations = [db.session.get(Conversation, i) for i in ids]
        secrets = {
            CONFIDENTIAL_SUMMARY,
            ANONYMOUS_SUMMARY,
            MESSAGE_TEXT,
            "+15005550011",
            "5005550011",
            *(c.key for c in conversations),
            *(c.public_id for c in conversations),
            *(c.rasa_sender for c in conversations),
        }
    exports = _exports(any_app)
    for name, body in exports.items():
        for secret in secrets:
            assert secret not in body, f"{name} leaks {secret!r}"
        assert SHARED_SUMMARY in body, name
    data = json.loads(exports["cli-json"])
    assert data["counts"] == {"share": 1, "anonymous": 2}
    assert "confidential" not in data["counts"]
    [shared] = data["shared_reports"]
    assert (shared["consent"], shared["country"], shared["channel"]) == (
        "share",
        "MX",
        "sms",
    )
    rows = list(csv.DictReader(io.StringIO(exports["console-csv"])))
    assert [(r["row"], r["consent"], r["reports"]) for r in rows] == [
        ("total", "share", "1"),
        ("total", "anonymous", "2"),
        ("report", "share", ""),
    ]
    assert json.loads(exports["console-json"]) == data
    assert [e.detail for e in stored(any_app, AuditEntry)][-2:] == ["csv", "json"]


def test_a_confidential_report_leaks_after_a_change_neither(any_app: Flask) -> None:
    """Shared first, then the person takes it back: the export forgets it."""
    conversation_id = _with_report(any_app, "+15005550021", "share", SHARED_SUMMARY)
    with any_app.test_request_context():
        reports.set_consent(
            db.session.get(Conversation, conversation_id), "confidential"
        )
        db.session.commit()
    for name, body in _exports(any_app).items():
        assert SHARED_SUMMARY not in body, name


def test_a_csv_summary_is_never_a_formula(app: Flask) -> None:
    _with_report(app, "+15005550031", "share", '=HYPERLINK("http://x")')
    body = app.test_cli_runner().invoke(args=["reports"]).output
    [row] = [r for r in csv.DictReader(io.StringIO(body)) if r["row"] == "report"]
    assert row["summary"].startswith("'=")


def test_operators_do_not_get_the_export(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    assert ana.client.get("/console/reports.csv").status_code == 403
    assert ana.client.get("/console/reports").status_code == 403


# --- the console ----------------------------------------------------------


def _claimed(app: Flask, ana: Person, sender: str) -> int:
    conversation_id = waiting(app, sender)
    assert ana.post(at(app, conversation_id, "claim")).status_code == 302
    return conversation_id


def test_an_operator_records_a_report_and_changes_its_use(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = _claimed(app, ana, "+15005550041")
    page = ana.client.get(at(app, conversation_id)).get_data(as_text=True)
    assert "No report in this conversation." in page

    response = ana.post(
        at(app, conversation_id, "report"),
        {"consent": "confidential", "summary": CONFIDENTIAL_SUMMARY},
        follow_redirects=True,
    )
    assert "The report and the person&#39;s choice are saved." in flashes(response)
    page = response.get_data(as_text=True)
    assert "Confidential: stays with the line&#39;s staff, never exported" in page
    assert CONFIDENTIAL_SUMMARY in page
    assert "an operator, as the person asked" in page
    # The form shows the current choice.
    assert '<option selected value="confidential">' in page

    # The person asks, later, to share it: the summary stays.
    ana.post(at(app, conversation_id, "report"), {"consent": "share", "summary": ""})
    [report] = stored(app, Report)
    assert (report.consent, report.summary, report.source) == (
        "share",
        CONFIDENTIAL_SUMMARY,
        "operator",
    )
    assert report.changed_by == f"operator:{ana.id}"
    audited = [e.action for e in stored(app, AuditEntry)]
    assert audited.count("report_consent_given") == 1
    assert audited.count("report_consent_changed") == 1


def test_recording_a_report_needs_the_csrf_token(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = _claimed(app, ana, "+15005550051")
    response = ana.client.post(
        at(app, conversation_id, "report"), data={"consent": "share"}
    )
    assert response.status_code == 400
    assert stored(app, Report) == []


def test_a_consent_that_is_none_of_the_three_is_refused(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = _claimed(app, ana, "+15005550061")
    response = ana.post(
        at(app, conversation_id, "report"),
        {"consent": "everyone"},
        follow_redirects=True,
    )
    assert "Choose how the person lets the report be used" in flashes(response)
    assert stored(app, Report) == []


def test_an_operator_who_does_not_hold_it_cannot_record_one(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    bea = Person(app, "bea").log_in()
    conversation_id = _claimed(app, ana, "+15005550071")
    response = bea.post(at(app, conversation_id, "report"), {"consent": "share"})
    assert response.status_code in (403, 404)
    assert stored(app, Report) == []


def test_no_use_is_chosen_for_the_person_before_they_say(app: Flask) -> None:
    """The form offered "share with the authorities" already selected: one
    click without asking would have sent a report to the police."""
    ana = Person(app, "ana").log_in()
    conversation_id = _claimed(app, ana, "+15005550061")
    page = ana.client.get(at(app, conversation_id)).get_data(as_text=True)
    assert '<option selected value="">Choose what the person said</option>' in page
    assert '<option selected value="share">' not in page

    response = ana.post(
        at(app, conversation_id, "report"),
        {"consent": "", "summary": "nada elegido"},
        follow_redirects=True,
    )
    assert "Choose how the person lets the report be used" in flashes(response)
    assert stored(app, Report) == []
