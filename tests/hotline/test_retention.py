"""Forgetting that runs by itself: the retention purge and an erasure leave no
row holding a person's words or key, here or at Twilio (the stand-in saw the
deletes); a refused delete is tried again; a purge that stops running is seen
(``purge-check``, ``/metrics``, the supervisors' banner); the stack's loop
purges on its own. On SQLite and on the real PostgreSQL."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import Twilio, everything_stored, make_app, twiml
from fake_twilio import FakeTwilio
from flask import Flask
from sqlalchemy import select
from test_console import Person
from test_health import metrics_page

from bot.stack import HOTLINE_BIN, Stack, StackConfig
from hotline import conversations, purge_schedule, retention
from hotline.extensions import db
from hotline.models import Conversation, PurgeRun, Role, TwilioDeletion, utcnow

ACCOUNT_SID = "AC" + "1" * 32
SAID = "me tienen encerrada en la finca de Tapachula"
RECORDING_URL = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1"


def sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


@pytest.fixture
def line(tmp_path: Path, database_url: str, fake_twilio: FakeTwilio) -> Iterator[Flask]:
    """The hotline (no bot) with Twilio's REST API at the stand-in."""
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=database_url,
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_API_URL=fake_twilio.url,
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def keys(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Conversation.key)))


def age(app: Flask, days: float) -> None:
    """Every conversation as if started and last written ``days`` ago."""
    with app.app_context():
        for conversation in db.session.scalars(select(Conversation)):
            conversation.created_at = utcnow() - timedelta(days=days)
            conversation.last_message_at = utcnow() - timedelta(days=days)
        db.session.commit()


def a_text_and_a_call(app: Flask, fake: FakeTwilio) -> dict[str, str]:
    """A person's SMS, and a caller's voice message; Twilio holds the SMS,
    the call and two recordings of it. Returns the SIDs."""
    twilio = Twilio(app.test_client())
    sids = {"sms": sid("SM"), "call": sid("CA"), "recording": sid("RE")}
    twilio.sms(SAID, sid=sids["sms"])
    twilio.call(
        "/twilio/voice/recorded?lang=es",
        call_sid=sids["call"],
        RecordingUrl=RECORDING_URL,
        RecordingSid=sids["recording"],
    )
    sids["other_recording"] = sid("RE")
    sids["dialled"] = sid("CA")  # the on-call number, rung from the call
    fake.recordings[sids["call"]] = [sids["recording"], sids["other_recording"]]
    fake.children[sids["call"]] = [sids["dialled"]]
    return sids


def deleted_at_twilio(fake: FakeTwilio) -> set[str]:
    """``Messages/SM...``-style names of what the stand-in was asked to delete."""
    prefix = f"/2010-04-01/Accounts/{ACCOUNT_SID}/"
    return {path.removeprefix(prefix).removesuffix(".json") for path in fake.deleted()}


