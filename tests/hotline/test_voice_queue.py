"""Callers waiting for a person on the phone, and operators picking them up.

TwiML is parsed with ElementTree, never string-matched. No Rasa here: the
emergency comes from a stand-in bot that signals an urgent hand-off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element

import pytest
from conftest import Twilio, make_app, numbers_for
from flask import Flask
from phone_operators import (
    audit_trail,
    call_operator_line,
    current_code,
    new_sid,
    phone_operator,
    post,
    say_texts,
    spoken_prompt,
    wrong,
)
from sqlalchemy import select

from hotline import handoff, texts
from hotline.bot_client import BotTurn, Handoff
from hotline.extensions import db
from hotline.models import (
    Channel,
    Conversation,
    Message,
    MessageStatus,
    Operator,
    State,
    utcnow,
)
from hotline.privacy import conversation_key
from hotline.voice import catalog, prompts
from hotline.voice.languages import VOICES
from hotline.voice.speech import spoken

RECORDING_URL = "https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE1"


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def line(tmp_path: Path, **overrides: object) -> tuple[Flask, Twilio]:
    """The hotline with no on-call number unless given: callers are queued."""
    app = make_app(tmp_path, **{"ON_CALL_NUMBER": "", **overrides})
    return app, Twilio(app.test_client())


@dataclass(frozen=True)
class Seen:
    """A call's conversation as the console would show it."""

    id: int
    state: str
    language: str | None
    handoff_reason: str | None
    handoff_priority: str | None
    operator_id: int | None
    event_kinds: list[str]


def conversation_of(app: Flask, sid: str) -> Seen:
    with app.app_context():
        conversation = db.session.scalar(
            select(Conversation).where(
                Conversation.key == conversation_key(Channel.VOICE, sid)
            )
        )
        assert conversation is not None
        return Seen(
            conversation.id,
            conversation.state,
            conversation.language,
            conversation.handoff_reason,
            conversation.handoff_priority,
            conversation.operator_id,
            [event.kind for event in conversation.events],
        )


def operator(app: Flask, languages: str, on_duty: bool = True) -> Operator:
    """An operator with a phone PIN and the test caller's number as her phone."""
    return phone_operator(app, languages, on_duty=on_duty)


def asks_for_person(twilio: Twilio, sid: str, language: str) -> Element:
    path = f"/twilio/voice/turn?lang={language}&step=3&miss=0"
    return post(twilio, path, sid, Digits="0")


class UrgentBot:
    """Stands in for Rasa: every message is an emergency."""

    def send(self, sender: str, text: str, metadata: dict[str, str]) -> BotTurn:
        return BotTurn(
            texts=["If you are in danger, call 911 now."],
            language="en",
            handoff=Handoff(reason="emergency", priority="urgent"),
            emergency_number_given=True,  # as the real bot's emergency answer
        )


# --- the edge --------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/twilio/voice/hold?lang=es",
        "/twilio/voice/queue-left?lang=es",
        "/twilio/voice/recorded?lang=es",
        "/twilio/voice/operator",
        "/twilio/voice/operator/id",
        "/twilio/voice/operator/code?operator=1",
        "/twilio/voice/operator/pin?operator=1",
        "/twilio/voice/bridged?operator=1",
    ],
)
def test_unsigned_or_badly_signed_requests_are_refused(twilio, path):
    form = {"CallSid": new_sid(), "Digits": "123456"}
    assert twilio.post(path, form, sign=False).status_code == 403
    forged = {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}
    assert twilio.post(path, form, sign=False, headers=forged).status_code == 403


# --- the caller waits --------------------------------------------------------


def test_asking_for_a_person_waits_in_the_queue_of_the_callers_language(tmp_path):
    app, twilio = line(tmp_path)
    sid = new_sid()
    root = asks_for_person(twilio, sid, "fr")
    assert say_texts(root) == [spoken_prompt(prompts.CONNECTING, "fr")]
    assert root.find("Dial") is None
    enqueue = root.find("Enqueue")
    assert enqueue.text == "aliada-fr"
    assert urlsplit(enqueue.attrib["waitUrl"]).path == "/twilio/voice/hold"
    assert query(enqueue.attrib["waitUrl"]) == {"lang": "fr"}
    assert urlsplit(enqueue.attrib["action"]).path == "/twilio/voice/queue-left"
    assert query(enqueue.attrib["action"]) == {"lang": "fr"}
    conversation = conversation_of(app, sid)
    assert conversation.state == State.WAITING
    assert conversation.language == "fr"  # pressed 0 before saying a word
    assert (conversation.handoff_reason, conversation.handoff_priority) == (
        "request",
        "normal",
    )
    assert "call_enqueued" in conversation.event_kinds


