"""Audio prompts for the languages Twilio cannot speak (ht, qu, gn, quc, ay).

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

Each language's espeak-ng voice comes from the registry (``bot/languages.yml``,
``voice.espeak``: ``ht``, ``qu``, ``gn``, ``quc`` in espeak-ng 1.51); where a
build lacks it, the voice of the nearest language is used (French for Haitian
Creole, Latin American Spanish for Quechua), which reads the words with its own
accent. A language with ``espeak: null`` (Aymara) has no rendered audio: only
recordings, else Twilio's nearest ``<Say>``.

A recording replaces a prompt without placeholders (or with only the menu
key): one with numbers in it (the caller's emergency number, a place in line)
is never replaced, since a recording cannot say another caller's numbers.
``python -m hotline.voice.audio slots`` writes ``locales/<lang>/audio/README.md``,
the list of files a speaker can record (``write_slots``).
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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

from actions.directory.emergency import emergency_numbers_for
from actions.directory.loader import default_directory
from bot.catalogs import DOMAIN, LOCALES_DIR
from bot.languages import LANGUAGES, REGISTRY, Language, fallback_chain, read_registry
from hotline import config
from hotline.voice import catalog, prompts
from hotline.voice.languages import menu_digit, menu_pages, voice_for
from hotline.voice.speech import spoken

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"


def _espeak_voices(code: str) -> tuple[str, ...]:
    """The language's own espeak-ng voice, then the nearest language's; none
    for a language without one (its callers hear recordings or Twilio)."""
    own = LANGUAGES[code].voice.espeak
    if own is None:
        return ()
    nearest = (
        LANGUAGES[c].voice.espeak for c in fallback_chain(code)[1:] if c in LANGUAGES
    )
    return (own, *(v for v in nearest if v is not None and v != own))[:2]


# The languages Twilio cannot speak, each with its voices, own first.
ESPEAK_VOICES = {
    code: _espeak_voices(code)
    for code, language in LANGUAGES.items()
    if not language.voice.twilio
}
SPEED_WPM = "140"  # a little slower than espeak's 175: callers hear it on a phone
RENDER_TIMEOUT_SECONDS = 10
HASH_NAME = re.compile(r"[0-9a-f]{64}")
CONTEXT_NAME = re.compile(r"[a-z][a-z0-9_]{0,79}")


# Where recordings live (``<root>/<lang>/audio``); tests point it elsewhere.
RECORDINGS_ROOT = LOCALES_DIR
AUDIO_FORMAT = "WAV, 8 kHz, mono, 16-bit PCM (or 8-bit mu-law)"


def recorded_dir(language: str) -> Path:
    return RECORDINGS_ROOT / language / "audio"


def recordable(text: prompts.Text) -> bool:
    """A line prompt a recording may replace: the caller hears it, and it
    holds no value but the menu key (never a number that differs by caller)."""
    source = text.source.replace("%(digit)s", "")
    return (
        not text.context.startswith("hotline_voice_operator_")
        and text is not prompts.MENU_OPTION_NAMED
        and text is not prompts.PERSON_WORDS
        and "%(" not in source
    )


def recordable_prompts() -> list[prompts.Text]:
    return [
        text
        for text in vars(prompts).values()
        if isinstance(text, prompts.Text) and recordable(text)
    ]


@cache
def recordable_contexts() -> frozenset[str]:
    return frozenset(text.context for text in recordable_prompts())


def has_recording(language: str, context: str) -> bool:
    return bool(CONTEXT_NAME.fullmatch(context)) and (
        (recorded_dir(language) / f"{context}.wav").is_file()
    )


def has_voice(language: str) -> bool:
    """The line can talk to a caller in the language: Twilio speaks it,
    espeak-ng has a voice for it, or its menu prompts are recorded."""
    voice = voice_for(language)
    return (
        voice.twilio_speaks
        or voice.espeak is not None
        or all(has_recording(language, text.context) for text in prompts.MENU_PROMPTS)
    )


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
    if context is None:  # a catalog text may have a recording
        found = catalog.contexts_by_text(language).get(text)
        if (
            found
            and found not in catalog.variant_contexts()
            and has_recording(language, found)
        ):
            return found
    elif context in recordable_contexts() and has_recording(language, context):
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


# --- recording slots: what a speaker can record ------------------------------


@dataclass(frozen=True)
class Slot:
    file: str  # the file name in locales/<lang>/audio/
    english: str
    text: str | None  # the language's own text; None while untranslated


def _catalog_entries(language: str, locales_dir: Path) -> dict[tuple[str, str], str]:
    """(context, English source) -> the language's translation ("" while
    untranslated or fuzzy), read from the .po so untranslated entries count."""
    path = locales_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        entries = read_po(handle)
    return {
        (message.context, message.id): (
            message.string
            if isinstance(message.string, str) and not message.fuzzy
            else ""
        )
        for message in entries
        if message.context and isinstance(message.id, str) and message.id
    }


def _registry(locales_dir: Path) -> dict[str, Language]:
    """The registry beside ``locales_dir`` (``make new-language`` has just
    added a language to it), else the one this process loaded."""
    path = locales_dir.parent / "bot" / REGISTRY.name
    return read_registry(path) if path.is_file() else LANGUAGES


def recording_slots(language: str, locales_dir: Path = LOCALES_DIR) -> list[Slot]:
    """Every prompt a recording in ``locales/<language>/audio/`` replaces:
    the line's own prompts first (its menus), then the bot's answers that
    have no values filled in (in the order of the catalog)."""
    registry = _registry(locales_dir)
    entries = _catalog_entries(language, locales_dir)
    pages = menu_pages(tuple(registry))
    digit = next(str(p.index(language) + 1) for p in pages if language in p)
    unsaid = {prompts.MENU_MORE.context}  # said in Spanish and English only
    if registry[language].voice.listen is None:  # keys only
        unsaid |= {text.context for text in prompts.SPEECH_ONLY}
    variants: dict[str, int] = {}
    for context, _source in entries:
        variants[context] = variants.get(context, 0) + 1

    def filled(text: str) -> str:
        return text.replace("%(digit)s", digit)

    slots = [
        Slot(
            f"{text.context}.wav",
            filled(text.source),
            filled(entries.get((text.context, text.source), "")) or None,
        )
        for text in recordable_prompts()
        if text.context not in unsaid
    ]
    slots += [
        Slot(f"{context}.wav", source, translation or None)
        for (context, source), translation in entries.items()
        if context.startswith("utter_")
        and CONTEXT_NAME.fullmatch(context)
        and variants[context] == 1
        and "{" not in source
        and "%(" not in source
    ]
    return slots


def _cell(text: str | None) -> str:
    if text is None:
        return "*(not translated yet)*"
    return " / ".join(text.splitlines()).replace("|", "\\|")


def slots_readme(language: str, locales_dir: Path = LOCALES_DIR) -> str:
    languages = _registry(locales_dir)
    registry = languages[language]
    slots = recording_slots(language, locales_dir)
    line = [s for s in slots if not s.file.startswith("utter_")]
    bot = [s for s in slots if s.file.startswith("utter_")]
    voice = registry.voice
    if voice.espeak:
        now = f"rendered by espeak-ng (voice `{voice.espeak}`)"
    else:
        now = (
            "not spoken at all: no espeak-ng voice exists, so callers who choose "
            f"{registry.name} reach a person at once until "
            + " and ".join(f"`{t.context}.wav`" for t in prompts.MENU_PROMPTS)
            + " are recorded"
        )
    lines = [
        f"# Recorded prompts: {registry.name} ({registry.autonym}, `{language}`)",
        "",
        "Written by `python -m hotline.voice.audio slots "
        f"{language}`: do not edit by hand.",
        "",
        f"On the phone line, {registry.name} is today {now}. A recording by a "
        "native speaker, put in this folder under the file name below, replaces "
        "that text on every call. A recording of the call's own prompts plays "
        "even while the catalog lacks their translation (the line otherwise says "
        f"them in {languages[(*registry.fallback, 'en')[0]].name}); a recording "
        "of an answer plays once the catalog translates the answer.",
        "",
        "How to record:",
        "",
        f"- Format: {AUDIO_FORMAT}, what Twilio plays on a phone line best; the "
        "file name ends in `.wav`. MP3 or a phone's own format: convert it, e.g. "
        "`ffmpeg -i take.m4a -ar 8000 -ac 1 -c:a pcm_s16le hotline_voice_welcome.wav`.",
        "- Say the text in the last column (or the English, in your words, while "
        "it is untranslated), calmly and a little slowly, in a quiet room, close "
        "to the phone; half a second of silence before and after, no music.",
        '- Keep numbers as they are ("press 1" stays 1): the keys are the same '
        "in every language.",
        "- No real names, phone numbers or stories: these files are public.",
        "- After a change of the text in the catalog, record it again.",
        "",
        "Not listed, so always rendered: texts with numbers that change from "
        "caller to caller (emergency numbers, the hotline's number, a place in "
        "line), and answers with several versions (one goodbye per channel).",
        "",
        "## The call's own prompts (record these first)",
        "",
        f"| File | English | {registry.autonym} |",
        "| --- | --- | --- |",
        *(f"| `{s.file}` | {_cell(s.english)} | {_cell(s.text)} |" for s in line),
        "",
        "## The assistant's answers",
        "",
        f"| File | English | {registry.autonym} |",
        "| --- | --- | --- |",
        *(f"| `{s.file}` | {_cell(s.english)} | {_cell(s.text)} |" for s in bot),
        "",
    ]
    return "\n".join(lines)


def write_slots(
    languages: Iterable[str], locales_dir: Path = LOCALES_DIR
) -> list[Path]:
    """Write ``<locales_dir>/<code>/audio/README.md`` for each language (its
    recording slots, from its catalog and the registry beside ``locales_dir``);
    returns the files written. ``make new-language`` calls it."""
    registry = _registry(locales_dir)
    written = []
    for language in [languages] if isinstance(languages, str) else languages:
        if language not in registry:
            raise ValueError(f"{language} is not in bot/languages.yml")
        path = locales_dir / language / "audio" / "README.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(slots_readme(language, locales_dir), encoding="utf-8")
        written.append(path)
    return written


def rendered_languages() -> list[str]:
    """The languages ``make audio`` renders: those espeak-ng can voice."""
    return [code for code, voices in ESPEAK_VOICES.items() if voices]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hotline.voice.audio")
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("render", help="render prompts to WAV (espeak-ng)")
    command.add_argument("languages", nargs="*", default=rendered_languages())
    command = commands.add_parser(
        "slots", help="write locales/<lang>/audio/README.md (what to record)"
    )
    command.add_argument("languages", nargs="*", default=list(ESPEAK_VOICES))
    arguments = parser.parse_args(argv)
    if arguments.command == "slots":
        for path in write_slots(arguments.languages):
            print(path)
        return 0
    settings = config.from_environment()
    config.check(settings)  # the prompts say the hotline number
    if not installed_voices():
        print(f"{ESPEAK} is not installed (Debian: apt-get install espeak-ng)")
        return 1
    for language in arguments.languages:
        if not ESPEAK_VOICES.get(language):
            print(f"{language}: no espeak-ng voice (recordings only)")
            continue
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
