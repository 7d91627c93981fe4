"""Yes/no answers by SMS: words in every language, digits, stop, unsure."""

import pytest

from actions.answers import is_bare_answer, read_answer


@pytest.mark.parametrize(
    "text", ["1", "yes", "Sí", "si claro", "SIM", "oui", "wi", "ari", "heẽ", "yeah!"]
)
def test_yes(text: str) -> None:
    assert read_answer(text) == "yes"


@pytest.mark.parametrize(
    "text", ["2", "no", "No.", "nao", "não nunca", "non", "manam", "nahániri", "nope"]
)
def test_no(text: str) -> None:
    assert read_answer(text) == "no"


@pytest.mark.parametrize(
    "text", ["0", "stop", "PARAR", "arrête", "kanpe", "sayay", "opa"]
)
def test_stop(text: str) -> None:
    assert read_answer(text) == "stop"


@pytest.mark.parametrize("text", ["no se", "no sé", "não sei", "idk", "m pa konnen"])
def test_unsure_is_not_no(text: str) -> None:
    assert read_answer(text) == "unsure"


@pytest.mark.parametrize("text", ["", "   ", "what do you mean", "🙂"])
def test_unreadable(text: str) -> None:
    assert read_answer(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "para nada",
        "Para nada!",
        "PARA NADA",
        "ya no",
        "ya no mas",
        "nao, de jeito nenhum",
        "pas du tout",
        "not at all",
        "ja nao",
    ],
)
def test_strong_and_time_bound_noes_are_no_not_stop(text: str) -> None:
    assert read_answer(text) == "no"


@pytest.mark.parametrize(
    "text", ["basta por favor", "stop please", "0.", "para porfa", "Parar"]
)
def test_stop_is_the_whole_message_give_or_take_a_please(text: str) -> None:
    assert read_answer(text) == "stop"


@pytest.mark.parametrize(
    "text",
    ["stop, quiero hablar con alguien", "para que me sirve esto", "basta ya me pegan"],
)
def test_a_stop_word_inside_a_sentence_does_not_stop(text: str) -> None:
    assert read_answer(text) != "stop"


@pytest.mark.parametrize(
    "text",
    [
        "a veces",
        "A VECES",
        "aveces",
        "si, a veces",
        "às vezes",
        "as vezes sim",
        "parfois",
        "des fois",
        "sometimes",
        "Sometimes yes",
        "pafwa",
        "de vez en cuando",
    ],
)
def test_sometimes_is_its_own_answer(text: str) -> None:
    assert read_answer(text) == "sometimes"


@pytest.mark.parametrize("text", ["no", "Sí", "a veces", "0", "no se", "para nada"])
def test_bare_answers(text: str) -> None:
    assert is_bare_answer(text)


@pytest.mark.parametrize(
    "text", ["borra mis datos", "no, quiero hablar con una persona", "ayuda"]
)
def test_not_bare_answers(text: str) -> None:
    assert not is_bare_answer(text)
