"""``POST /twilio/voice`` and the steps of a call under ``/twilio/voice/...``.

A call: the language menu (one key per language, each said in its own
language), a welcome, then turns: what the caller says (or the key they press)
goes to the bot through the conversation service, keyed by the CallSid so each
call is its own conversation; the answer is spoken and the line listens again.
Emergencies, requests for a person and repeated silence put the conversation
in the hand-off queue and the caller on hold in Twilio's queue for their
language (``hotline.voice.queue``), where an operator's phone picks them up
(``hotline.voice.operator_line``). Outside opening hours, or when nobody could
answer in time, the caller can leave a voice message for the first operator.
The language, the turn number and the misses travel in the action URL's query
string, which Twilio signs with the rest of the URL.

Keys only: in a language no speech recogniser knows (``listen: null`` in
``bot/languages.yml``: ht, qu, gn, quc, ay) the line never listens for speech.
After the welcome it says a menu of topics in the language, one key each, the
keys of the bot's written help menu (1 rights ... 8 numbers to call); the key
goes to the bot as that digit, its answer is played, then the menu again. 0 and
9 bring a person, asked for as an interpreter. The bot's question "which
country are you in?" is answered by the line with the country of the calling
number (the caller cannot type it), or, when the number tells nothing, the
line says the emergency numbers of every country it covers. A language with no
voice at all (no espeak-ng voice and its menu prompts not recorded: Aymara
today) is offered in the menu by its name and brings a person at once.
"""

from __future__ import annotations

import re

from flask import Response, abort, current_app, request, send_file, url_for

from bot.languages import SUPPORTED_LANGUAGES
from hotline import conversations, handoff, metrics, texts
from hotline.conversations import Incoming, Outcome, line_numbers
from hotline.extensions import db
from hotline.models import Channel, Conversation, MessageStatus
from hotline.places import country_of_number
from hotline.texts import fold
from hotline.twilio_security import twilio_only
from hotline.twiml import twiml_response
from hotline.voice import audio, catalog, params, prompts, queue, twiml, voicing
from hotline.voice.blueprint import bp
from hotline.voice.languages import (
    DEFAULT_LANGUAGE,
    MORE_KEY,
    autonym,
    has_next_page,
    keys_only,
    known_language,
    language_for_digit,
    menu_digit,
    menu_pages,
    voice_for,
)
from hotline.voice.params import bounded
from hotline.voice.twiml import Utterance

MAX_SPEECH_CHARS = 500  # a few sentences; Twilio's transcripts are rarely longer
MAX_STEP = 10_000
MENU_SILENCES_BEFORE_DEFAULT = 2
MISSES_BEFORE_OFFER = 2
MISSES_BEFORE_TRANSFER = 3
MENU_KEYS = frozenset("123456789")
PERSON_KEY = "0"
# Keys only: 0, said first in the menu, and 9, the written menu's "person".
KEYS_ONLY_PERSON_KEYS = frozenset({PERSON_KEY, "9"})
INTERPRETER = "interpreter"  # the hand-off reason the console marks
# The bot's questions a caller pressing keys cannot answer, and which slot each
# fills; the line answers them (at most this many in one turn: a consulate asks
# where the caller is from, then where they are).
COUNTRY_QUESTIONS = {
    "utter_ask_nationality": "nationality",
    "utter_ask_country": "country",
}
MAX_COUNTRY_REPLIES = 2
# What the line answers for a caller whose country it does not know: no
# country, so the bot's form closes with "unknown" instead of asking again.
UNKNOWN_COUNTRY_REPLY = "?"
# A caller on hold this long with nobody answering is offered a voice message.
MAX_HOLD_SECONDS = 600
MAX_MESSAGE_SECONDS = 120
MAX_QUEUE_POSITION = 1_000
RECORDING_SID = re.compile(r"RE[0-9a-fA-F]{32}")
MAX_RECORDING_URL_CHARS = 300
# How a voice message reads in the console's transcript (operators' English).
VOICE_MESSAGE_MARK = "[voice message]"
# Twilio's QueueResult values after which the caller is still on the line.
STILL_ON_THE_LINE = frozenset({"leave", "queue-full", "error", "system-error"})
BRIDGED = frozenset({"bridged", "bridging-in-process", "redirected"})


def _count(name: str, default: int, highest: int) -> int:
    """A counter from the query string; the default for anything odd."""
    return bounded(request.args.get(name), default, highest)


