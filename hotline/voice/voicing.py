"""Texts turned into what a caller hears in their language: ``<Say>`` with the
language's Twilio voice, or ``<Play>`` of an audio prompt for the languages
Twilio cannot speak (ht, qu, gn, quc, ay).

A recording of a prompt comes first. Then, for those languages, a text that
really is a fall-back (the Quechua catalog lacks it, so it came out in Spanish)
is said by Twilio's voice for that language, which sounds far better than
espeak-ng reading Spanish with a Quechua voice. A language no voice can speak
(Aymara: no espeak-ng voice) hears the line's own prompts it has no recording
of in the nearest language Twilio speaks.
"""

from __future__ import annotations

from flask import current_app, url_for

from hotline.texts import Text
from hotline.voice import audio, catalog
from hotline.voice.languages import nearest_spoken, voice_for
from hotline.voice.speech import spoken
from hotline.voice.twiml import Utterance


def _say(words: str, language: str) -> Utterance:
    voice = voice_for(language)
    return Utterance(words, language=voice.say_language, voice=voice.voice)


def utterance(
    text: str, language: str, written: str | None, context: str | None = None
) -> Utterance | None:
    """What the caller hears for ``text`` (None when nothing is left to say)."""
    words = spoken(text)
    if not words:
        return None
    if (
        context is not None
        and context in audio.recordable_contexts()
        and audio.has_recording(language, context)
    ):
        return _play(words, language, context)
    if voice_for(language).twilio_speaks:
        return _say(words, language)
    if written is not None and voice_for(written).twilio_speaks:
        return _say(words, written)
    name = audio.audio_name(
        language,
        text,
        current_app.config["AUDIO_DIR"],
        current_app.config["CONVERSATION_KEY_SECRET"],
        context,
    )
    if name is None:
        return _say(words, language)  # the nearest language Twilio speaks
    return _play(words, language, name)


def _play(words: str, language: str, name: str) -> Utterance:
    return Utterance(
        words, audio_url=url_for("voice.audio_prompt", language=language, name=name)
    )


def answers(texts: list[str], language: str) -> list[Utterance]:
    """The bot's messages, each in the language it is written in."""
    said = (
        utterance(text, language, catalog.written_in(language, text)) for text in texts
    )
    return [item for item in said if item is not None]


def prompt(text: Text, language: str, **values: object) -> list[Utterance]:
    """One of the line's own prompts (a list: empty or one utterance)."""
    if not voice_for(language).twilio_speaks and voice_for(language).espeak is None:
        recorded = text.context in audio.recordable_contexts() and (
            audio.has_recording(language, text.context)
        )
        if not recorded:  # no voice says it: the nearest language Twilio speaks
            language = nearest_spoken(language)
    said = utterance(
        text(language, **values),
        language,
        catalog.prompt_language(language, text),
        text.context,
    )
    return [said] if said is not None else []
