"""Every mention of a country resolves to its ISO code, however it is written."""

from __future__ import annotations

import pytest

from actions.directory.loader import default_directory
from actions.geo import UNKNOWN_COUNTRY, resolve_country
from bot.languages import SUPPORTED_LANGUAGES
from tests.country_mentions import MENTIONS, all_mentions


def test_the_table_names_every_directory_country_in_every_language() -> None:
    assert set(MENTIONS) == set(SUPPORTED_LANGUAGES)
    for language, countries in MENTIONS.items():
        assert set(countries) == set(default_directory().countries), language


@pytest.mark.parametrize(
    ("language", "code", "text"),
    all_mentions(),
    ids=[f"{lang}-{code}-{text}" for lang, code, text in all_mentions()],
)
def test_country_as_people_write_it(language: str, code: str, text: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # What the NLU gives: raw entity words, or codes its synonyms mapped.
        ("México", "MX"),
        ("MX", "MX"),
        ("US", "US"),
        ("PE", "PE"),
        ("DO", "DO"),
        # Demonyms.
        ("soy hondureña", "HN"),
        ("je suis haïtienne", "HT"),
        ("sou brasileira", "BR"),
        ("mwen se ayisyen", "HT"),
        # The longest name wins.
        ("estoy en la república dominicana", "DO"),
        ("no, nos Estados Unidos", "US"),
        # One letter off.
        ("Guatemla", "GT"),
        ("mexcio", "MX"),
        ("colobmia", "CO"),
        ("Argentna", "AR"),
        ("brazl", "BR"),
        ("hondura", "HN"),
    ],
)
def test_codes_demonyms_and_typos(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "?!",
        UNKNOWN_COUNTRY,
        # Two capital letters that are no code we know, or a word.
        "NO",
        "no",
        "us",
        "help us",
        "ok",
        "ayuda",
        "necesito un refugio",
        "gracias",
        "woman",
        "medico",
        "fui salvado",
        "paraguas",
        "estoy cansada",
        "las americas",
        "houston",
        "estoy en tapachula",
        "mwen bezwen èd",
    ],
)
def test_no_country_is_invented(text: str | None) -> None:
    assert resolve_country(text) is None


def test_a_list_of_values_is_not_a_mention() -> None:
    assert resolve_country(["México"]) is None