def _says_own_option(code: str) -> bool:
    """The language's "For ..., press N" can be said in it: recorded, or
    translated and spoken by Twilio or espeak-ng."""
    if audio.has_recording(code, prompts.MENU_OPTION.context):
        return True
    voice = voice_for(code)
    return catalog.prompt_language(code, prompts.MENU_OPTION) == code and (
        voice.twilio_speaks or voice.espeak is not None
    )


def _menu_options(page: int) -> list[Utterance]:
    """ "For English, press 1", each in its own language; a language without a
    translation of the line (or a voice for it) yet says its own name and key.
    A page followed by another ends with "for more languages, press 9"."""
    options: list[Utterance] = []
    for code in menu_pages()[page]:
        digit = menu_digit(code)
        if _says_own_option(code):
            options += voicing.prompt(prompts.MENU_OPTION, code, digit=digit)
        else:
            text = prompts.MENU_OPTION_NAMED(code, name=autonym(code), digit=digit)
            if (said := voicing.utterance(text, code, written=None)) is not None:
                options.append(said)
    if has_next_page(page):
        for code in conversations.fallback_languages():
            options += voicing.prompt(prompts.MENU_MORE, code)
    return options


def _menu(silences: int, page: int = 0) -> Response:
    action = url_for(
        "voice.language", miss=silences, **({"page": page} if page else {})
    )
    return twiml_response(twiml.language_menu(_menu_options(page), action))


def _ask(
    language: str,
    step: int,
    said: list[Utterance],
    prompt: list[Utterance],
    misses: int = 0,
) -> Response:
    action = url_for("voice.turn", lang=language, step=step, miss=misses)
    speech_language = voice_for(language).speech_language
    if speech_language is None:  # keys only: the menu of topics, every time
        prompt = voicing.prompt(prompts.DIGIT_MENU, language)
    return twiml_response(twiml.ask(said, prompt, action, speech_language))


def _numbers(language: str) -> dict[str, str]:
    """The numbers to say: the emergency number of the country the caller is
    in (as the conversation learnt it, else the calling number's)."""
    conversation = conversations.find(Channel.VOICE, request.form.get("CallSid", ""))
    country = conversation.country if conversation else None
    return line_numbers(language, country or _caller_country())


def _caller_country() -> str | None:
    return country_of_number(request.form.get("From", ""))


def _welcome(language: str) -> Response:
    said = voicing.prompt(prompts.WELCOME, language)
    return _ask(language, 1, said, voicing.prompt(prompts.ASK, language))


def _ring_on_call(language: str, step: int, said: list[Utterance]) -> Response:
    said = said + voicing.prompt(prompts.CONNECTING, language)
    action = url_for("voice.dial_ended", lang=language, step=step)
    number = current_app.config["ON_CALL_NUMBER"]
    return twiml_response(twiml.transfer(said, number, action))


def _offer_message(language: str, said: list[Utterance]) -> Response:
    """Say ``said``, then record a message for the first operator."""
    said = said + voicing.prompt(prompts.LEAVE_MESSAGE, language)
    goodbye = voicing.prompt(prompts.GOODBYE, language, **_numbers(language))
    action = url_for("voice.recorded", lang=language)
    return twiml_response(
        twiml.record_message(said, action, MAX_MESSAGE_SECONDS, goodbye)
    )


def _to_people(
    conversation: Conversation, language: str, step: int, said: list[Utterance]
) -> Response:
    """The conversation waits for a person (already in the hand-off queue);
    the caller waits on hold in their language's Twilio queue.

    Outside opening hours nobody would answer: the team's "back on ..." and a
    voice message instead. ON_CALL_NUMBER stays as a fall-back, rung only
    when it is set and no operator who speaks the caller's language is on
    duty: a queue nobody watches would keep a caller, maybe in danger, on hold
    for nobody. With neither, the caller still waits (the console shows the
    call to whoever logs in) and after MAX_HOLD_SECONDS may leave a message.
    """
    if away := conversations.team_away_answer(conversation, language):
        return _offer_message(language, said + voicing.answers([away], language))
    if current_app.config["ON_CALL_NUMBER"] and not queue.someone_on_duty(language):
        return _ring_on_call(language, step, said)
    name = queue.queue_name(language, conversation.handoff_priority)
    handoff.record(conversation, queue.ENQUEUED, detail=name)
    db.session.commit()
    said = said + voicing.prompt(prompts.CONNECTING, language)
    wait_url = url_for("voice.hold", lang=language)
    action = url_for("voice.queue_left", lang=language)
    return twiml_response(twiml.enqueue(said, name, wait_url, action))