def test_an_emergency_waits_at_the_head_of_the_line_in_the_urgent_queue(tmp_path):
    app, twilio = line(tmp_path)
    app.extensions["aliada_bot"] = UrgentBot()
    sid = new_sid()
    path = "/twilio/voice/turn?lang=en&step=1&miss=0"
    root = post(twilio, path, sid, SpeechResult="he has a gun, help")
    assert say_texts(root) == [
        "If you are in danger, call 9 1 1 now.",
        spoken_prompt(prompts.CONNECTING, "en"),
    ]
    enqueue = root.find("Enqueue")
    assert enqueue.text == "aliada-en-urgent"
    assert query(enqueue.attrib["waitUrl"]) == {"lang": "en"}
    conversation = conversation_of(app, sid)
    assert conversation.state == State.WAITING
    assert conversation.handoff_priority == "urgent"


def test_the_hold_message_gives_the_place_in_line_in_the_callers_language(twilio):
    path = "/twilio/voice/hold?lang=fr"
    root = post(twilio, path, new_sid(), QueuePosition="3", QueueTime="40")
    assert say_texts(root) == [
        spoken_prompt(prompts.HOLD, "fr", emergency=numbers_for("fr")["emergency"]),
        spoken_prompt(prompts.PLACE_IN_LINE, "fr", position=3),
    ]
    assert {node.attrib["language"] for node in root.iter("Say")} == {"fr-CA"}
    assert "9 1 1" in say_texts(root)[0]
    assert root.find("Pause") is not None
    assert root.find("Hangup") is None and root.find("Leave") is None


def test_a_hold_message_without_a_position_still_reassures(twilio):
    root = post(twilio, "/twilio/voice/hold?lang=es", new_sid(), QueuePosition="x")
    assert say_texts(root) == [
        spoken_prompt(prompts.HOLD, "es", emergency=numbers_for("es")["emergency"])
    ]


def test_the_hold_message_in_quechua_is_audio_or_said_in_its_written_language(
    twilio,
):
    """Quechua audio where the catalog has the text; an untranslated prompt
    is said by the voice of the language it is written in."""
    root = post(twilio, "/twilio/voice/hold?lang=qu", new_sid(), QueuePosition="1")
    heard = [node for node in root if node.tag in ("Say", "Play")]
    assert len(heard) == 2
    for node, text in zip(heard, (prompts.HOLD, prompts.PLACE_IN_LINE), strict=True):
        written = catalog.prompt_language("qu", text)
        assert node.tag == "Play" or (
            node.attrib["language"] == VOICES[written].say_language
        )


def test_after_a_long_wait_the_caller_leaves_the_queue_and_may_leave_a_message(
    tmp_path,
):
    app, twilio = line(tmp_path)
    sid = new_sid()
    asks_for_person(twilio, sid, "es")
    root = post(twilio, "/twilio/voice/hold?lang=es", sid, QueueTime="601")
    assert [node.tag for node in root] == ["Leave"]
    left = post(twilio, "/twilio/voice/queue-left?lang=es", sid, QueueResult="leave")
    assert say_texts(left)[:2] == [
        spoken_prompt(prompts.NOBODY_FREE, "es", **numbers_for("es")),
        spoken_prompt(prompts.LEAVE_MESSAGE, "es"),
    ]
    assert left.find("Record") is not None
    conversation = conversation_of(app, sid)
    assert conversation.event_kinds[-1] == "left_queue"
    assert conversation.state == State.WAITING


def test_a_caller_who_hangs_up_leaves_a_record_and_still_waits(tmp_path):
    app, twilio = line(tmp_path)
    sid = new_sid()
    asks_for_person(twilio, sid, "es")
    path = "/twilio/voice/queue-left?lang=es"
    root = post(twilio, path, sid, QueueResult="hangup", QueueTime="75")
    assert len(root) == 0  # nobody left to talk to
    conversation = conversation_of(app, sid)
    assert conversation.event_kinds[-1] == "caller_hung_up"
    assert conversation.state == State.WAITING  # the console still shows the call


def test_a_bridged_call_ends_quietly_without_a_new_event(tmp_path):
    app, twilio = line(tmp_path)
    sid = new_sid()
    asks_for_person(twilio, sid, "es")
    root = post(twilio, "/twilio/voice/queue-left?lang=es", sid, QueueResult="bridged")
    assert len(root) == 0
    assert conversation_of(app, sid).event_kinds[-1] == "call_enqueued"


# --- outside opening hours: a voice message ---------------------------------


def closed_line(tmp_path: Path) -> tuple[Flask, Twilio]:
    never = tmp_path / "never.yml"
    never.write_text("timezone: UTC\nhours: {}\n")
    return line(tmp_path, OPENING_HOURS_FILE=str(never))


