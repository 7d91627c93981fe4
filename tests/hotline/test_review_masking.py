"""Masking before anyone reads a kept message: no number, address, link,
handle, name or place survives, in the line's languages, and the ordinary
words the bot needs to learn from stay."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.review.masking import mask

# (language, message, what must not survive, what must stay)
CASES = [
    (
        "es",
        "Hola, me llamo maria lopez y estoy en tapachula, mi numero es "
        "+52 962 123 4567, escribeme a maria.lopez@gmail.com o @marylo",
        ["maria", "lopez", "tapachula", "962", "gmail", "marylo"],
        ["Hola", "estoy en", "mi numero es"],
    ),
    (
        "es",
        "Necesito ayuda. Mi patrón Roberto Gómez no me paga y me tiene en "
        "Monterrey desde hace 3 meses",
        ["Roberto", "Gómez", "Monterrey", "3"],
        ["Necesito ayuda", "no me paga", "meses"],
    ),
    (
        "en",
        "my name is john smith and I live in Houston with Linda, call 555-0199 "
        "or see www.example.com/jobs",
        ["john", "smith", "Houston", "Linda", "555", "0199", "example"],
        ["my name is", "I live in", "call"],
    ),
    (
        "fr",
        "Je m'appelle Amélie Dubois, je suis à Lyon, mon numéro 06 12 34 56 78",
        ["Amélie", "Dubois", "Lyon", "06", "78"],
        ["Je m'appelle", "mon numéro"],
    ),
    (
        "pt",
        "meu nome é joão, moro em são paulo com a Dona Cida, tenho 23 anos",
        ["joão", "são paulo", "Cida", "23"],
        ["meu nome é", "moro em", "anos"],
    ),
    (
        "ht",
        "Mwen rele Jean-Baptiste, mwen nan Santo Domingo, nimewo m se 809-555-0134",
        ["Jean-Baptiste", "Santo Domingo", "809", "0134"],
        ["Mwen rele", "nimewo"],
    ),
    (
        "qu",
        "Sutiyqa Rosa Quispe, Cusco llaqtapi kachkani, 987654321",
        ["Rosa", "Quispe", "Cusco", "987"],
        ["llaqtapi"],
    ),
    (
        "es",
        "mi hermana está en Estados Unidos, en houston, con un señor llamado Pedro",
        ["Estados Unidos", "houston", "Pedro"],
        ["mi hermana"],
    ),
]


@pytest.mark.parametrize(("language", "message", "gone", "kept"), CASES)
def test_numbers_names_and_places_do_not_survive(
    language: str, message: str, gone: list[str], kept: list[str]
) -> None:
    masked = mask(message, language)
    assert not re.search(r"\d", masked), masked
    for secret in gone:
        assert secret.casefold() not in masked.casefold(), (secret, masked)
    for word in kept:
        assert word in masked, (word, masked)


def test_an_ordinary_question_is_left_as_it_was() -> None:
    question = "donde puedo dormir esta noche, no tengo papeles"
    assert mask(question, "es") == question


@given(
    st.text(alphabet="abc xyz.,", max_size=30),
    st.from_regex(
        r"\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}", fullmatch=True
    ),
    st.text(alphabet="abc xyz.,", max_size=30),
)
def test_no_digit_of_a_phone_number_survives(
    before: str, number: str, after: str
) -> None:
    assert not re.search(r"\d", mask(f"{before} {number} {after}", "es"))


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "please help us, I only speak Spanish, not English"),
        ("es", "hablo español y quechua, no inglés"),
        ("fr", "je parle créole et un peu français"),
    ],
)
def test_language_names_and_ordinary_words_are_not_places(
    language: str, message: str
) -> None:
    """The bot must learn "I speak Spanish"; "us" is no country here."""
    assert mask(message, language) == message