def _caller_asks_for_person(
    call_sid: str, reason: str, language: str | None
) -> Conversation:
    """Into the hand-off queue, in the language the caller chose in the menu
    (a caller who pressed 0 at once has said nothing the bot could place)."""
    conversation = conversations.find_or_start(
        Channel.VOICE, call_sid, _caller_country()
    )
    if conversation.language is None and language is not None:
        conversations.choose_language(conversation, language)
    handoff.request_person(conversation, reason, handoff.NORMAL)
    db.session.commit()
    return conversation


def _is_person_word(speech: str, language: str) -> bool:
    """The caller said only "person" (in their language or English)."""
    words = {
        fold(word)
        for code in dict.fromkeys((language, "en"))
        for word in prompts.PERSON_WORDS(code).split(",")
    }
    return fold(speech) in words - {""}


@bp.post("")
@twilio_only
def incoming() -> Response:
    params.call_sid()
    return _menu(silences=0)


@bp.post("/language")
@twilio_only
def language() -> Response:
    call_sid = params.call_sid()
    digits = request.form.get("Digits", "").strip()
    page = _count("page", 0, len(menu_pages()) - 1)
    if digits == MORE_KEY and has_next_page(page):
        return _menu(silences=0, page=page + 1)
    if chosen := language_for_digit(digits, page):
        if not audio.has_voice(chosen):
            # Nothing can speak it yet: a person, told in the nearest language.
            conversation = _caller_asks_for_person(call_sid, INTERPRETER, chosen)
            return _to_people(conversation, chosen, 1, [])
        return _welcome(chosen)
    if digits:  # a key that is no language: the menu again
        return _menu(_count("miss", 0, MENU_SILENCES_BEFORE_DEFAULT), page)
    silences = _count("miss", 0, MENU_SILENCES_BEFORE_DEFAULT) + 1
    if silences >= MENU_SILENCES_BEFORE_DEFAULT:
        return _welcome(DEFAULT_LANGUAGE)
    return _menu(silences, page)


def _missed(call_sid: str, language: str, step: int, misses: int) -> Response:
    """Nothing usable heard: ask again, then offer a person, then ring one."""
    if misses >= MISSES_BEFORE_TRANSFER:
        conversation = _caller_asks_for_person(call_sid, "voice_no_input", language)
        return _to_people(conversation, language, step, [])
    sorry = voicing.prompt(prompts.NOT_HEARD, language)
    if misses >= MISSES_BEFORE_OFFER:
        offer = voicing.prompt(prompts.OFFER_PERSON, language)
        return _ask(language, step, sorry, offer, misses)
    return _ask(language, step, sorry, voicing.prompt(prompts.ASK, language), misses)


def _answer(outcome: Outcome, step: int) -> Response:
    language = outcome.language
    if outcome.fallback and outcome.danger:
        # Danger with the bot down: the emergency number, then straight to the
        # urgent queue (the service has made the conversation urgent).
        said = voicing.prompt(texts.DANGER_ANSWER, language, **_numbers(language))
        return _to_people(outcome.conversation, language, step, said)
    if outcome.fallback:
        # The service's own text, said as the prompt it is (its language known).
        said = voicing.prompt(texts.BOT_UNAVAILABLE, language, **_numbers(language))
        offer = voicing.prompt(prompts.OFFER_PERSON, language)
        return _ask(language, step, said, offer)
    if outcome.handoff is not None:
        # The service adds the team's "back on ..." to a hand-off out of hours;
        # _to_people says it just before offering a voice message.
        away = conversations.team_away_answer(outcome.conversation, language)
        said = voicing.answers([t for t in outcome.texts if t != away], language)
        return _to_people(outcome.conversation, language, step, said)
    said = voicing.answers(outcome.texts, language)
    if outcome.ends_with_question:  # which country, yes or no: answer that
        return _ask(language, step, said, [])
    return _ask(language, step, said, voicing.prompt(prompts.ASK_AGAIN, language))


