"""TwiML for calls, built by pure functions and tested by parsing the XML.

Each function returns a whole ``<Response>``. What is said comes in as
``Utterance`` values (a ``<Say>`` with its voice, or a ``<Play>``), so these
builders know nothing about languages, catalogs or audio files.
"""

from __future__ import annotations

from dataclasses import dataclass

from twilio.twiml.voice_response import Gather, VoiceResponse

GATHER_TIMEOUT_SECONDS = 6
DIAL_TIMEOUT_SECONDS = 30


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
    speech_language: str,
) -> str:
    """Say ``said``, then listen for speech or one key while saying ``prompt``.
    Silence falls through to the same action (without speech or digits)."""
    response = VoiceResponse()
    _speak(response, said)
    gather = response.gather(
        input="dtmf speech",
        num_digits=1,
        action=action,
        method="POST",
        language=speech_language,
        speech_timeout="auto",
        timeout=GATHER_TIMEOUT_SECONDS,
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
