"""Opening hours: when the team answers, and what a person hears outside them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Twilio, make_app, message_bodies, numbers_for
from flask import Flask

from hotline import hours, texts
from hotline.conversations import find_or_start
from hotline.extensions import db
from hotline.handoff import request_person

WEEKDAYS_9_TO_5 = {
    "timezone": "America/Lima",
    "hours": {
        "default": {
            day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")
        },
        "qu": {"tue": ["10:00-12:00"]},
    },
    "holidays": ["2026-12-25"],
}
# Monday 30 November 2026; Lima is UTC-5.
MONDAY_NOON_LIMA = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)
MONDAY_NIGHT_LIMA = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def test_open_and_closed_per_language() -> None:
    schedule = hours.parse(WEEKDAYS_9_TO_5)
    assert schedule.is_open("es", MONDAY_NOON_LIMA)
    assert not schedule.is_open("qu", MONDAY_NOON_LIMA)
    assert not schedule.is_open("es", MONDAY_NIGHT_LIMA)


def test_next_opening_skips_holidays_and_closed_days() -> None:
    schedule = hours.parse(WEEKDAYS_9_TO_5)
    thursday_evening = datetime(2026, 12, 24, 23, 0, tzinfo=UTC)  # 18:00 in Lima
    opening = schedule.next_opening("es", thursday_evening)
    assert (opening.date().isoformat(), opening.hour) == ("2026-12-28", 9)  # Monday
    assert schedule.next_opening("qu", MONDAY_NOON_LIMA).hour == 10


@pytest.mark.parametrize(
    "broken",
    [
        {"timezone": "UTC", "hours": {"default": {"mon": ["20:00-08:00"]}}},
        {"timezone": "UTC", "hours": {"default": {"monday": ["08:00-20:00"]}}},
        {"timezone": "Mars/Olympus", "hours": {}},
    ],
)
def test_a_broken_schedule_fails_loudly(broken: dict) -> None:
    with pytest.raises((ValueError, KeyError, Exception)):
        hours.parse(broken)


def test_the_shipped_schedule_parses() -> None:
    schedule = hours.load(str(Path(hours.__file__).with_name("hours.yml")))
    assert schedule.weekly["default"]["mon"]


def closed_app(tmp_path: Path) -> Flask:
    never = tmp_path / "never.yml"
    never.write_text("timezone: UTC\nhours: {}\n")
    return make_app(tmp_path, OPENING_HOURS_FILE=str(never))


def test_outside_hours_a_waiting_person_hears_the_24_hour_numbers(
    tmp_path: Path,
) -> None:
    app = closed_app(tmp_path)
    with app.test_request_context():
        conversation = find_or_start("sms", "+15550061")
        request_person(conversation, "request_human", "normal", "+15550061")
        conversation.language = "es"
        db.session.commit()
    [body] = message_bodies(Twilio(app.test_client()).sms("hola?", sender="+15550061"))
    numbers = numbers_for("es", "+15550061")
    assert body == texts.TEAM_AWAY_NO_TIME("es", **numbers)


@pytest.mark.parametrize(
    ("language", "expected"), [("es", "martes 09:00"), ("fr", "mardi 09:00")]
)
def test_when_back_is_written_in_the_persons_language(
    language: str, expected: str
) -> None:
    schedule = hours.parse(WEEKDAYS_9_TO_5)  # Monday 22:00 in Lima: back Tuesday
    assert hours.when_back(language, MONDAY_NIGHT_LIMA, schedule) == expected
