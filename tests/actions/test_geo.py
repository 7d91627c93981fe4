"""Every mention of a country resolves to its ISO code, however it is written."""

from __future__ import annotations

import pytest

from actions.directory.loader import default_directory
from actions.geo import UNKNOWN_COUNTRY, located_country, resolve_country
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


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("¿a qué número puedo llamar? estoy en México", "MX"),
        ("je suis au pérou, j'ai besoin d'un avocat", "PE"),
        ("estou nos EUA e preciso de um advogado", "US"),
        ("where can i sleep safe tonight im in the US", "US"),
        ("estoy en la Argentina", "AR"),
        ("mwen nan Repiblik Dominikèn", "DO"),
        ("Piruwpi kachkani, yanapay", "PE"),
        ("Estados Unidospi", "US"),
        ("Paraguáipe aime", "PY"),
        ("estoy en guatemla", "GT"),
        ("no estoy en México, estoy en Guatemala", "GT"),
        ("SOY DE HONDURAS Y ESTOY EN MEXICO", "MX"),
        # Where a person comes from is not where they are.
        ("soy de Honduras", None),
        ("soy hondureña, necesito un refugio", None),
        ("I need a lawyer in latin america", None),
        ("en la casa de mi jefe", None),
        ("necesito un abogado", None),
        ("en", None),
        (None, None),
    ],
)
def test_where_a_message_says_the_person_is(text: str | None, code: str | None) -> None:
    assert located_country(text) == code