@bp.post("/turn")
@twilio_only
def turn() -> Response:
    call_sid = params.call_sid()
    # Twilio sends the line's number (To) with every turn. Its signature joins
    # names and values with no separator, so a captured turn replayed with To
    # swallowed by the parameter before it (SpeechResult="" then To=+1...
    # becomes SpeechResult="To+1...") still verifies: then To is missing, and
    # the replay must not become words the caller never said.
    if "To" not in request.form:
        abort(400)
    language = known_language(request.args.get("lang"))
    step = max(_count("step", 1, MAX_STEP), 1)
    misses = _count("miss", 0, MISSES_BEFORE_TRANSFER)
    digits = request.form.get("Digits", "").strip()
    if keys_only(language):
        return _keys_turn(call_sid, language, step, misses, digits)
    speech = conversations.clean_text(request.form.get("SpeechResult", ""))
    speech = speech[:MAX_SPEECH_CHARS]
    if digits == PERSON_KEY or (speech and _is_person_word(speech, language)):
        conversation = _caller_asks_for_person(call_sid, "request", language)
        return _to_people(conversation, language, step, [])
    text = digits if digits in MENU_KEYS else speech
    if not text:  # silence, no match, or a key that means nothing (* #)
        return _missed(call_sid, language, step, misses + 1)
    outcome = _to_bot(call_sid, language, step, text)
    if outcome.duplicate:  # Twilio retried this step: the bot already has it
        return _ask(language, step + 1, [], voicing.prompt(prompts.ASK_AGAIN, language))
    return _answer(outcome, step + 1)


def _to_bot(call_sid: str, language: str, step: int, text: str) -> Outcome:
    """The caller's turn (words or a key) to the conversation service."""
    return conversations.handle(
        Incoming(
            channel=Channel.VOICE,
            address=call_sid,
            text=text,
            provider_id=f"{call_sid}:{step}",
            language_choice=language if step == 1 else None,
            country=_caller_country(),
        )
    )


def _keys_turn(
    call_sid: str, language: str, step: int, misses: int, digits: str
) -> Response:
    """One key from a caller in a language no recogniser knows: a person, a
    topic for the bot, or nothing usable (speech is never listened to)."""
    if digits in KEYS_ONLY_PERSON_KEYS:
        conversation = _caller_asks_for_person(call_sid, INTERPRETER, language)
        return _to_people(conversation, language, step, [])
    if digits not in MENU_KEYS:  # silence, * or #
        return _missed(call_sid, language, step, misses + 1)
    outcome = _to_bot(call_sid, language, step, digits)
    if outcome.duplicate:  # Twilio retried this step: the bot already has it
        return _ask(language, step + 1, [], [])
    return _answer(_country_answered(outcome, call_sid, step), step + 1)


def _country_question(outcome: Outcome) -> str | None:
    """The slot the bot's last text asks for when it is a country question."""
    if outcome.fallback or outcome.handoff is not None or not outcome.texts:
        return None
    for context, slot in COUNTRY_QUESTIONS.items():
        if outcome.texts[-1] == catalog.bot_text(context, outcome.language):
            return slot
    return None


def _country_answered(outcome: Outcome, call_sid: str, step: int) -> Outcome:
    """The bot asked where the caller is (or is from): the line answers for
    them with the country of their number (never their nationality, which a
    number does not tell) and the caller hears the answer, not the question.
    Without a country, the emergency numbers of every country we cover."""
    said: list[str] = []
    for reply in range(MAX_COUNTRY_REPLIES):
        slot = _country_question(outcome)
        if slot is None:
            break
        said += outcome.texts[:-1]
        country = outcome.conversation.country if slot == "country" else None
        language = outcome.language
        outcome = conversations.handle(
            Incoming(
                channel=Channel.VOICE,
                address=call_sid,
                text=country or UNKNOWN_COUNTRY_REPLY,
                provider_id=f"{call_sid}:{step}:{reply + 1}",
                country=_caller_country(),
            ),
            outcome.conversation,
        )
        told_nothing = not (outcome.handoff or outcome.fallback or outcome.duplicate)
        if slot == "country" and not country and told_nothing:
            # The bot's "I did not recognise that country" would puzzle a
            # caller who named none: the line's own words instead.
            outcome.texts = [
                prompts.COUNTRY_UNKNOWN(language, **line_numbers(language))
            ]
    outcome.texts = said + outcome.texts
    return outcome


@bp.post("/dial-ended")
@twilio_only
def dial_ended() -> Response:
    """The on-call person hung up, or never answered: then the numbers to
    call and a voice message for the first operator."""
    params.call_sid()
    language = known_language(request.args.get("lang"))
    if request.form.get("DialCallStatus") == "completed":
        said = voicing.prompt(prompts.GOODBYE, language, **_numbers(language))
        return twiml_response(twiml.goodbye(said))
    return _offer_message(
        language,
        voicing.prompt(prompts.NOBODY_FREE, language, **_numbers(language)),
    )