def test_the_purge_leaves_no_trace_here_or_at_twilio(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    sids = a_text_and_a_call(line, fake_twilio)
    secret_keys = keys(line)
    assert len(secret_keys) == 2 and SAID in everything_stored(line)
    age(line, days=31)

    result = line.test_cli_runner().invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert "deleted 2 conversations" in result.output
    # The SMS, the call (with both its recordings) and the voice message.
    assert "deleted 3 copies at Twilio, 0 still to delete" in result.output
    stored = everything_stored(line)
    assert SAID not in stored and "Tapachula" not in stored
    assert not any(key in stored for key in secret_keys)
    assert not any(value in stored for value in sids.values())
    assert deleted_at_twilio(fake_twilio) == {
        f"Messages/{sids['sms']}",
        f"Calls/{sids['call']}",
        f"Calls/{sids['dialled']}",
        f"Recordings/{sids['recording']}",
        f"Recordings/{sids['other_recording']}",
    }
    # The call's recordings were looked up by its CallSid, before the call went.
    # What the call started and recorded was listed by its CallSid, and went
    # before the call.
    listed = [r["query"] for r in fake_twilio.received if r["method"] == "GET"]
    assert {"ParentCallSid": sids["call"], "PageSize": "1000"} in listed
    assert {"CallSid": sids["call"], "PageSize": "1000"} in listed
    order = [name.split("/")[-1] for name in fake_twilio.deleted()]
    call_deleted = order.index(f"{sids['call']}.json")
    for went_first in ("dialled", "recording", "other_recording"):
        assert order.index(f"{sids[went_first]}.json") < call_deleted


def test_an_erasure_leaves_no_trace_and_its_copies_go_at_the_next_run(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    twilio = Twilio(line.test_client())
    message_sid = sid("SM")
    twilio.sms(SAID, sid=message_sid, sender="+15550007")
    twilio.sms("recent, kept", sender="+15550008")
    with line.app_context():
        erased = conversations.find("sms", "+15550007")
        kept_key = conversations.find("sms", "+15550008").key
        erased_key = erased.key
        conversations.erase(erased)

    stored = everything_stored(line)
    assert SAID not in stored and erased_key not in stored
    assert "recent, kept" in stored and kept_key in stored
    with line.app_context():  # the queue holds the SID and its kind, nothing else
        [queued] = db.session.scalars(select(TwilioDeletion)).all()
        assert (queued.sid, queued.kind) == (message_sid, "message")

    result = line.test_cli_runner().invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert deleted_at_twilio(fake_twilio) == {f"Messages/{message_sid}"}
    assert message_sid not in everything_stored(line)


def test_a_refused_delete_is_tried_again_at_the_next_run(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    message_sid = sid("SM")
    Twilio(line.test_client()).sms(SAID, sid=message_sid)
    age(line, days=31)
    fake_twilio.answers.append((503, {"code": 20503, "message": "unavailable"}))
    runner = line.test_cli_runner()

    first = runner.invoke(args=["purge"])

    assert first.exit_code != 0
    assert "0 copies at Twilio, 1 still to delete" in first.output
    assert "twilio_refused" in first.output
    assert SAID not in first.output and message_sid not in first.output
    with line.app_context():
        assert db.session.get(TwilioDeletion, message_sid).attempts == 1

    second = runner.invoke(args=["purge"])

    assert second.exit_code == 0, second.output
    assert "deleted 1 copies at Twilio, 0 still to delete" in second.output
    assert (
        fake_twilio.deleted().count(
            f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{message_sid}.json"
        )
        == 2
    )
    with line.app_context():
        runs = db.session.scalars(select(PurgeRun).order_by(PurgeRun.id)).all()
        assert [(run.ok, run.error) for run in runs] == [
            (False, "twilio_refused"),
            (True, None),
        ]


def test_a_copy_twilio_no_longer_has_counts_as_deleted(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    Twilio(line.test_client()).sms(SAID)
    age(line, days=31)
    fake_twilio.answers.append((404, {"code": 20404}))

    result = line.test_cli_runner().invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert "deleted 1 copies at Twilio, 0 still to delete" in result.output


# --- a purge that stops running is seen ---------------------------------------


def last_success(app: Flask, hours_ago: float) -> None:
    with app.app_context():
        db.session.add(
            PurgeRun(
                started_at=utcnow() - timedelta(hours=hours_ago),
                finished_at=utcnow() - timedelta(hours=hours_ago),
                ok=True,
            )
        )
        db.session.commit()


def purge_check(app: Flask) -> int:
    return app.test_cli_runner().invoke(args=["purge-check"]).exit_code


def test_purge_check_fails_after_36_hours_without_success(app: Flask) -> None:
    assert purge_check(app) == 0  # a fresh line: nothing was due yet
    Twilio(app.test_client()).sms("hola")
    age(app, days=1)
    assert purge_check(app) == 0  # its first day: the first run is not late
    age(app, days=2)
    assert purge_check(app) == 1  # never purged, a conversation 2 days old
    last_success(app, hours_ago=35)
    assert purge_check(app) == 0
    with app.app_context():
        db.session.execute(PurgeRun.__table__.delete())
        db.session.commit()
    last_success(app, hours_ago=37)
    assert purge_check(app) == 1


def test_a_failed_run_does_not_count_as_a_success(app: Flask) -> None:
    last_success(app, hours_ago=40)
    with app.app_context():
        db.session.add(PurgeRun(finished_at=utcnow(), ok=False, error="X"))
        db.session.commit()
    assert purge_check(app) == 1
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    assert purge_check(app) == 0


def test_metrics_say_when_the_purge_last_succeeded_and_if_it_is_overdue(
    app: Flask,
) -> None:
    client = app.test_client()
    page = metrics_page(app, client)
    assert "aliada_purge_last_success_timestamp_seconds 0.0" in page
    assert "aliada_purge_overdue 0.0" in page

    last_success(app, hours_ago=40)
    with app.app_context():
        when = retention.standing().last_success
    page = metrics_page(app, client)
    assert "aliada_purge_overdue 1.0" in page
    [shown] = re.findall(
        r"^aliada_purge_last_success_timestamp_seconds (\S+)$", page, re.M
    )
    assert float(shown) == pytest.approx(when.replace(tzinfo=UTC).timestamp(), abs=1)

    app.test_cli_runner().invoke(args=["purge"])
    assert "aliada_purge_overdue 0.0" in metrics_page(app, client)


BANNER = "Forgetting has stopped"


def test_the_banner_shows_supervisors_an_overdue_purge_not_operators(
    app: Flask,
) -> None:
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    ana = Person(app, "ana").log_in()
    assert BANNER not in sue.client.get("/console/").get_data(as_text=True)

    last_success(app, hours_ago=37)

    assert BANNER in sue.client.get("/console/").get_data(as_text=True)
    assert BANNER in sue.client.get("/console/audit").get_data(as_text=True)
    assert BANNER not in ana.client.get("/console/").get_data(as_text=True)
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    assert BANNER not in sue.client.get("/console/").get_data(as_text=True)


# --- the schedule --------------------------------------------------------------


class Clock:
    """Time that moves only when the loop waits or a purge takes time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.now += seconds
        return len(self.waits) >= 4  # stop after four rounds


def test_the_schedule_purges_at_once_then_daily_and_retries_a_failure_hourly() -> None:
    clock = Clock()
    outcomes = iter([True, False, "crash", True])
    started: list[float] = []

    def purge() -> bool:
        started.append(clock.now)
        outcome = next(outcomes)
        clock.now += 60  # a run takes a minute
        if outcome == "crash":
            raise RuntimeError("the database went away")
        return bool(outcome)

    purge_schedule.keep_purging(purge, clock.wait, clock)

    day, hour = purge_schedule.EVERY_SECONDS, purge_schedule.RETRY_SECONDS
    assert started == [1000.0, 1000 + day, 1000 + day + hour, 1000 + day + 2 * hour]
    assert clock.waits == [day - 60, hour - 60, hour - 60, day - 60]


def test_the_stack_purges_on_its_own(tmp_path: Path) -> None:
    """``make run``'s stack starts the loop beside gunicorn: at start it
    forgets what is past retention, and records the run."""
    database = f"sqlite:///{tmp_path / 'hotline.db'}"
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=database)
    Twilio(app.test_client()).sms(SAID)
    age(app, days=31)
    config = StackConfig(
        tracker_store_url=f"sqlite:///{tmp_path / 'trackers.db'}",
        extra_env={"DATABASE_URL": database, "CONVERSATION_KEY_SECRET": "test-secret"},
    )
    stack = Stack(config, log=(tmp_path / "stack.log").open("wb"))
    stack.start_purge_schedule(HOTLINE_BIN)
    try:
        deadline = time.monotonic() + 60
        while not finished_runs(app):
            assert stack.named["purge"].poll() is None, "the purge loop exited"
            assert time.monotonic() < deadline, "no purge within 60 s"
            time.sleep(0.1)
    finally:
        stack.stop()
    [run] = finished_runs(app)
    assert run.ok and run.conversations == 1
    assert SAID not in everything_stored(app)


def finished_runs(app: Flask) -> list[PurgeRun]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(PurgeRun).where(PurgeRun.finished_at.is_not(None))
            )
        )


# --- the SIDs of the line's own answers -------------------------------------------


def test_the_bots_sms_answers_are_deleted_at_twilio_with_the_conversation(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    """Answers sent in TwiML ask Twilio to report their SID (``<Message
    action>``); the line keeps it with the conversation, and forgetting the
    conversation deletes them at Twilio. A report for a conversation already
    erased queues the SID at once."""
    twilio = Twilio(line.test_client())
    answer = twilio.sms(SAID, sender="+15550009")
    [message] = twiml(answer).iter("Message")
    assert urlsplit(message.attrib["action"]).path == "/twilio/sms/sent"
    answer_sid, late_sid = sid("SM"), sid("SM")
    for status in ("sent", "delivered"):  # each report names the same SID
        report = {"MessageSid": answer_sid, "MessageStatus": status}
        reported = twilio.post("/twilio/sms/sent", {**report, "To": "+15550009"})
        assert reported.status_code == 200
    with line.app_context():
        conversations.erase(conversations.find("sms", "+15550009"))
    late = {"MessageSid": late_sid, "MessageStatus": "sent", "To": "+15550009"}
    assert twilio.post("/twilio/sms/sent", late).status_code == 200

    assert line.test_cli_runner().invoke(args=["purge"]).exit_code == 0

    deleted = deleted_at_twilio(fake_twilio)
    assert {f"Messages/{answer_sid}", f"Messages/{late_sid}"} <= deleted
    assert answer_sid not in everything_stored(line)


def test_reports_to_the_answers_address_need_twilios_signature(line: Flask) -> None:
    twilio = Twilio(line.test_client())
    form = {"MessageSid": sid("SM"), "MessageStatus": "sent", "To": "+15550009"}
    assert twilio.post("/twilio/sms/sent", form, sign=False).status_code == 403


def test_every_segment_of_an_operators_reply_is_deleted_at_twilio(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    """A reply longer than one message goes as several, each with its SID;
    forgetting the conversation deletes them all."""
    from test_delivery import handed_off, send_reply

    line.config.update(TWILIO_PHONE_NUMBER="+15550100")
    conversation_id = handed_off(line, "sms", "+15557654321")
    send_reply(line, conversation_id, "Te ayudo con el albergue. " * 100)
    sent = [r for r in fake_twilio.received if r["method"] == "POST"]
    assert len(sent) >= 2
    age(line, days=31)

    assert line.test_cli_runner().invoke(args=["purge"]).exit_code == 0

    # The stand-in numbers its SIDs by the requests it has received.
    sids = {f"Messages/SM{number:032d}" for number in range(1, len(sent) + 1)}
    assert sids <= deleted_at_twilio(fake_twilio)
