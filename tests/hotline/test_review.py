"""What the bot did not understand: consent asked once in the person's
language, a plain yes keeps the message masked (and nothing else does), the
anonymous counts of the bot's confusions, and the review list that outlives
the conversation. On SQLite and on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import make_app, new_session
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect, select
from test_postgres import fresh_database

from hotline import conversations, retention, texts
from hotline.bot_client import BotTurn, Reading
from hotline.extensions import db
from hotline.figures.cells import monday
from hotline.models import (
    BotConfusion,
    Channel,
    Conversation,
    ReviewItem,
    State,
)
from hotline.review import confusions, consent, items

MESSAGES = "/webchat/api/v1/messages"
NOT_UNDERSTOOD = "zzz"  # the fake bot does not understand a message with this
UNSURE = "hmm"  # nor is it sure of one with this


@dataclass
class FakeBot:
    """Rasa's answers as the hotline parses them, with what the bot read."""

    language: str = "es"
    heard: list[str] = field(default_factory=list)

    def send(self, sender: str, text: str, metadata: dict[str, Any]) -> BotTurn:
        self.heard.append(text)
        if NOT_UNDERSTOOD in text:
            reading = Reading("nlu_fallback", 0.3, "ask_shelter", None, False)
            answer = "bot: not understood"
        elif UNSURE in text:
            reading = Reading("ask_legal_aid", 0.42, "ask_rights", None, True)
            answer = "bot: legal aid"
        else:
            reading = Reading("ask_shelter", 0.97, "ask_health", None, True)
            answer = f"bot: answer to {text}"
        return BotTurn(
            texts=[answer], buttons=[[]], language=self.language, reading=reading
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def line(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The hotline on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        yield make_app(tmp_path)
        return
    with fresh_database("aliada_review") as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def bot(line: Flask) -> FakeBot:
    fake = FakeBot()
    line.extensions["aliada_bot"] = fake
    return fake


class Person:
    """Someone writing in the web chat."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()
        self.session = new_session(self.client)

    def says(self, text: str) -> list[str]:
        response = self.client.post(
            MESSAGES, json={"session_id": self.session, "text": text}
        )
        assert response.status_code == 200, response.data
        return [reply["text"] for reply in response.json["replies"]]

    def conversation(self) -> Conversation:
        found = conversations.find(Channel.WEBCHAT, self.session)
        assert found is not None
        return found


def review_items(app: Flask) -> list[ReviewItem]:
    with app.app_context():
        return list(db.session.scalars(select(ReviewItem)))


def consent_of(person: Person) -> str | None:
    with person.app.app_context():
        return person.conversation().review_consent


# --- consent --------------------------------------------------------------


@pytest.mark.parametrize("language", ["es", "fr", "qu"])
def test_consent_is_asked_once_after_the_first_message_not_understood(
    line: Flask, bot: FakeBot, language: str
) -> None:
    bot.language = language
    person = Person(line)
    assert person.says("hola") == ["bot: answer to hola"]
    question = texts.REVIEW_QUESTION(language)
    assert person.says(f"{NOT_UNDERSTOOD} uno") == ["bot: not understood", question]
    assert question != texts.REVIEW_QUESTION("en") or language == "en"
    # Not an answer: the person goes on, and is never asked again.
    assert person.says(f"{NOT_UNDERSTOOD} dos") == ["bot: not understood"]
    assert person.says(f"{NOT_UNDERSTOOD} tres") == ["bot: not understood"]
    assert consent_of(person) == consent.NO_ANSWER
    assert review_items(line) == []


@pytest.mark.parametrize(
    ("language", "yes"), [("es", "Sí"), ("pt", "sim"), ("ht", "wi")]
)
def test_a_plain_yes_keeps_that_message_and_later_ones_masked(
    line: Flask, bot: FakeBot, language: str, yes: str
) -> None:
    bot.language = language
    person = Person(line)
    asked_about = f"{NOT_UNDERSTOOD} me llamo Rosa Pérez, mi número es +52 962 123 4567"
    assert person.says(asked_about)[-1] == texts.REVIEW_QUESTION(language)
    assert person.says(yes) == [texts.REVIEW_KEPT(language)]
    assert yes not in bot.heard  # the answer is the line's, not the bot's
    assert consent_of(person) == consent.YES
    person.says(f"{NOT_UNDERSTOOD} estoy en Tapachula con Juan")
    person.says("hola")  # understood: not kept
    kept = sorted(item.text for item in review_items(line))
    assert len(kept) == 2
    for text in kept:
        assert not re.search(r"\d", text)
        for word in ("Rosa", "Pérez", "Tapachula", "Juan"):
            assert word not in text
    assert "[name]" in kept[0] + kept[1] and "[place]" in kept[0] + kept[1]
    item = review_items(line)[0]
    assert (item.language, item.intent, item.runner_up) == (
        language,
        "nlu_fallback",
        "ask_shelter",
    )
    assert item.week.weekday() == 0  # a Monday: no finer time is kept


def test_a_plain_no_keeps_nothing_and_is_not_asked_again(
    line: Flask, bot: FakeBot
) -> None:
    person = Person(line)
    person.says(f"{NOT_UNDERSTOOD} uno")
    assert person.says("no") == [texts.REVIEW_NOT_KEPT("es")]
    assert "no" not in bot.heard
    assert person.says(f"{NOT_UNDERSTOOD} dos") == ["bot: not understood"]
    assert consent_of(person) == consent.NO
    assert review_items(line) == []


def test_another_message_after_the_question_is_answered_as_usual(
    line: Flask, bot: FakeBot
) -> None:
    person = Person(line)
    person.says(f"{NOT_UNDERSTOOD} uno")
    real_question = "sí, dónde hay un albergue"  # begins with yes, but asks
    assert person.says(real_question) == [f"bot: answer to {real_question}"]
    assert bot.heard[-1] == real_question
    assert consent_of(person) == consent.NO_ANSWER
    assert review_items(line) == []


def test_never_asked_when_the_message_signals_danger(line: Flask, bot: FakeBot) -> None:
    person = Person(line)
    replies = person.says(f"me quieren matar {NOT_UNDERSTOOD}")
    assert texts.REVIEW_QUESTION("es") not in replies
    # A person will read this conversation now: no question while it waits.
    assert texts.REVIEW_QUESTION("es") not in person.says(f"{NOT_UNDERSTOOD} otra")
    assert consent_of(person) is None


def test_never_asked_on_a_call_with_people_or_after_stop(line: Flask) -> None:
    with line.app_context():
        assert consent.may_ask(Conversation(channel=Channel.SMS), danger=False)
        assert not consent.may_ask(Conversation(channel=Channel.SMS), danger=True)
        assert not consent.may_ask(Conversation(channel=Channel.VOICE), danger=False)
        opted_out = Conversation(channel=Channel.SMS, opted_out=True)
        assert not consent.may_ask(opted_out, danger=False)
        for state in (State.WAITING, State.WITH_OPERATOR):
            with_people = Conversation(channel=Channel.WHATSAPP, state=state)
            assert not consent.may_ask(with_people, danger=False)
        answered = Conversation(channel=Channel.SMS, review_consent=consent.NO)
        assert not consent.may_ask(answered, danger=False)


def test_kept_items_outlive_the_conversation_and_name_none(
    line: Flask, bot: FakeBot
) -> None:
    person = Person(line)
    person.says(f"{NOT_UNDERSTOOD} uno")
    person.says("si")
    with line.app_context():
        conversations.erase(person.conversation(), tracker_first=False)
        columns = {c["name"] for c in inspect(db.engine).get_columns("review_items")}
    assert len(review_items(line)) == 1
    assert columns == {
        "id", "week", "language", "intent", "runner_up", "text", "status",
        "example_intent",
    }  # fmt: skip


def test_the_review_list_has_its_own_retention(line: Flask) -> None:
    """The daily retention purge deletes items past REVIEW_RETENTION_DAYS."""
    reading = Reading("nlu_fallback", 0.3, "ask_rights", None, False)
    today = date.today()
    with line.app_context():
        items.keep("old", "es", reading, today - timedelta(days=200))
        items.keep("recent", "es", reading, today - timedelta(days=20))
        db.session.commit()
        run = retention.purge()
        assert (run.ok, run.review_items) == (True, 1)
    assert [item.text for item in review_items(line)] == ["recent"]


# --- counts ---------------------------------------------------------------


def test_confusions_are_counted_by_week_language_and_intent_pair(
    line: Flask, bot: FakeBot
) -> None:
    for language in ("es", "es", "fr"):
        bot.language = language
        person = Person(line)
        person.says(f"{NOT_UNDERSTOOD} a")
        person.says(f"{UNSURE} b")
        person.says("hola")  # sure: not counted
    with line.app_context():
        rows = {
            (c.language, c.kind, c.intent, c.runner_up): c.count
            for c in db.session.scalars(select(BotConfusion))
        }
        weeks = set(db.session.scalars(select(BotConfusion.week)))
    assert rows == {
        ("es", "not_understood", "nlu_fallback", "ask_shelter"): 2,
        ("es", "low_confidence", "ask_legal_aid", "ask_rights"): 2,
        ("fr", "not_understood", "nlu_fallback", "ask_shelter"): 1,
        ("fr", "low_confidence", "ask_legal_aid", "ask_rights"): 1,
    }
    assert weeks == {monday(date.today())}


def test_the_unsure_threshold_lies_above_the_bots_fallback_threshold(
    line: Flask,
) -> None:
    """Between the two the bot answers, but unsure: those turns are counted."""
    import yaml

    config = yaml.safe_load((Path(__file__).parents[2] / "config.yml").read_text())
    fallback = next(
        part["threshold"]
        for part in config["pipeline"]
        if part["name"] == "FallbackClassifier"
    )
    assert fallback < line.config["REVIEW_LOW_CONFIDENCE"] <= 0.5


def test_with_the_real_bot_a_message_it_does_not_understand_brings_the_question(
    app_with_bot: Flask,
) -> None:
    person = Person(app_with_bot)
    person.says("hola, necesito ayuda")
    replies = person.says("xqzv blorp fnark")
    assert replies[-1] == texts.REVIEW_QUESTION("es")
    assert person.says("si") == [texts.REVIEW_KEPT("es")]
    [item] = review_items(app_with_bot)
    assert (item.language, item.text) == ("es", "xqzv blorp fnark")
    with app_with_bot.app_context():
        [cell] = db.session.scalars(
            select(BotConfusion).where(BotConfusion.kind == confusions.NOT_UNDERSTOOD)
        )
    assert cell.count == 1 and cell.intent == "nlu_fallback"
