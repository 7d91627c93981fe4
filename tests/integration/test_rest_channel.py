"""The real Rasa server and action server, driven through Rasa's REST channel.

Nothing is mocked: the trained model, the action server, the catalogs and the
tracker store all run. A second stack uses PostgreSQL and Redis, as production
does; it is skipped where they are absent unless ALIADA_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import json
import os
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actions.directory.emergency import common_emergency_numbers
from bot.catalogs import translate
from bot.stack import ROOT, Stack, start_on_free_ports

REQUIRE_SERVICES = os.environ.get("ALIADA_REQUIRE_SERVICES") == "1"
POSTGRES_URL = os.environ.get(
    "ALIADA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


class Person:
    """One person writing to the line through the REST channel."""

    def __init__(self, stack: Stack) -> None:
        self.url = f"{stack.config.rasa_url}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex}"

    def says(self, text: str, **metadata: Any) -> list[dict[str, Any]]:
        body = json.dumps(
            {"sender": self.sender, "message": text, "metadata": metadata}
        ).encode()
        request = urllib.request.Request(
            self.url, body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            replies = json.loads(response.read())
        assert replies, "Rasa answered nothing (an empty answer is a failure)"
        return replies


def text_of(response: str, language: str, domain: Any) -> str:
    """A response as the person reads it; the emergency numbers of the
    countries we cover filled in where it lists them."""
    text = translate(response, domain.responses[response][0]["text"], language)
    return text.replace("{numbers}", common_emergency_numbers(language))


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [r["text"] for r in replies if "text" in r]


def signals(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r["custom"] for r in replies if "custom" in r]


@pytest.fixture(scope="module")
def stack(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("stack")
    running = start_on_free_ports(trained_model, folder)
    running.log_path = folder / "stack.log"  # type: ignore[attr-defined]
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("language", "question", "country"),
    [
        ("en", "i need a safe place to sleep tonight", "Mexico"),
        ("es", "necesito un lugar seguro para dormir esta noche", "Guatemala"),
        ("pt", "preciso de um lugar seguro para dormir hoje", "Brasil"),
        ("fr", "j ai besoin d un endroit sur pour dormir ce soir", "Haïti"),
    ],
)
def test_shelter_question_answered_in_the_persons_language(
    stack: Stack, domain: Any, language: str, question: str, country: str
) -> None:
    person = Person(stack)
    first = texts(person.says(question))
    assert text_of("utter_shelter_info", language, domain) in first
    assert text_of("utter_ask_country", language, domain) in first
    lines = texts(person.says(country))
    hotline = text_of("utter_service_trafficking_hotline", language, domain)
    assert any(line.startswith(hotline.split("{name}")[0]) for line in lines), lines
    assert all("{" not in line for line in lines)


def test_emergency_comes_first_and_signals_an_urgent_handoff(
    stack: Stack, domain: Any
) -> None:
    person = Person(stack)
    replies = person.says("ayuda por favor me esta golpeando")
    assert texts(replies)[0] == text_of("utter_emergency_generic", "es", domain)
    [handoff] = [s["handoff"] for s in signals(replies) if "handoff" in s]
    assert handoff["priority"] == "urgent"
    assert handoff["language"] == "es"
    # The hotline learns the conversation's language from its own signal.
    assert {"language": "es"} in signals(replies)


def test_one_ambiguous_word_keeps_the_language(stack: Stack, domain: Any) -> None:
    person = Person(stack)
    person.says("oi, preciso de ajuda com os meus direitos")
    replies = texts(person.says("ok"))
    assert replies == [text_of("utter_anything_else", "pt", domain)]


def test_hotline_language_choice_wins(stack: Stack, domain: Any) -> None:
    person = Person(stack)
    replies = texts(person.says("hello", language="fr", channel="webchat"))
    assert text_of("utter_greet", "fr", domain) in replies


def test_menu_digit_works_by_sms(stack: Stack, domain: Any) -> None:
    person = Person(stack)
    person.says("hola")
    replies = texts(person.says("1"))
    assert replies[0] == text_of("utter_rights", "es", domain)


def test_a_long_conversation_keeps_what_was_said_at_its_start(
    stack: Stack, domain: Any
) -> None:
    """Rasa loads a conversation's latest turns only (bot.tracker_store): its
    language and country, given at the start, still hold a dozen turns on."""
    person = Person(stack)
    person.says("necesito un lugar seguro para dormir")
    person.says("estoy en Guatemala")
    for _ in range(10):
        person.says("muchas gracias")
    replies = texts(person.says("necesito un abogado gratis"))
    assert text_of("utter_legal_aid_info", "es", domain) in replies
    assert text_of("utter_ask_country", "es", domain) not in replies


def test_message_text_never_reaches_the_logs(stack: Stack) -> None:
    secret = f"mi nombre es zq{uuid.uuid4().hex[:8]} y estoy en peligro"
    Person(stack).says(secret)
    log = stack.log_path.read_text(errors="replace")  # type: ignore[attr-defined]
    assert secret.split()[3] not in log


@pytest.fixture(scope="module")
def production_stack(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    psycopg2 = pytest.importorskip("psycopg2")
    redis = pytest.importorskip("redis")
    try:
        psycopg2.connect(POSTGRES_URL).close()
        redis.Redis(host="127.0.0.1", port=6379).ping()
    except Exception as error:
        if REQUIRE_SERVICES:
            raise
        pytest.skip(f"PostgreSQL or Redis not reachable: {error}")
    running = start_on_free_ports(
        trained_model,
        tmp_path_factory.mktemp("production"),
        endpoints=ROOT / "bot" / "endpoints.production.yml",
        tracker_store_url=POSTGRES_URL,
        extra_env={"REDIS_HOST": "127.0.0.1", "REDIS_PORT": "6379", "REDIS_DB": "1"},
    )
    yield running
    running.stop()


def test_production_stores_keep_the_conversation(
    production_stack: Stack, domain: Any
) -> None:
    import psycopg2

    person = Person(production_stack)
    person.says("bonjour, j'ai besoin d'aide")
    replies = texts(person.says("quels sont mes droits"))
    assert replies[0] == text_of("utter_rights", "fr", domain)
    with psycopg2.connect(POSTGRES_URL) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM events WHERE sender_id = %s", (person.sender,)
        )
        assert cursor.fetchone()[0] > 4
