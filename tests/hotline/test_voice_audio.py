"""Audio prompts for ht, qu and gn: rendered, found, served, and never a way
into the file system."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from conftest import REQUIRE_SERVICES, Twilio, make_app, twiml
from flask import Flask

from actions.directory.emergency import emergency_numbers_for
from actions.directory.loader import default_directory
from bot.languages import EXTRA_LANGUAGES
from hotline.voice import audio, catalog, prompts, voicing
from hotline.voice.languages import VOICES, menu_digit
from hotline.voice.speech import spoken

needs_espeak = pytest.mark.skipif(
    not audio.installed_voices() and not REQUIRE_SERVICES,
    reason="espeak-ng is not installed",
)
SECRET = "test-secret"


def is_wav(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WAVE"


def quechua_text() -> str:
    """A text the Quechua catalog really translates, without placeholders."""
    return next(iter(audio.catalog_texts("qu")))


@needs_espeak
@pytest.mark.parametrize("language", EXTRA_LANGUAGES)
def test_espeak_has_a_voice_for_each_language_twilio_cannot_speak(language):
    if VOICES[language].espeak is None:  # Aymara: recordings or a person
        assert audio.espeak_voice(language) is None
        assert audio.ESPEAK_VOICES[language] == ()
    else:
        assert audio.espeak_voice(language) == VOICES[language].espeak


def test_the_nearest_espeak_voice_stands_in_for_a_missing_one(monkeypatch):
    monkeypatch.setattr(audio, "installed_voices", lambda: frozenset({"fr", "es-419"}))
    assert audio.espeak_voice("ht") == "fr"
    assert audio.espeak_voice("gn") == "es-419"


@needs_espeak
def test_make_audio_renders_every_translated_text_once(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIO_DIR", str(tmp_path))
    monkeypatch.setenv("ALIADA_ENV", "development")
    monkeypatch.setenv("HOTLINE_NUMBER", "+1 555 0100")
    assert audio.main(["render", "gn"]) == 0
    files = sorted((tmp_path / "gn").glob("*.wav"))
    texts = audio.catalog_texts("gn")
    # Prompts name the emergency number of each country we cover, or all.
    variants = [
        {"hotline": "+1 555 0100", "emergency": emergency_numbers_for(code, "gn")}
        for code in (None, *default_directory().countries)
    ]
    prompts_said = [t for v in variants for t in audio.prompt_texts("gn", v)]
    said = {spoken(text) for text in texts + prompts_said}
    assert len(files) == len(said)
    assert all(is_wav(path.read_bytes()[:12]) for path in files[:3])
    wanted = audio.catalog_name("gn", spoken(texts[0]))
    assert (tmp_path / "gn" / f"{wanted}.wav").is_file()
    assert audio.main(["render", "gn"]) == 0  # nothing new the second time
    assert sorted((tmp_path / "gn").glob("*.wav")) == files


def test_catalog_texts_leave_out_texts_with_placeholders():
    texts = audio.catalog_texts("qu")
    assert texts
    assert not [text for text in texts if "{" in text or "%(" in text]


def test_a_recording_wins_over_rendered_audio(tmp_path, monkeypatch):
    text = quechua_text()
    context = catalog.contexts_by_text("qu")[text]
    (tmp_path / f"{context}.wav").write_bytes(b"RIFF0000WAVE")
    monkeypatch.setattr(audio, "recorded_dir", lambda language: tmp_path)
    assert audio.audio_name("qu", text, tmp_path / "cache", SECRET) == context
    assert (
        audio.audio_file("qu", context, tmp_path / "cache")
        == tmp_path / f"{context}.wav"
    )


@needs_espeak
def test_a_text_no_catalog_holds_gets_a_private_name(tmp_path):
    text = f"Llamay 0800 {uuid.uuid4().int % 10_000}"
    name = audio.audio_name("qu", text, tmp_path, SECRET)
    assert name == audio.private_name("qu", spoken(text), SECRET)
    assert name != audio.private_name("qu", spoken(text), "another-secret")
    assert name != audio.catalog_name("qu", spoken(text))
    assert is_wav((tmp_path / "qu" / f"{name}.wav").read_bytes())


def test_without_espeak_there_is_no_audio_to_play(tmp_path, monkeypatch):
    monkeypatch.setattr(audio, "installed_voices", frozenset)
    assert audio.audio_name("qu", quechua_text(), tmp_path, SECRET) is None


def test_without_espeak_the_menu_says_the_option_in_the_nearest_language(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(audio, "installed_voices", frozenset)
    root = twiml(Twilio(make_app(tmp_path).test_client()).call("/twilio/voice"))
    options = [node for node in root.iter() if node.tag in ("Say", "Play")]
    quechua = options[int(menu_digit("qu")) - 1]
    assert quechua.tag == "Say"
    assert quechua.attrib["language"] == VOICES["qu"].say_language == "es-MX"


def test_a_fall_back_text_is_said_by_twilio_in_its_own_language(app: Flask):
    """A prompt the Quechua catalog lacks comes out in English or Spanish and
    is said by that language's voice, not read by a Quechua voice."""
    with app.test_request_context():
        [said] = voicing.prompt(prompts.ASK, "qu")
    written = catalog.prompt_language("qu", prompts.ASK)
    assert said.text == spoken(prompts.ASK("qu"))
    if written == "qu":
        assert said.audio_url or said.language == VOICES["qu"].say_language
    else:
        assert said.language == VOICES[written].say_language


@pytest.fixture
def served(tmp_path: Path) -> Flask:
    folder = tmp_path / "audio" / "qu"
    folder.mkdir(parents=True)
    (folder / f"{'a' * 64}.wav").write_bytes(b"RIFF0000WAVEfmt ")
    return make_app(tmp_path)


def test_a_rendered_prompt_is_served_without_a_signature(served):
    response = served.test_client().get(f"/twilio/voice/audio/qu/{'a' * 64}.wav")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert is_wav(response.data)


@pytest.mark.parametrize(
    "path",
    [
        f"/twilio/voice/audio/qu/{'b' * 64}.wav",  # never handed out
        f"/twilio/voice/audio/xx/{'a' * 64}.wav",  # no such language
        f"/twilio/voice/audio/../{'a' * 64}.wav",
        "/twilio/voice/audio/qu/..%2F..%2Fhotline.db.wav",
        "/twilio/voice/audio/qu/%2E%2E.wav",
        "/twilio/voice/audio/qu/UTTER_GREET.wav",
        "/twilio/voice/audio/qu/utter_greet.wav",  # no recording made
    ],
)
def test_nothing_else_is_served(served, path):
    assert served.test_client().get(path).status_code == 404


@needs_espeak
def test_a_prompt_with_the_line_s_numbers_is_named_like_make_audio_names_it(tmp_path):
    text = prompts.GOODBYE("qu", hotline="+1 555 0100")
    name = audio.audio_name("qu", text, tmp_path, SECRET, prompts.GOODBYE.context)
    assert name == audio.catalog_name("qu", spoken(text))
