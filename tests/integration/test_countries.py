"""Every directory country, named as people write it, gets its numbers.

Through the running bot (the trained model, the action server, the catalogs),
over Rasa's REST channel: for each core language (and Kreyòl) and each country
in the directory, a person asks for numbers or a safe place and names the
country with or without accents, in capitals, with their language's article or
preposition. The answer must list that country's anti-trafficking line or its
emergency number, and never say that there are no local numbers for it.
"""

from __future__ import annotations

import json
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from actions.directory.loader import default_directory
from bot.catalogs import translate
from bot.languages import SUPPORTED_LANGUAGES
from bot.normalize import strip_accents
from bot.stack import Stack, start_on_free_ports
from tests.country_mentions import MENTIONS

LANGUAGES = ("en", "es", "pt", "fr", "ht")

# What a person writes before naming the country, in one message; the
# country's phrase carries its own preposition ("estoy" + "en México").
ASK_NUMBERS = {
    "en": "what number can I call? I am {place}",
    "es": "¿a qué número puedo llamar? estoy {place}",
    "pt": "pra qual número eu posso ligar? estou {place}",
    "fr": "quel numéro je peux appeler ? je suis {place}",
    "ht": "ki nimewo mwen ka rele? mwen {place}",
}
# A question alone; the country comes when the bot asks for it.
ASK_SHELTER = {
    "en": "i need a safe place to sleep tonight",
    "es": "necesito un lugar seguro para dormir esta noche",
    "pt": "preciso de um lugar seguro para dormir hoje",
    "fr": "j'ai besoin d'un endroit sûr pour dormir ce soir",
    "ht": "mwen bezwen yon kote ki an sekirite pou m dòmi aswè a",
}


def response_text(name: str, language: str, domain: Any) -> str:
    return translate(name, domain.responses[name][0]["text"], language)


class Person:
    """One person writing to the line through the REST channel."""

    def __init__(self, stack: Stack) -> None:
        self.url = f"{stack.config.rasa_url}/webhooks/rest/webhook"
        self.sender = f"test-{uuid.uuid4().hex}"

    def says(self, text: str) -> list[str]:
        body = json.dumps(
            {"sender": self.sender, "message": text, "metadata": {}}
        ).encode()
        request = urllib.request.Request(
            self.url, body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            replies = json.loads(response.read())
        assert replies, f"Rasa answered nothing to {text!r}"
        return [r["text"] for r in replies if "text" in r]


@pytest.fixture(scope="module")
def stack(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    running = start_on_free_ports(trained_model, tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def refusals(domain: Any) -> tuple[str, ...]:
    """The beginnings of the answers that give no local numbers, in every
    language the conversation could drift into."""
    names = ("utter_no_directory_country", "utter_country_not_understood")
    found = (
        response_text(name, language, domain).split("{")[0]
        for name in names
        for language in SUPPORTED_LANGUAGES
    )
    return tuple(start for start in found if start)


@pytest.fixture(scope="module")
def service_lines(domain: Any) -> tuple[str, ...]:
    """The beginnings of the lines that give a service's number, in any
    language ("Emergency: ", "Anti-trafficking line, ")."""
    names = [
        name
        for name in domain.responses
        if name.startswith("utter_service_")
        and "{phone}" in domain.responses[name][0]["text"]
    ]
    return tuple(
        response_text(name, language, domain).split("{")[0]
        for name in names
        for language in SUPPORTED_LANGUAGES
    )


def lists_country(replies: list[str], code: str, starts: tuple[str, ...]) -> bool:
    """True when a line gives the country's anti-trafficking or emergency
    number (a number given once is not repeated under another service)."""
    country = default_directory().get(code)
    numbers = [
        entry.main_number
        for kind in ("trafficking_hotline", "emergency")
        for entry in country.entries(kind)
    ]
    return any(
        reply.startswith(starts) and reply.rstrip(" *").endswith(number)
        for reply in replies
        for number in numbers
    )


# Words that say where the person is ("estoy en México"): the bot should not
# need to ask for the country again. It may, when the NLU reads the name as a
# nationality; at most this share of such questions, per language.
PLACING_WORDS = {"in", "en", "em", "no", "na", "nos", "au", "aux", "nan", "an"}
MAX_ASKED_AGAIN = 0.1


def conversations(language: str) -> list[tuple[str, str, str]]:
    """(code, first message, answer if the bot asks for the country).

    Each phrase as written and without accents in the question itself, and in
    capitals as the answer to "which country?"."""
    found = []
    for code, phrases in MENTIONS[language].items():
        for phrase in phrases:
            for form in dict.fromkeys([phrase, strip_accents(phrase)]):
                question = ASK_NUMBERS[language].format(place=form)
                found.append((code, question, form))
            found.append((code, ASK_SHELTER[language], phrase.upper()))
    return found


def talk(
    stack: Stack, first: str, answer: str, ask_country: set[str]
) -> tuple[list[str], bool]:
    """A conversation: the first message, then the country if it is asked for.
    Returns every reply, and whether the country was asked for."""
    person = Person(stack)
    replies = person.says(first)
    asked = bool(ask_country & set(replies))
    if asked:
        replies += person.says(answer)
    return replies, asked


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_directory_country_as_written_gets_its_numbers(
    stack: Stack,
    domain: Any,
    refusals: tuple[str, ...],
    service_lines: tuple[str, ...],
    language: str,
) -> None:
    ask_country = {
        response_text("utter_ask_country", other, domain)
        for other in SUPPORTED_LANGUAGES
    }
    cases = conversations(language)
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = pool.map(
            lambda case: talk(stack, case[1], case[2], ask_country), cases
        )
        results = list(zip(cases, answers, strict=True))
    failures = [
        (code, first, answer, replies)
        for (code, first, answer), (replies, _) in results
        if any(reply.startswith(refusals) for reply in replies)
        or not lists_country(replies, code, service_lines)
    ]
    assert not failures, "\n".join(map(repr, failures))
    placed = [
        (first, asked)
        for (_, first, answer), (_, asked) in results
        if first != ASK_SHELTER[language] and answer.split()[0].lower() in PLACING_WORDS
    ]
    asked_again = [first for first, asked in placed if asked]
    assert len(asked_again) <= MAX_ASKED_AGAIN * len(placed), asked_again
