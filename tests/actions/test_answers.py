"""Yes/no answers by SMS: words in every language, digits, stop, unsure."""

import pytest

from actions.answers import read_answer


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
