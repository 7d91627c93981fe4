"""The emergency number to give a person: their country's when it is known,
else the numbers of the countries the directory covers.

Shared by the action server and the hotline (neither Rasa nor Flask here): the
bot's answers, the hotline's HELP, outage, team-away and voice texts all say
the same numbers.
"""

from __future__ import annotations

from collections import Counter

from actions.directory.loader import default_directory
from bot.catalogs import Text
from bot.country_names import country_name

# "911 in most of the countries we cover; Bolivia 110, Brazil 190, ...": the
# number most directory countries share, then each other country with its own.
EMERGENCY_NUMBERS = Text(
    "emergency_numbers", "%(common)s in most of the countries we cover; %(others)s"
)
NUMBER_IN_COUNTRY = Text("emergency_number_in_country", "%(country)s %(number)s")
# The country is named: a number's country is a guess (a visitor keeps theirs).
NUMBER_HERE = Text("emergency_number_here", "%(number)s (%(country)s)")


def emergency_number(country: str | None) -> str | None:
    """The country's emergency number, when the directory has the country."""
    entry = default_directory().get(country)
    return entry.emergency_number() if entry else None


def common_emergency_numbers(language: str) -> str:
    """Every directory country's emergency number, in one short line."""
    numbers = {
        code: country.emergency_number()
        for code, country in default_directory().countries.items()
    }
    common, _ = Counter(numbers.values()).most_common(1)[0]
    others = sorted(
        (country_name(code, language), number)
        for code, number in numbers.items()
        if number != common
    )
    if not others:
        return common
    listed = ", ".join(
        NUMBER_IN_COUNTRY(language, country=name, number=number)
        for name, number in others
    )
    return EMERGENCY_NUMBERS(language, common=common, others=listed)


def emergency_numbers_for(country: str | None, language: str) -> str:
    """The number to call in danger: the country's, named ("123 (Colombia)"),
    else the common list."""
    number = emergency_number(country)
    if number is None or country is None:
        return common_emergency_numbers(language)
    return NUMBER_HERE(language, number=number, country=country_name(country, language))
