"""TwiML for calls, built by pure functions and tested by parsing the XML.

Each function returns a whole ``<Response>``. What is said comes in as
``Utterance`` values (a ``<Say>`` with its voice, or a ``<Play>``), so these
builders know nothing about languages, catalogs or audio files.
"""

from __future__ import annotations

from dataclasses import dataclass

from twilio.twiml.voice_response import Dial, Gather, VoiceResponse

GATHER_TIMEOUT_SECONDS = 6
DIAL_TIMEOUT_SECONDS = 30
# Silence after each hold message, before Twilio asks the wait URL again.
HOLD_PAUSE_SECONDS = 20


@dataclass(frozen=True)
class Utterance:
    text: str
    language: str = ""  # full tag for <Say>
    voice: str = ""
    audio_url: str = ""  # set: <Play> this instead of <Say>


def _speak(parent: VoiceResponse | Gather, utterances: list[Utterance]) -> None:
    for utterance in utterances:
        if utterance.audio_url:
            parent.play(utterance.audio_url)
        else:
            parent.say(
                utterance.text, voice=utterance.voice, language=utterance.language
            )


def language_menu(options: list[Utterance], action: str) -> str:
    """One key per language; silence falls through to the same action."""
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf",
        num_digits=1,
        action=action,
        method="POST",
        timeout=GATHER_TIMEOUT_SECONDS,
    )
    _speak(gather, options)
    response.redirect(action, method="POST")
    return str(response)


def ask(
    said: list[Utterance],
    prompt: list[Utterance],
    action: str,
    speech_language: str | None,
) -> str:
    """Say ``said``, then listen for one key, and for speech in
    ``speech_language`` unless it is None (no recogniser knows the caller's
    language: keys only), while saying ``prompt``. Silence falls through to
    the same action (without speech or digits)."""
    response = VoiceResponse()
    _speak(response, said)
    listening = (
        {"input": "dtmf speech", "language": speech_language, "speech_timeout": "auto"}
        if speech_language
        else {"input": "dtmf"}
    )
    gather = response.gather(
        num_digits=1,
        action=action,
        method="POST",
        timeout=GATHER_TIMEOUT_SECONDS,
        **listening,
    )
    _speak(gather, prompt)
    response.redirect(action, method="POST")
    return str(response)


def transfer(said: list[Utterance], number: str, action: str) -> str:
    """Say ``said``, then ring the on-call person; ``action`` hears how it ended."""
    response = VoiceResponse()
    _speak(response, said)
    response.dial(number, action=action, method="POST", timeout=DIAL_TIMEOUT_SECONDS)
    return str(response)


def goodbye(said: list[Utterance]) -> str:
    response = VoiceResponse()
    _speak(response, said)
    response.hangup()
    return str(response)


def enqueue(said: list[Utterance], queue: str, wait_url: str, action: str) -> str:
    """Say ``said``, then wait in Twilio's ``queue``: ``wait_url`` is what the
    caller hears meanwhile, ``action`` hears how the wait ended."""
    response = VoiceResponse()
    _speak(response, said)
    response.enqueue(
        queue, action=action, method="POST", wait_url=wait_url, wait_url_method="POST"
    )
    return str(response)


def hold(said: list[Utterance]) -> str:
    """The wait URL's answer: a message, then quiet; Twilio asks again after."""
    response = VoiceResponse()
    _speak(response, said)
    response.pause(length=HOLD_PAUSE_SECONDS)
    return str(response)


def leave_queue() -> str:
    """Take the caller out of the queue (Twilio then calls the Enqueue action)."""
    response = VoiceResponse()
    response.leave()
    return str(response)


def record_message(
    said: list[Utterance], action: str, max_seconds: int, goodbye: list[Utterance]
) -> str:
    """Say ``said``, record after a beep; ``action`` gets the recording. With
    nothing recorded Twilio skips the action and goes on: ``goodbye``, hang up."""
    response = VoiceResponse()
    _speak(response, said)
    response.record(
        max_length=max_seconds, action=action, method="POST", play_beep=True
    )
    _speak(response, goodbye)
    response.hangup()
    return str(response)


def ask_digits(
    prompt: list[Utterance], action: str, num_digits: int | None = None
) -> str:
    """Keys only: a fixed number of them, or any number ended with ``#``.
    Silence hangs up."""
    response = VoiceResponse()
    limit: dict[str, object] = (
        {"finish_on_key": "#"} if num_digits is None else {"num_digits": num_digits}
    )
    gather = response.gather(
        input="dtmf",
        action=action,
        method="POST",
        timeout=GATHER_TIMEOUT_SECONDS,
        **limit,
    )
    _speak(gather, prompt)
    response.hangup()
    return str(response)


def pick_up(said: list[Utterance], queue: str, url: str) -> str:
    """An operator takes the first caller of ``queue``; Twilio asks ``url``
    (with the caller's CallSid) just before it bridges the two."""
    response = VoiceResponse()
    _speak(response, said)
    dial = Dial()
    dial.queue(queue, url=url, method="POST")
    response.append(dial)
    response.hangup()
    return str(response)


def nothing() -> str:
    """An empty ``<Response/>``: nothing more to say on this leg."""
    return str(VoiceResponse())
