"""Add a language to the line (``make new-language CODE=xx FALLBACK=es NAME=...``).

Creates every piece a language needs, empty or as a skeleton, so that what is
left is translation and writing: the registry entry (menus, widget, console),
the catalog, the NLU file and its two hold-out sets, the danger data and the
emergency keywords, and the recorded-prompt slots. ``tests/
test_languages_complete.py`` then names, per language, what is still missing
until the language is complete. Nothing existing is overwritten.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from bot.language_check import ROOT, missing_pieces, reference_intents
from bot.languages import LANGUAGES
from hotline.voice.audio import write_slots

CODE = re.compile(r"[a-z]{2,3}")
DRAFT = "# Review-Status: draft - machine-drafted, not reviewed by a native speaker"


def espeak_has(voice: str) -> bool:
    """Whether espeak-ng on this machine can render the language."""
    if shutil.which("espeak-ng") is None:
        return False
    listing = subprocess.run(
        ["espeak-ng", "--voices"], capture_output=True, text=True, check=False
    ).stdout
    return any(line.split()[1:2] == [voice] for line in listing.splitlines()[1:])


def registry_entry(code: str, name: str, autonym: str, fallback: str) -> str:
    """The entry appended to bot/languages.yml: the fall-back's voice speaks
    where no audio exists, and nobody's recogniser knows a new language."""
    near = LANGUAGES[fallback]
    chain = [fallback, *near.fallback]
    espeak = code if espeak_has(code) else None
    entry = {
        code: {
            "name": name,
            "autonym": autonym,
            "fallback": chain,
            "core": False,
            "aliases": [],
            "also_called": [name.lower()],
            "person_word": None,
            "voice": {
                "twilio": False,
                "say": near.voice.say,
                "polly": near.voice.polly,
                "listen": None,
                "espeak": espeak,
            },
        }
    }
    note = "# Added by make new-language: choose its person_word, aliases and names.\n"
    return note + yaml.safe_dump(entry, allow_unicode=True, sort_keys=False)


def catalog_text(code: str, name: str, root: Path) -> str:
    """An empty catalog of every text in the template, marked as a draft."""
    with (root / "locales" / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    catalog = Catalog(
        locale=None, project="Aliada", copyright_holder="Aliada contributors"
    )
    catalog.header_comment = (
        f"# {name} translations for Aliada.\n"
        "# Copyright (C) 2026 Aliada contributors\n"
        "# This file is distributed under the same license as the Aliada project.\n"
        f"{DRAFT}\n#"
    )
    catalog.language_team = f"{code} <none>"
    for message in template:
        if message.id:
            catalog.add(
                message.id,
                ("", "") if message.pluralizable else None,
                context=message.context,
                auto_comments=message.auto_comments,
                flags=message.flags - {"fuzzy"},
            )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0)
    text = buffer.getvalue().decode("utf-8")
    # Babel writes no Language header for a locale CLDR does not know.
    return text.replace('"MIME-Version', f'"Language: {code}\\n"\n"MIME-Version', 1)


def nlu_skeleton(code: str, name: str, what: str, root: Path) -> str:
    """Valid, empty training data, with one commented block per intent."""
    lines = [
        f"# {what} for {name} ({code}). Each intent: uncomment its block and",
        "# write its examples as people really write (see bot/data/nlu/en.yml",
        "# for what each intent covers).",
        'version: "3.1"',
        "nlu: []",
    ]
    for intent in reference_intents(root):
        lines += [
            f"# - intent: {intent}",
            "#   metadata:",
            f"#     language: {code}",
            "#   examples: |",
            "#     - ",
        ]
    return "\n".join(lines) + "\n"


def create(path: Path, text: str, made: list[Path]) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    made.append(path)


def add_language(
    code: str, fallback: str, name: str, autonym: str, root: Path = ROOT
) -> list[Path]:
    """Every piece of a new language; the files it created or extended."""
    if not CODE.fullmatch(code):
        raise SystemExit(f"CODE must be an ISO 639 code (2-3 letters): {code!r}")
    if fallback not in LANGUAGES:
        raise SystemExit(f"FALLBACK must be one of {', '.join(LANGUAGES)}")
    made: list[Path] = []
    registry = root / "bot" / "languages.yml"
    if code not in (yaml.safe_load(registry.read_text(encoding="utf-8")) or {}):
        with registry.open("a", encoding="utf-8") as handle:
            handle.write(registry_entry(code, name, autonym, fallback))
        made.append(registry)
    holdout = root / "tests" / "nlu_holdout"
    skeletons = {
        root / "locales" / code / "LC_MESSAGES" / "messages.po": catalog_text(
            code, name, root
        ),
        root / "bot" / "data" / "nlu" / f"{code}.yml": nlu_skeleton(
            code, name, "NLU training data", root
        ),
        holdout / "team" / f"{code}.yml": nlu_skeleton(
            code, name, "Held-out examples by the team (never trained on)", root
        ),
        holdout / "outside" / f"{code}.yml": nlu_skeleton(
            code,
            name,
            "Held-out examples written apart from the training data, by someone "
            "who has not seen it (never trained on)",
            root,
        ),
        root / "bot" / "danger_data" / f"{code}.yml": (
            f"# Danger classifier data for {name}. Each batch: '# source: <page>'.\n"
            "danger: []\nsafe: []\n"
        ),
        holdout / "outside" / f"danger_{code}.yml": (
            f"# {name}: danger and hard not-danger messages, written apart from\n"
            "# the training data by someone who has not seen it.\n"
            "danger: []\nnot_danger: []\n"
        ),
        root / "bot" / "emergency_keywords" / f"{code}.txt": (
            f"# {name} ({code}) emergency keyword net.\n"
            '# Lowercase, no accents; "*" = prefix. Only phrases meaning danger now.\n'
        ),
    }
    for path, text in skeletons.items():
        create(path, text, made)
    made += write_slots([code], root / "locales")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make new-language", description=__doc__)
    parser.add_argument("--code", required=True)
    parser.add_argument("--fallback", default="es")
    parser.add_argument("--name", required=True)
    parser.add_argument("--autonym", help="its name in itself (default: NAME)")
    args = parser.parse_args(argv)
    made = add_language(args.code, args.fallback, args.name, args.autonym or args.name)
    for path in made:
        print(f"created or extended {path.relative_to(ROOT)}")
    print(f"\nWhat {args.code} still needs (tests/test_languages_complete.py):")
    for gap in missing_pieces(args.code):
        print(f"  - {gap}")
    print(
        "\nThen `make translations && make test`; README 'Adding a language'.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
