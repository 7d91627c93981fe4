"""``POST /twilio/voice`` and the steps of a call under ``/twilio/voice/...``.

A call: the language menu (one key per language, each said in its own
language), a welcome, then turns: what the caller says (or the key they press)
goes to the bot through the conversation service, keyed by the CallSid so each
call is its own conversation; the answer is spoken and the line listens again.
Emergencies, requests for a person and repeated silence ring the on-call
person; with nobody to ring, the caller hears the numbers to call and the call
goes on. The language, the turn number and the misses travel in the action
URL's query string, which Twilio signs with the rest of the URL.
"""

from __future__ import annotations

import re
import unicodedata

from flask import Blueprint, Response, abort, current_app, request, send_file, url_for

from bot.languages import SUPPORTED_LANGUAGES
from hotline import conversations, metrics, texts
from hotline.conversations import Incoming, Outcome
from hotline.extensions import db
from hotline.models import Channel
from hotline.twilio_security import twilio_only
from hotline.twiml import twiml_response
from hotline.voice import audio, catalog, prompts, twiml, voicing
from hotline.voice.languages import (
    DEFAULT_LANGUAGE,
    autonym,
    known_language,
    language_for_digit,
    menu_digit,
    voice_for,
)
from hotline.voice.twiml import Utterance

bp = Blueprint("voice", __name__, url_prefix="/twilio/voice")

CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")
MAX_SPEECH_CHARS = 500  # a few sentences; Twilio's transcripts are rarely longer
MAX_STEP = 10_000
MENU_SILENCES_BEFORE_DEFAULT = 2
MISSES_BEFORE_OFFER = 2
MISSES_BEFORE_TRANSFER = 3
MENU_KEYS = frozenset("123456789")
PERSON_KEY = "0"


def _call_sid() -> str:
    call_sid = request.form.get("CallSid", "").strip()
    if not CALL_SID.fullmatch(call_sid):
        metrics.REJECTED.labels(request.path, "missing_parameters").inc()
        abort(400)
    return call_sid


def _count(name: str, default: int, highest: int) -> int:
    """A counter from the query string; the default for anything odd."""
    raw = request.args.get(name, "")
    if not raw.isascii() or not raw.isdigit():
        return default
    if len(raw) > len(str(highest)):  # also keeps int() off huge digit strings
        return highest
    return min(int(raw), highest)


def _numbers() -> dict[str, str]:
    return {
        "emergency": current_app.config["EMERGENCY_NUMBER"],
        "hotline": current_app.config["HOTLINE_NUMBER"],
    }


def _menu_options() -> list[Utterance]:
    """ "For English, press 1", each in its own language; a language without a
    translation of the line yet says its own name and key."""
    options: list[Utterance] = []
    for code in SUPPORTED_LANGUAGES:
        digit = menu_digit(code)
        if catalog.prompt_language(code, prompts.MENU_OPTION) == code:
            options += voicing.prompt(prompts.MENU_OPTION, code, digit=digit)
        else:
            text = prompts.MENU_OPTION_NAMED(code, name=autonym(code), digit=digit)
            if (said := voicing.utterance(text, code, written=None)) is not None:
                options.append(said)
    return options


def _menu(silences: int) -> Response:
    action = url_for("voice.language", miss=silences)
    return twiml_response(twiml.language_menu(_menu_options(), action))


def _ask(
    language: str,
    step: int,
    said: list[Utterance],
    prompt: list[Utterance],
    misses: int = 0,
) -> Response:
    action = url_for("voice.turn", lang=language, step=step, miss=misses)
    speech_language = voice_for(language).speech_language
    return twiml_response(twiml.ask(said, prompt, action, speech_language))


def _welcome(language: str) -> Response:
    said = voicing.prompt(prompts.WELCOME, language)
    return _ask(language, 1, said, voicing.prompt(prompts.ASK, language))


def _nobody_free(language: str, step: int, said: list[Utterance]) -> Response:
    """No one to ring: the numbers to call, and the conversation goes on."""
    said = said + voicing.prompt(prompts.NOBODY_FREE, language, **_numbers())
    return _ask(language, step, said, voicing.prompt(prompts.ASK_AGAIN, language))


def _transfer(language: str, step: int, said: list[Utterance]) -> Response:
    number = current_app.config["ON_CALL_NUMBER"]
    if not number:
        return _nobody_free(language, step, said)
    said = said + voicing.prompt(prompts.CONNECTING, language)
    action = url_for("voice.dial_ended", lang=language, step=step)
    return twiml_response(twiml.transfer(said, number, action))


def _caller_asks_for_person(call_sid: str, reason: str) -> None:
    conversation = conversations.find_or_start(Channel.VOICE, call_sid)
    conversations.request_person(conversation, reason, "normal")
    db.session.commit()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in letters if c.isalnum() or c == " ").strip()


def _is_person_word(speech: str, language: str) -> bool:
    """The caller said only "person" (in their language or English)."""
    words = {
        _fold(word)
        for code in dict.fromkeys((language, "en"))
        for word in prompts.PERSON_WORDS(code).split(",")
    }
    return _fold(speech) in words - {""}


