"""Forms let go, the self-assessment reads people right, a bare "help" is answered.

Issue 10 (parts 3, 6 and 7, bot side), through the real Rasa server and action
server on free ports: what a person would read, in their language, and the
signals the hotline acts on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from actions.directory.loader import default_directory
from actions.self_assessment import QUESTIONS
from actions.topics import line_details
from bot.stack import Stack, start_on_free_ports
from tests.integration.test_rest_channel import Person, signals, text_of, texts

SA_QUESTIONS = tuple(f"utter_ask_{slot}" for slot in QUESTIONS)
# "No" to every indicator, "yes" to being under 18.
NO_TO_ALL_BUT_AGE = ["no"] * (len(QUESTIONS) - 1) + ["si"]
START = {
    "en": "am i a victim of trafficking?",
    "es": "soy victima de trata?",
    "pt": "sou vitima de trafico?",
    "fr": "est ce que je suis victime de traite?",
}
NO = {"en": "no", "es": "no", "pt": "nao", "fr": "non"}
YES = {"en": "yes", "es": "si", "pt": "sim", "fr": "oui"}
DELETE = {
    "en": "delete my data",
    "es": "borra mis datos",
    "pt": "apague meus dados",
    "fr": "supprime mes données",
}
PERSON = {
    "en": "i want to talk to a person",
    "es": "quiero hablar con una persona",
    "pt": "quero falar com uma pessoa",
    "fr": "je veux parler a une personne",
}
# A topic that asks where the person is (consulate asks where they are from).
TOPICS = {
    "en": ("i need a safe place to sleep tonight", "utter_ask_country"),
    "es": ("como contacto a mi consulado", "utter_ask_nationality"),
    "pt": ("qual numero eu ligo", "utter_ask_country"),
    "fr": ("j'ai besoin d'un avocat gratuit", "utter_ask_country"),
}
NOT_ANSWERS = ("utter_sa_not_understood", "utter_country_not_understood")


@pytest.fixture(scope="module")
def stack(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    running = start_on_free_ports(trained_model, tmp_path_factory.mktemp("forms"))
    yield running
    running.stop()


def handoffs(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s["handoff"] for s in signals(replies) if "handoff" in s]


def says(replies: list[dict[str, Any]], response: str, lang: str, domain: Any) -> bool:
    return text_of(response, lang, domain) in texts(replies)


def local_emergency(response: str, code: str, lang: str, domain: Any) -> str:
    """A danger answer with the country's emergency number and what its
    directory entry says of it (" (police, free, day and night)")."""
    entry = default_directory().get(code).emergency_entry()
    text = text_of(response, lang, domain).replace("{phone}", entry.main_number)
    details = line_details(entry, lang, alone=True, country=code)
    return text.replace("{details}", details)


def assert_not_read_as_an_answer(
    replies: list[dict[str, Any]], lang: str, domain: Any
) -> None:
    for response in NOT_ANSWERS:
        assert not says(replies, response, lang, domain), texts(replies)


def at_question(person: Person, lang: str, question: int, domain: Any) -> None:
    """Start the self-assessment and answer no until ``question`` (0-based) is asked."""
    replies = person.says(START[lang])
    assert says(replies, SA_QUESTIONS[0], lang, domain), texts(replies)
    for asked in range(1, question + 1):
        replies = person.says(NO[lang])
        assert says(replies, SA_QUESTIONS[asked], lang, domain), texts(replies)


def confirm_deletion(person: Person, lang: str, domain: Any) -> None:
    replies = person.says(YES[lang])
    assert says(replies, "utter_delete_done", lang, domain), texts(replies)
    assert {"delete_data": {"confirmed": True}} in signals(replies)


LANGS = ("es", "en", "pt", "fr")


@pytest.mark.parametrize("question", range(len(SA_QUESTIONS)))
def test_delete_at_every_self_assessment_question(
    stack: Stack, domain: Any, question: int
) -> None:
    lang = LANGS[question % len(LANGS)]
    person = Person(stack)
    at_question(person, lang, question, domain)
    replies = person.says(DELETE[lang])
    assert says(replies, "utter_ask_delete_confirm", lang, domain), texts(replies)
    assert_not_read_as_an_answer(replies, lang, domain)
    confirm_deletion(person, lang, domain)


@pytest.mark.parametrize("lang", LANGS)
def test_delete_while_the_country_is_asked(
    stack: Stack, domain: Any, lang: str
) -> None:
    question, asked = TOPICS[lang]
    person = Person(stack)
    replies = person.says(question)
    assert says(replies, asked, lang, domain), texts(replies)
    replies = person.says(DELETE[lang])
    assert says(replies, "utter_ask_delete_confirm", lang, domain), texts(replies)
    assert_not_read_as_an_answer(replies, lang, domain)
    confirm_deletion(person, lang, domain)


def test_a_cancelled_delete_leaves_no_form_behind(stack: Stack, domain: Any) -> None:
    person = Person(stack)
    person.says("necesito un lugar seguro para dormir")
    person.says("borra mis datos")
    replies = person.says("no")
    assert texts(replies) == [text_of("utter_delete_cancelled", "es", domain)]
    # The next message is a message, not a country.
    replies = person.says("cuales son mis derechos")
    assert says(replies, "utter_rights", "es", domain), texts(replies)


@pytest.mark.parametrize(("lang", "question"), [("es", 2), ("en", 6), ("fr", 0)])
def test_a_person_during_the_self_assessment(
    stack: Stack, domain: Any, lang: str, question: int
) -> None:
    person = Person(stack)
    at_question(person, lang, question, domain)
    replies = person.says(PERSON[lang])
    assert says(replies, "utter_handoff", lang, domain), texts(replies)
    [handoff] = handoffs(replies)
    assert (handoff["reason"], handoff["priority"]) == ("request_human", "normal")
    assert_not_read_as_an_answer(replies, lang, domain)


@pytest.mark.parametrize("lang", LANGS)
def test_a_person_while_the_country_is_asked(
    stack: Stack, domain: Any, lang: str
) -> None:
    question, _ = TOPICS[lang]
    person = Person(stack)
    person.says(question)
    replies = person.says(PERSON[lang])
    assert says(replies, "utter_handoff", lang, domain), texts(replies)
    assert [h["priority"] for h in handoffs(replies)] == ["normal"]
    assert_not_read_as_an_answer(replies, lang, domain)


@pytest.mark.parametrize(
    ("lang", "question", "danger"),
    [
        ("es", 3, "si, me esta pegando ahora"),
        ("pt", 5, "socorro ele ta me batendo"),
        ("fr", 1, "il me frappe maintenant aidez moi"),
        ("en", 6, "he is hitting me right now"),
    ],
)
def test_danger_during_the_self_assessment(
    stack: Stack, domain: Any, lang: str, question: int, danger: str
) -> None:
    person = Person(stack)
    at_question(person, lang, question, domain)
    replies = person.says(danger)
    assert texts(replies)[0] == text_of("utter_emergency_generic", lang, domain)
    assert [h["priority"] for h in handoffs(replies)] == ["urgent"]
    # Then where they are, for local numbers; no further question of the test.
    assert says(replies, "utter_ask_country", lang, domain), texts(replies)
    assert not any(says(replies, q, lang, domain) for q in SA_QUESTIONS)


def test_danger_naming_the_country_while_it_is_asked(stack: Stack, domain: Any) -> None:
    person = Person(stack)
    person.says("necesito un lugar seguro para dormir")
    replies = person.says("estoy en Mexico y me estan golpeando")
    local = local_emergency("utter_emergency_local", "MX", "es", domain)
    assert texts(replies)[0] == local, texts(replies)
    assert [h["priority"] for h in handoffs(replies)] == ["urgent"]
    assert_not_read_as_an_answer(replies, "es", domain)


def answer_all(person: Person, lang: str, answers: list[str]) -> list[dict[str, Any]]:
    replies = person.says(START[lang])
    for answer in answers:
        replies = person.says(answer)
    return replies


def test_para_nada_and_ya_no_are_answers_not_stop(stack: Stack, domain: Any) -> None:
    person = Person(stack)
    person.says(START["es"])
    replies = person.says("para nada")
    assert says(replies, SA_QUESTIONS[1], "es", domain), texts(replies)
    replies = person.says("ya no")
    assert says(replies, SA_QUESTIONS[2], "es", domain), texts(replies)
    assert not says(replies, "utter_sa_stopped", "es", domain)


@pytest.mark.parametrize(
    ("lang", "sometimes"), [("es", "a veces"), ("pt", "às vezes"), ("fr", "parfois")]
)
def test_sometimes_is_a_sign(
    stack: Stack, domain: Any, lang: str, sometimes: str
) -> None:
    person = Person(stack)
    answers = [NO[lang]] * len(QUESTIONS)
    answers[QUESTIONS.index("sa_threats")] = sometimes  # a severe sign, sometimes
    replies = answer_all(person, lang, answers)
    assert says(replies, "utter_sa_result_signs", lang, domain), texts(replies)
    assert [h["priority"] for h in handoffs(replies)] == ["high"]


def test_a_child_who_said_no_to_everything(stack: Stack, domain: Any) -> None:
    person = Person(stack)
    replies = answer_all(person, "es", NO_TO_ALL_BUT_AGE)
    assert not says(replies, "utter_sa_result_signs", "es", domain), texts(replies)
    assert says(replies, "utter_sa_result_minor", "es", domain), texts(replies)
    assert [h["priority"] for h in handoffs(replies)] == ["high"]
    # Where are they? Then the line for children comes first.
    assert says(replies, "utter_ask_country", "es", domain), texts(replies)
    lines = texts(person.says("Colombia"))
    child = text_of("utter_service_child_helpline", "es", domain)
    assert lines[0].startswith(child.split("{name}")[0]), lines
    assert "141" in lines[0]


def test_a_child_whose_country_is_known_gets_the_lines_at_once(
    stack: Stack, domain: Any
) -> None:
    person = Person(stack)
    person.says("a que numero puedo llamar")
    person.says("Colombia")
    replies = answer_all(person, "es", NO_TO_ALL_BUT_AGE)
    assert says(replies, "utter_sa_result_minor", "es", domain), texts(replies)
    assert any("141" in line for line in texts(replies)), texts(replies)
    assert not says(replies, "utter_ask_country", "es", domain)


BARE_HELP = [
    ("en", "help"),
    ("en", "HELP!!"),
    ("es", "AYUDA"),
    ("es", "ayuda!!"),
    ("es", "Ayúdame"),
    ("es", "ayuda por favor"),
    ("pt", "AJUDA"),
    ("pt", "ajuda por favor"),
    ("fr", "AIDE"),
    ("fr", "aide svp"),
    ("ht", "ÈD"),
    ("qu", "YANAPAY"),
    ("gn", "PYTYVÕ"),
]


@pytest.mark.parametrize(("lang", "text"), BARE_HELP)
def test_a_bare_help_as_the_first_message(
    stack: Stack, domain: Any, lang: str, text: str
) -> None:
    replies = Person(stack).says(text)
    assert says(replies, "utter_help_danger_generic", lang, domain), texts(replies)
    assert says(replies, "utter_help_menu", lang, domain), texts(replies)
    assert not handoffs(replies)


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, text in BARE_HELP[::2]]
)
def test_a_bare_help_in_the_conversations_language(
    stack: Stack, domain: Any, lang: str, text: str
) -> None:
    """As the hotline sends it once it knows the language (widget, SMS)."""
    replies = Person(stack).says(text, language=lang, channel="sms")
    assert says(replies, "utter_help_danger_generic", lang, domain), texts(replies)
    assert says(replies, "utter_help_menu", lang, domain), texts(replies)


@pytest.mark.parametrize(
    ("lang", "first", "rights", "help_text"),
    [
        ("en", "hello", "what are my rights", "help"),
        ("es", "hola buenas", "cuales son mis derechos", "ayuda"),
        ("pt", "oi bom dia", "quais sao meus direitos", "ajuda"),
        ("fr", "bonjour", "quels sont mes droits", "aide"),
    ],
)
def test_help_mid_conversation(
    stack: Stack, domain: Any, lang: str, first: str, rights: str, help_text: str
) -> None:
    person = Person(stack)
    person.says(first)
    replies = person.says(rights)
    assert says(replies, "utter_rights", lang, domain), texts(replies)
    replies = person.says(help_text)
    assert says(replies, "utter_help_danger_generic", lang, domain), texts(replies)
    assert says(replies, "utter_help_menu", lang, domain), texts(replies)
    # Then a person, by the menu's number.
    replies = person.says("9")
    assert [h["reason"] for h in handoffs(replies)] == ["request_human"]


def test_help_when_the_country_is_known_gives_its_number(
    stack: Stack, domain: Any
) -> None:
    person = Person(stack)
    person.says("a que numero puedo llamar")
    person.says("Colombia")
    replies = person.says("ayuda")
    local = local_emergency("utter_help_danger_local", "CO", "es", domain)
    assert local in texts(replies), texts(replies)


@pytest.mark.parametrize("lang", LANGS)
def test_help_while_the_country_is_asked(stack: Stack, domain: Any, lang: str) -> None:
    question, _ = TOPICS[lang]
    person = Person(stack)
    person.says(question)
    replies = person.says(
        {"en": "help", "es": "AYUDA", "pt": "AJUDA", "fr": "AIDE"}[lang]
    )
    assert says(replies, "utter_help_menu", lang, domain), texts(replies)
    assert_not_read_as_an_answer(replies, lang, domain)


@pytest.mark.parametrize(
    ("lang", "help_text", "word"),
    [
        ("en", "help", "person"),
        ("es", "ayuda", "persona"),
        ("pt", "ajuda", "pessoa"),
        ("fr", "aide", "humain"),
        ("ht", "èd", "moun"),
        ("qu", "yanapay", "runa"),
        ("gn", "pytyvõ", "tapicha"),
    ],
)
def test_the_word_the_help_answer_gives_brings_a_person(
    stack: Stack, domain: Any, lang: str, help_text: str, word: str
) -> None:
    """The help answer says "to talk to a person, write: <word>"; the word works."""
    person = Person(stack)
    replies = person.says(help_text)
    assert f": {word}." in text_of("utter_help_danger_generic", lang, domain)
    assert says(replies, "utter_help_danger_generic", lang, domain), texts(replies)
    replies = person.says(word)
    assert handoffs(replies), texts(replies)
