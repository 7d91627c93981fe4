"""What a configured language still lacks, named piece by piece.

``tests/test_languages_complete.py`` fails with this list until every language
of ``bot/languages.yml`` is complete; ``make new-language`` prints it for the
language it created. English is the source: its catalog is the template.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml
from babel.messages.pofile import read_po

from bot.catalogs import REVIEW_STATUS_PREFIX
from bot.languages import DEFAULT_LANGUAGE, read_registry

ROOT = Path(__file__).resolve().parent.parent
# What "understood on the main topics" takes (issue 14): examples per intent in
# the training data, and in each hold-out set to measure it at all.
MIN_TRAINING_EXAMPLES = 30
MIN_HOLDOUT_EXAMPLES = 6
# The danger classifier learns a language from both sides of the line.
MIN_DANGER_EXAMPLES = 40
MIN_OUTSIDE_DANGER_EXAMPLES = 15
MIN_KEYWORDS = 15


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def examples_per_intent(path: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    for block in _yaml(path).get("nlu") or []:
        if "intent" in block:
            lines = str(block.get("examples", "")).splitlines()
            counts[block["intent"]] += sum(
                1 for line in lines if line.strip().removeprefix("-").strip()
            )
    return counts


def reference_intents(root: Path = ROOT) -> list[str]:
    """The intents the English training data teaches: every language's set."""
    return sorted(examples_per_intent(root / "bot" / "data" / "nlu" / "en.yml"))


def _catalog_gaps(code: str, root: Path) -> list[str]:
    path = root / "locales" / code / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return [f"{path.relative_to(root)}: no catalog"]
    gaps = []
    text = path.read_text(encoding="utf-8")
    if REVIEW_STATUS_PREFIX not in text.split("msgid", 1)[0]:
        gaps.append(f"{path.relative_to(root)}: no '{REVIEW_STATUS_PREFIX}' line")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code if code != DEFAULT_LANGUAGE else None)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (
            message.fuzzy
            or not (
                all(message.string)
                if isinstance(message.string, tuple)
                else message.string
            )
        )
    ]
    if untranslated:
        first = untranslated[0]
        first = first[0] if isinstance(first, tuple) else first
        gaps.append(
            f"{path.relative_to(root)}: {len(untranslated)} of "
            f"{sum(1 for m in catalog if m.id)} texts untranslated or fuzzy "
            f"(first: {first[:60]!r})"
        )
    return gaps


def _nlu_gaps(path: Path, root: Path, intents: list[str], least: int) -> list[str]:
    if not path.exists():
        return [f"{path.relative_to(root)}: missing"]
    counts = examples_per_intent(path)
    short = [f"{i} {counts[i]}" for i in intents if counts[i] < least]
    if not short:
        return []
    return [
        f"{path.relative_to(root)}: fewer than {least} examples for "
        f"{len(short)} intents ({', '.join(short)})"
    ]


def _danger_gaps(
    path: Path, root: Path, sides: tuple[str, str], least: int
) -> list[str]:
    if not path.exists():
        return [f"{path.relative_to(root)}: missing"]
    data = _yaml(path)
    return [
        f"{path.relative_to(root)}: {len(data.get(side) or [])} '{side}' messages "
        f"(at least {least})"
        for side in sides
        if len(data.get(side) or []) < least
    ]


def _keyword_gaps(path: Path, root: Path) -> list[str]:
    if not path.exists():
        return [f"{path.relative_to(root)}: missing"]
    keywords = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if len(keywords) < MIN_KEYWORDS:
        return [
            f"{path.relative_to(root)}: {len(keywords)} keywords "
            f"(at least {MIN_KEYWORDS})"
        ]
    return []


def missing_pieces(code: str, root: Path = ROOT) -> list[str]:
    """Everything the language lacks, as lines a translator can act on."""
    language = read_registry(root / "bot" / "languages.yml").get(code)
    if language is None:
        return [f"bot/languages.yml: no entry for {code}"]
    gaps = [
        f"bot/languages.yml: {code} has no {field}"
        for field in ("name", "autonym", "person_word")
        if not getattr(language, field)
    ]
    intents = reference_intents(root)
    if code != DEFAULT_LANGUAGE:
        gaps += _catalog_gaps(code, root)
    nlu = root / "bot" / "data" / "nlu"
    holdout = root / "tests" / "nlu_holdout"
    gaps += _nlu_gaps(nlu / f"{code}.yml", root, intents, MIN_TRAINING_EXAMPLES)
    gaps += _nlu_gaps(
        holdout / "outside" / f"{code}.yml", root, intents, MIN_HOLDOUT_EXAMPLES
    )
    team = holdout / "team" / f"{code}.yml"
    if not team.exists():
        gaps.append(f"{team.relative_to(root)}: missing")
    elif not examples_per_intent(team):
        gaps.append(f"{team.relative_to(root)}: no examples yet")
    gaps += _danger_gaps(
        root / "bot" / "danger_data" / f"{code}.yml",
        root,
        ("danger", "safe"),
        MIN_DANGER_EXAMPLES,
    )
    gaps += _danger_gaps(
        holdout / "outside" / f"danger_{code}.yml",
        root,
        ("danger", "not_danger"),
        MIN_OUTSIDE_DANGER_EXAMPLES,
    )
    gaps += _keyword_gaps(root / "bot" / "emergency_keywords" / f"{code}.txt", root)
    slots = root / "locales" / code / "audio" / "README.md"
    if code != DEFAULT_LANGUAGE and not language.core and not slots.exists():
        gaps.append(
            f"{slots.relative_to(root)}: no recorded-prompt slots "
            "(python -m hotline.voice.audio slots)"
        )
    return gaps
