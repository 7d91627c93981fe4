"""Audio prompts for the languages Twilio cannot speak (ht, qu, gn).

Where the audio comes from, best first:
1. a recording a native speaker made: ``locales/<lang>/audio/<context>.wav``,
   named after the message context (``utter_greet.wav``);
2. a file rendered with espeak-ng by ``make audio`` (``python -m
   hotline.voice.audio render``) for every text the language's catalog
   translates, in ``AUDIO_DIR/<lang>/<sha256 of the spoken text>.wav``;
3. a file rendered on demand, the first time a text is spoken (answers with
   numbers filled in), in the same folder. Its name is an HMAC of the text with
   the deployment's secret, so nobody can test whether a caller heard it.
The files are served without a signature (Twilio fetches ``<Play>`` URLs with a
plain GET): only names matching these patterns are looked up, nothing else.

espeak-ng has voices named ``ht``, ``qu`` and ``gn`` (1.51); where a build lacks
one, the nearest voice is used (French for Haitian Creole, Latin American
Spanish for Quechua and Guarani), which reads the words with its own accent.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import hmac
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from actions.directory.emergency import emergency_numbers_for
from actions.directory.loader import default_directory
from bot.catalogs import LOCALES_DIR
from bot.languages import EXTRA_LANGUAGES
from hotline import config
from hotline.voice import catalog, prompts
from hotline.voice.languages import menu_digit
from hotline.voice.speech import spoken

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"
# The language's own voice first, then the nearest one.
ESPEAK_VOICES = {"ht": ("ht", "fr"), "qu": ("qu", "es-419"), "gn": ("gn", "es-419")}
SPEED_WPM = "140"  # a little slower than espeak's 175: callers hear it on a phone
RENDER_TIMEOUT_SECONDS = 10
HASH_NAME = re.compile(r"[0-9a-f]{64}")
CONTEXT_NAME = re.compile(r"[a-z][a-z0-9_]{0,79}")


def recorded_dir(language: str) -> Path:
    return LOCALES_DIR / language / "audio"


def rendered_dir(audio_dir: str | Path, language: str) -> Path:
    return Path(audio_dir) / language


def catalog_name(language: str, words: str) -> str:
    """The file name of a catalog text: the same on every machine."""
    return hashlib.sha256(f"{language}\x1f{words}".encode()).hexdigest()


def private_name(language: str, words: str, secret: str) -> str:
    """The file name of any other text: unguessable without the secret."""
    message = f"{language}\x1f{words}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@cache
def installed_voices() -> frozenset[str]:
    """espeak-ng's voice names; empty when espeak-ng is not installed."""
    if shutil.which(ESPEAK) is None:
        return frozenset()
    listing = subprocess.run(
        [ESPEAK, "--voices"], capture_output=True, text=True, check=False, timeout=10
    ).stdout
    return frozenset(
        columns[1]
        for line in listing.splitlines()[1:]
        if len(columns := line.split()) > 1
    )


def espeak_voice(language: str) -> str | None:
    """The espeak-ng voice for a language, or the nearest one installed."""
    voices = installed_voices()
    return next((v for v in ESPEAK_VOICES.get(language, ()) if v in voices), None)


def render(words: str, voice: str, path: Path) -> None:
    """Speak ``words`` into a WAV file; written aside, then moved into place, so
    a concurrent request never serves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    try:
        subprocess.run(
            [
                ESPEAK,
                "-v",
                voice,
                "-s",
                SPEED_WPM,
                "-b",
                "1",
                "-w",
                temporary,
                "--stdin",
            ],
            input=words.encode(),
            capture_output=True,
            check=True,
            timeout=RENDER_TIMEOUT_SECONDS,
        )
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def audio_name(
    language: str,
    text: str,
    audio_dir: str | Path,
    secret: str,
    context: str | None = None,
) -> str | None:
    """The name of a WAV to play for ``text`` (rendering it now if needed), or
    None when there is none and espeak-ng cannot make one. ``context`` names a
    hotline prompt: public words (catalog text and the line's numbers), so
    named like the catalog texts ``make audio`` renders."""
    public = context is not None or catalog.written_in(language, text) is not None
    context = context or catalog.contexts_by_text(language).get(text)
    if context and (recorded_dir(language) / f"{context}.wav").is_file():
        return context
    words = spoken(text)
    if not words:
        return None
    folder = rendered_dir(audio_dir, language)
    name = catalog_name(language, words)
    if (folder / f"{name}.wav").is_file():
        return name
    if not public:  # the bot's words with something filled in
        name = private_name(language, words, secret)
        if (folder / f"{name}.wav").is_file():
            return name
    voice = espeak_voice(language)
    if voice is None:
        return None
    try:
        render(words, voice, folder / f"{name}.wav")
    except (OSError, subprocess.SubprocessError):
        log.exception("could not render a %s prompt with espeak-ng", language)
        return None
    return name


def audio_file(language: str, name: str, audio_dir: str | Path) -> Path | None:
    """The file behind a served name; None for any name we never hand out."""
    if HASH_NAME.fullmatch(name):
        path = rendered_dir(audio_dir, language) / f"{name}.wav"
    elif CONTEXT_NAME.fullmatch(name):
        path = recorded_dir(language) / f"{name}.wav"
    else:
        return None
    return path if path.is_file() else None


def prompt_texts(language: str, numbers: dict[str, str]) -> list[str]:
    """The line's own prompts as they are said in a language (values filled).
    A prompt with a value known only during a call (a place in line) is left
    to be rendered when it is first said."""
    values = {"digit": menu_digit(language), **numbers}
    said = []
    for text in vars(prompts).values():
        if (
            isinstance(text, prompts.Text)
            and text is not prompts.MENU_OPTION_NAMED
            and catalog.prompt_language(language, text) == language
        ):
            with contextlib.suppress(KeyError):
                said.append(text(language, **values))
    return said


def catalog_texts(language: str) -> list[str]:
    """Every text the language's catalog translates that has no placeholder."""
    return [
        text
        for text in catalog.own_messages(language).values()
        if "{" not in text and "%(" not in text
    ]


def render_language(
    language: str, audio_dir: str | Path, numbers: dict[str, str]
) -> int:
    """Render every prompt and catalog text of one language; returns new files."""
    voice = espeak_voice(language)
    if voice is None:
        raise RuntimeError(f"espeak-ng has no voice for {language}")
    folder = rendered_dir(audio_dir, language)
    made = 0
    for text in dict.fromkeys(
        catalog_texts(language) + prompt_texts(language, numbers)
    ):
        words = spoken(text)
        path = folder / f"{catalog_name(language, words)}.wav"
        if words and not path.is_file():
            render(words, voice, path)
            made += 1
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hotline.voice.audio")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("render", help="render ht qu gn prompts to WAV")
    command.add_argument("languages", nargs="*", default=list(EXTRA_LANGUAGES))
    arguments = parser.parse_args(argv)
    settings = config.from_environment()
    config.check(settings)  # the prompts say the hotline number
    if not installed_voices():
        print(f"{ESPEAK} is not installed (Debian: apt-get install espeak-ng)")
        return 1
    for language in arguments.languages:
        # The prompts name the caller's country's emergency number, or all of
        # them while it is unknown: each variant is rendered.
        made = sum(
            render_language(
                language,
                settings["AUDIO_DIR"],
                {
                    "hotline": settings["HOTLINE_NUMBER"],
                    "emergency": emergency_numbers_for(country, language),
                },
            )
            for country in (None, *sorted(default_directory().countries))
        )
        voice = espeak_voice(language)
        print(f"{language}: {made} new prompts (espeak-ng voice {voice})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