def test_outside_hours_the_caller_may_leave_a_message_for_the_first_operator(
    tmp_path,
):
    app, twilio = closed_line(tmp_path)
    sid = new_sid()
    root = asks_for_person(twilio, sid, "es")
    assert root.find("Enqueue") is None
    assert say_texts(root)[:2] == [
        spoken(texts.TEAM_AWAY_NO_TIME("es", **numbers_for("es"))),
        spoken_prompt(prompts.LEAVE_MESSAGE, "es"),
    ]
    record = root.find("Record")
    assert record.attrib["maxLength"] == "120"
    assert record.attrib["playBeep"] == "true"
    assert urlsplit(record.attrib["action"]).path == "/twilio/voice/recorded"
    assert query(record.attrib["action"]) == {"lang": "es"}
    # Nothing recorded: Twilio goes on past <Record> to a goodbye.
    assert root.find("Hangup") is not None

    recording = {"RecordingUrl": RECORDING_URL, "RecordingSid": "RE" + "a" * 32}
    done = post(twilio, "/twilio/voice/recorded?lang=es", sid, **recording)
    assert say_texts(done)[0] == spoken_prompt(prompts.MESSAGE_KEPT, "es")
    assert done.find("Hangup") is not None
    post(twilio, "/twilio/voice/recorded?lang=es", sid, **recording)  # a retry

    conversation = conversation_of(app, sid)
    assert conversation.state == State.WAITING
    with app.app_context():
        kept = db.session.scalars(
            select(Message).where(
                Message.conversation_id == conversation.id, Message.direction == "in"
            )
        ).all()
        assert [(m.text, m.status) for m in kept] == [
            (f"[voice message] {RECORDING_URL}", MessageStatus.FOR_PERSON)
        ]


@pytest.mark.parametrize(
    "recording",
    [
        {"RecordingUrl": "http://evil.example/x", "RecordingSid": "RE" + "a" * 32},
        {"RecordingUrl": RECORDING_URL, "RecordingSid": "../x"},
        {"RecordingUrl": RECORDING_URL + "a" * 400, "RecordingSid": "RE" + "a" * 32},
    ],
)
def test_an_odd_recording_is_refused(twilio, recording):
    response = twilio.call("/twilio/voice/recorded?lang=es", **recording)
    assert response.status_code == 400


# --- the on-call number as a fall-back ---------------------------------------


def test_with_nobody_on_duty_the_on_call_person_rings_instead(tmp_path):
    app, twilio = line(tmp_path, ON_CALL_NUMBER="+15550199")
    operator(app, "es", on_duty=False)
    operator(app, "en")  # on duty, but does not speak Spanish
    root = asks_for_person(twilio, new_sid(), "es")
    assert root.find("Enqueue") is None
    assert root.find("Dial").text == "+15550199"


def test_with_an_operator_on_duty_the_caller_is_queued_not_rung_through(tmp_path):
    app, twilio = line(tmp_path, ON_CALL_NUMBER="+15550199")
    operator(app, "en,es")
    root = asks_for_person(twilio, new_sid(), "es")
    assert root.find("Dial") is None
    assert root.find("Enqueue").text == "aliada-es"


# --- the operators' line -----------------------------------------------------


def operator_calls(twilio: Twilio, keyed_id: str, code: str) -> Element:
    """Her operator number, code and PIN from her own phone."""
    return call_operator_line(twilio, keyed_id, code)


def audit_actions(app: Flask, operator_id: int) -> list[str]:
    return [action for who, action, _ in audit_trail(app) if who == operator_id]


def test_the_operators_line_asks_number_code_and_pin_in_english(twilio):
    sid = new_sid()
    ask_id = post(twilio, "/twilio/voice/operator", sid).find("Gather")
    assert ask_id.attrib["finishOnKey"] == "#"
    assert say_texts(ask_id) == [spoken_prompt(prompts.OPERATOR_ASK_ID, "en")]
    ask_code = post(twilio, ask_id.attrib["action"], sid, Digits="1").find("Gather")
    assert ask_code.attrib["numDigits"] == "6"
    assert say_texts(ask_code) == [spoken_prompt(prompts.OPERATOR_ASK_CODE, "en")]
    ask_pin = post(twilio, ask_code.attrib["action"], sid, Digits="123456")
    gather = ask_pin.find("Gather")
    assert gather.attrib["finishOnKey"] == "#"
    assert say_texts(gather) == [spoken_prompt(prompts.OPERATOR_ASK_PIN, "en")]
    assert {node.attrib["language"] for node in ask_pin.iter("Say")} == {"en-US"}


