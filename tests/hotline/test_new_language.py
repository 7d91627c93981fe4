"""``make new-language`` on a copy of the repository's language files: every
piece a language needs exists afterwards, the registry takes the language with
its fall-back chain, nothing existing is overwritten, and the completeness
check names what is left (translation, examples, the person word) until done."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.language_check import missing_pieces
from bot.languages import read_registry
from bot.new_language import add_language

ROOT = Path(__file__).resolve().parents[2]
NEEDED = [
    "bot/languages.yml",
    "bot/data/nlu/en.yml",
    "locales/messages.pot",
]


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    for name in NEEDED:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


def test_a_new_language_gets_every_piece_and_is_named_incomplete(
    repository: Path,
) -> None:
    made = add_language("kek", "es", "Q'eqchi'", "Q'eqchi'", root=repository)
    created = {path.relative_to(repository).as_posix() for path in made}
    assert created >= {
        "bot/languages.yml",
        "locales/kek/LC_MESSAGES/messages.po",
        "bot/data/nlu/kek.yml",
        "tests/nlu_holdout/team/kek.yml",
        "tests/nlu_holdout/outside/kek.yml",
        "tests/nlu_holdout/outside/danger_kek.yml",
        "bot/danger_data/kek.yml",
        "bot/emergency_keywords/kek.txt",
        "locales/kek/audio/README.md",
    }

    language = read_registry(repository / "bot" / "languages.yml")["kek"]
    assert (language.fallback, language.core, language.voice.listen) == (
        ("es", "en"),
        False,
        None,
    )

    gaps = "\n".join(missing_pieces("kek", repository))
    assert "no person_word" in gaps
    assert "texts untranslated" in gaps
    assert "bot/data/nlu/kek.yml: fewer than 30 examples for 25 intents" in gaps
    assert "missing" not in gaps  # every file exists; only the work is left


def test_adding_again_overwrites_nothing(repository: Path) -> None:
    add_language("kek", "es", "Q'eqchi'", "Q'eqchi'", root=repository)
    nlu = repository / "bot" / "data" / "nlu" / "kek.yml"
    nlu.write_text(nlu.read_text() + "# written by a translator\n")
    registry = (repository / "bot" / "languages.yml").read_text()

    assert add_language("kek", "es", "Q'eqchi'", "Q'eqchi'", root=repository) == [
        repository / "locales" / "kek" / "audio" / "README.md"
    ]
    assert nlu.read_text().endswith("# written by a translator\n")
    assert (repository / "bot" / "languages.yml").read_text() == registry


@pytest.mark.parametrize(("code", "fallback"), [("K1", "es"), ("kek", "xx")])
def test_a_bad_code_or_fallback_is_refused(
    repository: Path, code: str, fallback: str
) -> None:
    with pytest.raises(SystemExit):
        add_language(code, fallback, "Name", "Name", root=repository)
