"""The custom NLU components: language identification, keyword net, menu digits."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.language_identifier import NgramLanguageModel
from bot.components.menu_choice import MenuChoice
from bot.danger import KeywordNet, phrase_pattern

CONFIG = {
    "min_ngram": 1,
    "max_ngram": 4,
    "min_words_for_confidence": 3,
    "confidence_threshold": 0.9,
}
TRAINING = [
    ("hola necesito ayuda por favor", "es"),
    ("donde puedo dormir esta noche", "es"),
    ("gracias amiga", "es"),
    ("no tengo papeles", "es"),
    ("ok gracias", "es"),
    ("oi preciso de ajuda por favor", "pt"),
    ("onde posso dormir hoje", "pt"),
    ("obrigado amigo", "pt"),
    ("nao tenho documentos", "pt"),
    ("ok obrigado", "pt"),
    ("hello i need help please", "en"),
    ("where can i sleep tonight", "en"),
    ("thanks friend", "en"),
    ("no i do not have papers", "en"),
    ("ok thanks", "en"),
    ("taxi", "en"),
    ("taxi", "es"),
]


@pytest.fixture(scope="module")
def language_model() -> NgramLanguageModel:
    return NgramLanguageModel.fit(TRAINING, CONFIG)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("necesito ayuda donde puedo dormir", "es"),
        ("preciso de ajuda onde posso dormir", "pt"),
        ("i need help where can i sleep", "en"),
    ],
)
def test_identifies_clear_messages(
    language_model: NgramLanguageModel, text: str, code: str
) -> None:
    guess = language_model.identify(text)
    assert guess.code == code
    assert not guess.ambiguous


@pytest.mark.parametrize("text", ["ok", "no", "taxi", "OK!!"])
def test_shared_words_are_ambiguous(
    language_model: NgramLanguageModel, text: str
) -> None:
    assert language_model.identify(text).ambiguous


def test_one_word_of_a_single_language_is_clear(
    language_model: NgramLanguageModel,
) -> None:
    guess = language_model.identify("obrigado")
    assert (guess.code, guess.ambiguous) == ("pt", False)


@pytest.mark.parametrize("text", ["", "123", "!!!", "🙂🙂"])
def test_no_letters_no_guess(language_model: NgramLanguageModel, text: str) -> None:
    assert language_model.identify(text) is None


def test_phrase_patterns_match_whole_words_and_prefixes() -> None:
    net = KeywordNet({"es": [phrase_pattern("me golpe*"), phrase_pattern("= sos")]})
    assert net.match("ME GOLPEÓ anoche") == "es"
    assert net.match("Me golpean!!") == "es"
    assert net.match("sos") == "es"
    assert net.match("vos sos un bot?") is None
    assert net.match("mega golpe") is None


def test_shipped_keyword_files_cover_every_language() -> None:
    net = KeywordNet.from_directory(Path("bot/emergency_keywords"))
    for language in ("en", "es", "pt", "fr", "ht", "qu", "gn"):
        assert net.patterns.get(language), language


@pytest.mark.parametrize(
    ("text", "intent"),
    [("3", "ask_health"), (" #9 ", "request_human"), ("1.", "ask_rights")],
)
def test_bare_digit_picks_the_menu_topic(text: str, intent: str) -> None:
    menu = MenuChoice(
        {"choices": {1: "ask_rights", 3: "ask_health", 9: "request_human"}}
    )
    message = Message(data={"text": text, "intent": {"name": "nlu_fallback"}})
    menu.process([message])
    assert message.get("intent")["name"] == intent
    assert message.get("intent_ranking")[0]["name"] == intent


@pytest.mark.parametrize("text", ["3 kids", "call 911", "5"])
def test_digits_in_sentences_or_unlisted_are_left_alone(text: str) -> None:
    menu = MenuChoice({"choices": {3: "ask_health"}})
    message = Message(data={"text": text, "intent": {"name": "greet"}})
    menu.process([message])
    assert message.get("intent")["name"] == "greet"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("humain", "request_human"),
        ("HUMAIN !", "request_human"),
        ("Persona.", "request_human"),
        ("es tu humain ?", "bot_challenge"),
        ("quiero una persona que me ayude", "bot_challenge"),
    ],
)
def test_the_word_for_a_person_alone_brings_one(text: str, intent: str) -> None:
    """ "humain" reads as "are you human?" to the classifier, but it is the word
    the French answers tell people to write for a person."""
    menu = MenuChoice({"choices": {}, "person_words": ["humain", "persona"]})
    message = Message(data={"text": text, "intent": {"name": "bot_challenge"}})
    menu.process([message])
    assert message.get("intent")["name"] == intent


@pytest.mark.parametrize("text", ["blorf snark zzz", "mmm ñañaña", "xqzv"])
def test_words_no_language_has_give_no_guess(
    language_model: NgramLanguageModel, text: str
) -> None:
    """Naive Bayes handed these, confidently, to the language with the least
    data: a Spanish speaker's "mmm ñañaña" was answered in Quechua."""
    assert language_model.identify(text) is None


def test_one_known_word_among_unknown_ones_is_enough_to_guess(
    language_model: NgramLanguageModel,
) -> None:
    guess = language_model.identify("obrigado Tapachula zzz")
    assert guess is not None and guess.code == "pt"