def test_an_operator_picks_up_a_waiting_caller_in_their_language(tmp_path):
    app, twilio = line(tmp_path)
    ana = operator(app, "pt,fr")
    caller = new_sid()
    asks_for_person(twilio, caller, "fr")
    asks_for_person(twilio, new_sid(), "es")  # not one of hers

    root = operator_calls(twilio, str(ana.id), current_code(app, ana.id))
    assert say_texts(root) == [
        spoken_prompt(prompts.OPERATOR_CONNECTING, "en", language_name="French")
    ]
    queue = root.find("Dial/Queue")
    assert queue.text == "aliada-fr"
    assert urlsplit(queue.attrib["url"]).path == "/twilio/voice/bridged"

    # Just before bridging, Twilio asks the Queue's url with the caller's CallSid.
    bridged = post(twilio, queue.attrib["url"], caller, DequeingCallSid=new_sid())
    assert len(bridged) == 0
    conversation = conversation_of(app, caller)
    assert conversation.state == State.WITH_OPERATOR
    assert conversation.operator_id == ana.id
    assert conversation.event_kinds[-2:] == ["claimed", "answered_by_phone"]
    assert audit_actions(app, ana.id) == [
        "phone_logged_in",
        "claimed",
        "answered_by_phone",
    ]


def test_urgent_callers_are_picked_up_first(tmp_path):
    app, twilio = line(tmp_path)
    app.extensions["aliada_bot"] = UrgentBot()
    bea = operator(app, "es,en")
    asks_for_person(twilio, new_sid(), "es")  # waiting longer, but not urgent
    path = "/twilio/voice/turn?lang=en&step=1&miss=0"
    post(twilio, path, new_sid(), SpeechResult="help")
    root = operator_calls(twilio, str(bea.id), current_code(app, bea.id))
    assert root.find("Dial/Queue").text == "aliada-en-urgent"


def test_a_caller_who_hung_up_is_not_picked_up(tmp_path):
    app, twilio = line(tmp_path)
    ana = operator(app, "es")
    sid = new_sid()
    asks_for_person(twilio, sid, "es")
    post(twilio, "/twilio/voice/queue-left?lang=es", sid, QueueResult="hangup")
    root = operator_calls(twilio, str(ana.id), current_code(app, ana.id))
    assert root.find("Dial") is None
    assert say_texts(root) == [spoken_prompt(prompts.OPERATOR_NO_CALLS, "en")]
    assert root.find("Hangup") is not None


def test_a_wrong_code_is_refused_and_never_logged(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    app, twilio = line(tmp_path)
    ana = operator(app, "es")
    asks_for_person(twilio, new_sid(), "es")
    code = wrong(current_code(app, ana.id))
    root = operator_calls(twilio, str(ana.id), code)
    assert root.find("Dial") is None
    assert say_texts(root) == [spoken_prompt(prompts.OPERATOR_REFUSED, "en")]
    assert audit_actions(app, ana.id) == ["phone_login_refused"]
    assert code not in caplog.text


def test_an_unknown_operator_number_gets_the_same_answer(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    app, twilio = line(tmp_path)
    ana = operator(app, "es")
    asks_for_person(twilio, new_sid(), "es")
    code = current_code(app, ana.id)
    root = operator_calls(twilio, str(ana.id + 100), code)
    assert root.find("Dial") is None
    assert say_texts(root) == [spoken_prompt(prompts.OPERATOR_REFUSED, "en")]
    assert code not in caplog.text


def test_a_call_claimed_in_the_console_is_picked_up_by_its_operator(tmp_path):
    app, twilio = line(tmp_path)
    ana, bea = operator(app, "es"), operator(app, "es")
    first, second = new_sid(), new_sid()
    asks_for_person(twilio, first, "es")
    asks_for_person(twilio, second, "es")
    with app.app_context():
        assert handoff.claim(
            conversation_of(app, second).id, db.session.get(Operator, bea.id)
        )
    # Ana takes the first waiting caller; Bea, the one she claimed.
    for person, caller in ((ana, first), (bea, second)):
        root = operator_calls(twilio, str(person.id), current_code(app, person.id))
        post(twilio, root.find("Dial/Queue").attrib["url"], caller)
        conversation = conversation_of(app, caller)
        assert conversation.operator_id == person.id
        assert conversation.event_kinds[-1] == "answered_by_phone"


def test_the_on_duty_window_is_a_few_minutes(tmp_path):
    app, twilio = line(tmp_path, ON_CALL_NUMBER="+15550199")
    ana = operator(app, "es")
    with app.app_context():
        db.session.get(Operator, ana.id).last_seen_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    assert asks_for_person(twilio, new_sid(), "es").find("Dial") is not None