@bp.post("")
@twilio_only
def incoming() -> Response:
    _call_sid()
    return _menu(silences=0)


@bp.post("/language")
@twilio_only
def language() -> Response:
    _call_sid()
    digits = request.form.get("Digits", "").strip()
    if chosen := language_for_digit(digits):
        return _welcome(chosen)
    if digits:  # a key that is no language: the menu again
        return _menu(silences=_count("miss", 0, MENU_SILENCES_BEFORE_DEFAULT))
    silences = _count("miss", 0, MENU_SILENCES_BEFORE_DEFAULT) + 1
    if silences >= MENU_SILENCES_BEFORE_DEFAULT:
        return _welcome(DEFAULT_LANGUAGE)
    return _menu(silences)


def _missed(call_sid: str, language: str, step: int, misses: int) -> Response:
    """Nothing usable heard: ask again, then offer a person, then ring one."""
    if misses >= MISSES_BEFORE_TRANSFER:
        _caller_asks_for_person(call_sid, "voice_no_input")
        return _transfer(language, step, [])
    sorry = voicing.prompt(prompts.NOT_HEARD, language)
    if misses >= MISSES_BEFORE_OFFER:
        offer = voicing.prompt(prompts.OFFER_PERSON, language)
        return _ask(language, step, sorry, offer, misses)
    return _ask(language, step, sorry, voicing.prompt(prompts.ASK, language), misses)


def _answer(outcome: Outcome, step: int) -> Response:
    language = outcome.language
    if outcome.fallback:
        # The service's own text, said as the prompt it is (its language known).
        said = voicing.prompt(texts.BOT_UNAVAILABLE, language, **_numbers())
        offer = voicing.prompt(prompts.OFFER_PERSON, language)
        return _ask(language, step, said, offer)
    said = voicing.answers(outcome.texts, language)
    if outcome.handoff is not None:
        return _transfer(language, step, said)
    return _ask(language, step, said, voicing.prompt(prompts.ASK_AGAIN, language))


@bp.post("/turn")
@twilio_only
def turn() -> Response:
    call_sid = _call_sid()
    language = known_language(request.args.get("lang"))
    step = max(_count("step", 1, MAX_STEP), 1)
    misses = _count("miss", 0, MISSES_BEFORE_TRANSFER)
    digits = request.form.get("Digits", "").strip()
    speech = conversations.clean_text(request.form.get("SpeechResult", ""))
    speech = speech[:MAX_SPEECH_CHARS]
    if digits == PERSON_KEY or (speech and _is_person_word(speech, language)):
        _caller_asks_for_person(call_sid, "request")
        return _transfer(language, step, [])
    text = digits if digits in MENU_KEYS else speech
    if not text:  # silence, no match, or a key that means nothing (* #)
        return _missed(call_sid, language, step, misses + 1)
    outcome = conversations.handle(
        Incoming(
            channel=Channel.VOICE,
            address=call_sid,
            text=text,
            provider_id=f"{call_sid}:{step}",
            language_choice=language if step == 1 else None,
        )
    )
    if outcome.duplicate:  # Twilio retried this step: the bot already has it
        return _ask(language, step + 1, [], voicing.prompt(prompts.ASK_AGAIN, language))
    return _answer(outcome, step + 1)


@bp.post("/dial-ended")
@twilio_only
def dial_ended() -> Response:
    """The on-call person hung up, or never answered."""
    _call_sid()
    language = known_language(request.args.get("lang"))
    step = max(_count("step", 1, MAX_STEP), 1)
    if request.form.get("DialCallStatus") == "completed":
        said = voicing.prompt(prompts.GOODBYE, language, **_numbers())
        return twiml_response(twiml.goodbye(said))
    return _nobody_free(language, step, [])


@bp.post("/fallback")
@twilio_only
def fallback() -> Response:
    """The number's fallback URL: Twilio could not get a call's TwiML from the
    main URL. Without a language yet, the numbers are said in the line's first
    languages; then the on-call person rings, or the call ends with the numbers
    said."""
    call_sid = _call_sid()
    _caller_asks_for_person(call_sid, "bot_unavailable")
    said = [
        utterance
        for language in conversations.fallback_languages()
        for utterance in voicing.prompt(texts.BOT_UNAVAILABLE, language, **_numbers())
    ]
    number = current_app.config["ON_CALL_NUMBER"]
    if not number:
        return twiml_response(twiml.goodbye(said))
    first = conversations.fallback_languages()[0]
    action = url_for("voice.dial_ended", lang=first, step=1)
    return twiml_response(twiml.transfer(said, number, action))


@bp.get("/audio/<language>/<name>.wav")
def audio_prompt(language: str, name: str) -> Response:
    """A prompt for ``<Play>``; unsigned, because Twilio fetches it with a
    plain GET. Only names the line hands out are looked up."""
    if language not in SUPPORTED_LANGUAGES:
        abort(404)
    path = audio.audio_file(language, name, current_app.config["AUDIO_DIR"])
    if path is None:
        abort(404)
    return send_file(path, mimetype="audio/wav", max_age=86_400)