@bp.post("/hold")
@twilio_only
def hold() -> Response:
    """Enqueue's wait URL, asked again each time its answer has played: the
    caller's place in line (Twilio's QueuePosition) and the emergency number;
    after MAX_HOLD_SECONDS the caller leaves the queue (see queue_left)."""
    params.call_sid()
    language = known_language(request.args.get("lang"))
    waited = bounded(request.form.get("QueueTime"), 0, MAX_HOLD_SECONDS)
    if waited >= MAX_HOLD_SECONDS:
        return twiml_response(twiml.leave_queue())
    emergency = _numbers(language)["emergency"]
    said = voicing.prompt(prompts.HOLD, language, emergency=emergency)
    if position := bounded(request.form.get("QueuePosition"), 0, MAX_QUEUE_POSITION):
        said += voicing.prompt(prompts.PLACE_IN_LINE, language, position=position)
    return twiml_response(twiml.hold(said))


@bp.post("/queue-left")
@twilio_only
def queue_left() -> Response:
    """Enqueue's action: how the caller's wait ended. An operator answered:
    nothing more to say (Twilio ends the caller's leg after the operator hangs
    up). The caller hung up: an event, and the conversation stays waiting so
    the console shows who called. Anything else, with the caller still on the
    line: the numbers to call and a voice message."""
    call_sid = params.call_sid()
    language = known_language(request.args.get("lang"))
    result = request.form.get("QueueResult", "").strip()
    if result in BRIDGED:
        return twiml_response(twiml.nothing())
    conversation = queue.call_conversation(call_sid)
    if result not in STILL_ON_THE_LINE:  # "hangup", or a result Twilio added
        if conversation is not None:
            handoff.record(conversation, queue.HUNG_UP)
            db.session.commit()
        return twiml_response(twiml.nothing())
    if conversation is not None:
        handoff.record(conversation, queue.LEFT, detail=result)
        db.session.commit()
    said = voicing.prompt(prompts.NOBODY_FREE, language, **_numbers(language))
    return _offer_message(language, said)


@bp.post("/recorded")
@twilio_only
def recorded() -> Response:
    """``<Record>``'s action: the voice message waits for a person, as a
    message in the conversation that the first operator finds."""
    call_sid = params.call_sid()
    language = known_language(request.args.get("lang"))
    url = request.form.get("RecordingUrl", "").strip()
    recording_sid = request.form.get("RecordingSid", "").strip()
    if (
        not url.startswith("https://")
        or len(url) > MAX_RECORDING_URL_CHARS
        or not url.isprintable()  # a NUL was a 500 on PostgreSQL
        or not RECORDING_SID.fullmatch(recording_sid)
    ):
        metrics.REJECTED.labels(request.path, "missing_parameters").inc()
        abort(400)
    conversation = conversations.find_or_start(
        Channel.VOICE, call_sid, _caller_country()
    )
    if not handoff.is_with_people(conversation):
        conversations.choose_language(conversation, language)
        handoff.request_person(conversation, "voice_message", handoff.NORMAL)
    text = f"{VOICE_MESSAGE_MARK} {url}"
    # Both SIDs: forgetting the conversation deletes the call and the
    # recording at Twilio (hotline.twilio_copies).
    provider_id = f"{call_sid}:{recording_sid}"
    if conversations.keep(conversation, text, MessageStatus.FOR_PERSON, provider_id):
        handoff.record(conversation, "voice_message")
        db.session.commit()
    said = voicing.prompt(prompts.MESSAGE_KEPT, language)
    said += voicing.prompt(prompts.GOODBYE, language, **_numbers(language))
    return twiml_response(twiml.goodbye(said))


@bp.post("/fallback")
@twilio_only
def fallback() -> Response:
    """The number's fallback URL: Twilio could not get a call's TwiML from the
    main URL. Without a language yet, the numbers are said in the line's first
    languages; then the on-call person rings, or the call ends with the numbers
    said. It stays away from the queue: the app that failed would also have
    to answer the hold and operator URLs."""
    call_sid = params.call_sid()
    _caller_asks_for_person(call_sid, "bot_unavailable", None)
    said = [
        utterance
        for language in conversations.fallback_languages()
        for utterance in voicing.prompt(
            texts.BOT_UNAVAILABLE, language, **_numbers(language)
        )
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
