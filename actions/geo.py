"""Where a person is: every mention of a country resolves to its ISO code here.

``resolve_country`` is the one function the whole bot uses, whatever the mention
came from: an entity value as the extractor gave it ("México", "Pérou"), a code
the NLU's synonyms already mapped ("MX"), a short answer with its article or
preposition ("no Brasil", "aux États-Unis", "in the US"), a demonym ("soy
hondureña"), a Quechua or Guarani name with its suffix ("Piruwpi", "Paraguáipe"),
or a small typo ("Guatemla").

The names come from one table, ``place_names``, built from its sources in
``_name_sources``: CLDR's country names in every supported language (Babel) and
the names, spellings and demonyms people really write
(``directory/countries.yml``). A table of towns ("Tapachula" -> MX) is one more
source in that list; nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

import yaml
from babel import Locale, UnknownLocaleError

from actions.languages import SUPPORTED_LANGUAGES, fallback_chain
from bot.normalize import normalize

ALIASES_PATH = Path(__file__).parent / "directory" / "countries.yml"
# The country form's marker for "a reply that named no country we know".
UNKNOWN_COUNTRY = "ZZ"

# Quechua and Guarani write "in", "from" and "to" on the word itself: "Piruwpi"
# (in Peru), "Mishikumanta" (from Mexico), "Paraguáipe" (in Paraguay),
# "Brasilgua" (from Brazil). Names are looked up a second time with these
# endings off, where at least MIN_STEM letters remain; the whole word is always
# tried first, and what is left must still be a name we know.
QUECHUA_SUFFIXES = ("mantam", "manta", "pim", "pi", "man")
GUARANI_SUFFIXES = ("pegua", "gua", "gui", "pe", "me")
PLACE_SUFFIXES = QUECHUA_SUFFIXES + GUARANI_SUFFIXES
MIN_STEM = 4

# Words that put a person in a place: "estoy en", "I'm in", "je suis au / aux /
# en", "estou no / na / nos / em", "mwen nan". Not "a" or "à" (also "to", and an
# article), nor "de" or "from": where a person comes from is their nationality.
LOCATIVES = frozenset(
    {"in", "en", "em", "no", "na", "nos", "nas", "au", "aux", "nan", "lan"}
)
ARTICLES = frozenset({"the", "el", "la", "los", "las", "le", "les", "l"})
# "Piruwpi" (in Peru), "Paraguáipe" (in Paraguay): the same on the word itself.
LOCATIVE_SUFFIXES = ("pim", "pi", "pe", "me")

# Typos: one letter missing or two swapped, in a short mention, for names long
# enough that such a slip does not make them another word.
FUZZY_MIN_LENGTH = 6
FUZZY_MAX_WORDS = 4
# Real words one slip away from a name ("fui salvado": I was rescued).
NOT_TYPOS = frozenset({"salvado"})


@cache
def _locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return None


@cache
def _aliases() -> dict[str, list[str]]:
    return yaml.safe_load(ALIASES_PATH.read_text(encoding="utf-8"))


def _cldr_names() -> Iterator[tuple[str, str]]:
    """Official names, in every supported language, of the countries we list."""
    for code in _aliases():
        for language in SUPPORTED_LANGUAGES:
            locale = _locale(language)
            if locale and code in locale.territories:
                yield locale.territories[code], code


def _alias_names() -> Iterator[tuple[str, str]]:
    """Names, spellings and demonyms people write (directory/countries.yml)."""
    for code, names in _aliases().items():
        for name in names:
            yield name, code


# Every source of place names. Later sources win on a clash, so a town table
# added last could never take a country's own name.
_name_sources: tuple[Callable[[], Iterable[tuple[str, str]]], ...] = (
    _cldr_names,
    _alias_names,
)


@cache
def place_names() -> dict[str, str]:
    """Normalised name -> ISO code, for every place we know a name of."""
    names: dict[str, str] = {}
    for source in _name_sources:
        for name, code in source():
            if key := normalize(name):
                names[key] = code
    return names


@cache
def known_codes() -> frozenset[str]:
    """The ISO codes the table can answer with."""
    return frozenset(place_names().values())


@cache
def _fuzzy_names() -> dict[str, str]:
    return {
        name: code
        for name, code in place_names().items()
        if " " not in name and len(name) >= FUZZY_MIN_LENGTH
    }


def _without_suffixes(words: list[str]) -> list[str]:
    """Each word without a Quechua or Guarani ending, where one comes off."""
    stripped = []
    for word in words:
        for suffix in PLACE_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
                word = word[: -len(suffix)]
                break
        stripped.append(word)
    return stripped


def _longest_name_in(words: list[str]) -> str | None:
    """The code of the longest known name that appears as whole words.

    Longest first, so "republica dominicana" is not read as "dominicana" and
    "estados unidos" not as "unidos".
    """
    names = place_names()
    best: tuple[int, str] | None = None
    for start in range(len(words)):
        for end in range(len(words), start, -1):
            candidate = " ".join(words[start:end])
            if candidate in names and (best is None or len(candidate) > best[0]):
                best = (len(candidate), names[candidate])
                break
    return best[1] if best else None


def _one_slip_apart(word: str, name: str) -> bool:
    """True when the word is the name with one letter left out or two swapped.

    Nothing else counts: a changed letter makes another word ("medico" is not
    "mexico"), and so can an extra one ("cansada" is not "canada").
    """
    if word[:1] != name[:1]:
        return False
    if len(word) == len(name):
        diffs = [i for i, (x, y) in enumerate(zip(word, name, strict=True)) if x != y]
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and word[diffs[0]] == name[diffs[1]]
            and word[diffs[1]] == name[diffs[0]]
        )
    return len(word) == len(name) - 1 and any(
        name[:i] + name[i + 1 :] == word for i in range(1, len(name))
    )


def _near_name_in(words: list[str]) -> str | None:
    """The code of the one name a word misspells by a single letter, if only one."""
    found = {
        code
        for word in words
        if len(word) >= FUZZY_MIN_LENGTH - 1 and word not in NOT_TYPOS
        for name, code in _fuzzy_names().items()
        if _one_slip_apart(word, name)
    }
    return found.pop() if len(found) == 1 else None


def resolve_country(mention: object) -> str | None:
    """The ISO 3166 alpha-2 code of the country a mention names, else None.

    ``mention`` is whatever reached us: an entity value, a slot's value, or a
    person's short answer. A code the NLU's synonyms produced ("MX") is taken as
    it is when it is one we know; the country form's "unknown" marker is not a
    country and resolves to None.
    """
    if not isinstance(mention, str):
        return None
    text = mention.strip()
    if len(text) == 2 and text.isupper() and text in known_codes():
        return text
    words = normalize(text).split()
    if not words:
        return None
    found = _longest_name_in(words) or _longest_name_in(_without_suffixes(words))
    if found is None and len(words) <= FUZZY_MAX_WORDS:
        found = _near_name_in(words)
    return found


def _name_from(words: list[str], start: int) -> str | None:
    """The code of the longest name that begins at words[start], if any."""
    names = place_names()
    for end in range(min(len(words), start + 4), start, -1):
        if code := names.get(" ".join(words[start:end])):
            return code
    return _near_name_in(words[start : start + 1])


def _name_before_suffix(words: list[str], index: int) -> str | None:
    """The code of a name that ends at words[index] once a locative ending is
    off it ("estados unidospi", "paraguaipe")."""
    word = words[index]
    for suffix in LOCATIVE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            stem = word[: -len(suffix)]
            for start in range(max(0, index - 3), index + 1):
                name = " ".join([*words[start:index], stem])
                if code := place_names().get(name):
                    return code
    return None


def located_country(text: object) -> str | None:
    """The country a message says the person is in, else None.

    Only a name right after a word that places the person ("estoy en México",
    "au Pérou", "nos EUA", "in the US", "nan Ayiti"), or with a Quechua or
    Guarani locative ending ("Piruwpi", "Paraguáipe"), resolved through the
    same names as ``resolve_country``; the last one named wins ("no estoy en
    México, estoy en Guatemala"). "Soy de Honduras" or "hondureña" say where a
    person comes from, not where they are.
    """
    if not isinstance(text, str):
        return None
    words = normalize(text).split()
    found = None
    for index, word in enumerate(words):
        code = None
        if word in LOCATIVES and index + 1 < len(words):
            code = _name_from(words, index + 1)
            if code is None and words[index + 1] in ARTICLES:
                code = _name_from(words, index + 2)
        elif word not in LOCATIVES:
            code = _name_before_suffix(words, index)
        found = code or found
    return found


def country_name(code: str, language: str) -> str:
    """The country's name in the person's language, else the nearest one."""
    for candidate in fallback_chain(language):
        locale = _locale(candidate)
        if locale and code in locale.territories:
            return locale.territories[code]
    return code
