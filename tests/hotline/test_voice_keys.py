"""Calls in languages no speech recogniser knows (ht, qu, gn, quc, ay): keys
only, a menu of topics in the language, the country from the calling number,
a person marked for an interpreter; a language with no voice at all; the
language menu's pages. Real signed webhooks; the bot stack is real."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element

import pytest
from conftest import Twilio, make_app, numbers_for, twiml
from flask import Flask
from sqlalchemy import select

from actions.directory.emergency import emergency_numbers_for
from actions.directory.loader import default_directory
from bot.languages import EXTRA_LANGUAGES, LANGUAGES, Language, Voice
from hotline.console.routing import needs_interpreter
from hotline.extensions import db
from hotline.models import Channel, Conversation, Message, State
from hotline.privacy import conversation_key
from hotline.voice import audio, catalog, languages, prompts, voicing
from hotline.voice.languages import VOICES, menu_digit, menu_pages
from hotline.voice.operator_line import _language_name
from hotline.voice.speech import spoken

KEYS_ONLY = [code for code in EXTRA_LANGUAGES if VOICES[code].espeak is not None]
# A caller of each language, calling from a number of a country it is spoken in.
CALLERS = {
    "ht": ("+50928101234", "HT"),
    "qu": ("+5114123456", "PE"),
    "gn": ("+595211234567", "PY"),
    "quc": ("+50223456789", "GT"),
    "ay": ("+59122123456", "BO"),
}
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt "


def new_sid() -> str:
    return f"CA{uuid.uuid4().hex}"


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def heard(parent: Element) -> list[str]:
    """What the caller hears, in order: a <Play>'s URL, a <Say>'s words."""
    return [node.text or "" for node in parent if node.tag in ("Say", "Play")]


def listening(root: Element) -> Element:
    found = root.find("Gather")
    assert found is not None, "the line must keep listening"
    return found


def call(line: Twilio, path: str, sid: str, sender: str, **params: str) -> Element:
    response = line.call(path, call_sid=sid, From=sender, **params)
    assert response.status_code == 200, response.data[:300]
    return twiml(response)


def conversation_of(app: Flask, sid: str) -> Conversation:
    key = conversation_key(Channel.VOICE, sid)
    return db.session.scalar(select(Conversation).where(Conversation.key == key))


def expected(app: Flask, items: list[str], code: str) -> list[str]:
    """What the line plays or says for texts, computed as it computes it."""
    with app.test_request_context():
        return [u.audio_url or u.text for u in voicing.answers(items, code)]


def menu_heard(app: Flask, code: str) -> list[str]:
    with app.test_request_context():
        return [u.audio_url or u.text for u in voicing.prompt(prompts.DIGIT_MENU, code)]


# --- the menu of topics, without the bot ----------------------------------


@pytest.mark.parametrize("code", KEYS_ONLY)
def test_the_welcome_is_followed_by_the_menu_of_topics_in_keys(app, twilio, code):
    sid = new_sid()
    root = call(
        twilio,
        "/twilio/voice/language?miss=0",
        sid,
        "+15005550006",
        Digits=menu_digit(code),
    )
    gather = listening(root)
    assert gather.attrib["input"] == "dtmf" and "language" not in gather.attrib
    assert heard(gather) == menu_heard(app, code)
    assert root.find("Redirect").text == gather.attrib["action"]
    assert urlsplit(gather.attrib["action"]).path == "/twilio/voice/turn"


@pytest.mark.parametrize("code", KEYS_ONLY)
@pytest.mark.parametrize("key", ["0", "9"])
def test_zero_or_nine_bring_a_person_marked_for_an_interpreter(app, twilio, code, key):
    sid = new_sid()
    path = f"/twilio/voice/turn?lang={code}&step=1&miss=0"
    root = call(twilio, path, sid, CALLERS[code][0], Digits=key)
    assert root.find("Dial").text == "+15550199"  # nobody on duty: on call rings
    with app.app_context():
        conversation = conversation_of(app, sid)
        assert conversation.state == State.WAITING
        assert conversation.handoff_reason == "interpreter"
        assert conversation.language == code
        assert needs_interpreter(conversation, spoken={"es", "en"})


def test_the_caller_waits_in_the_queue_of_the_language(tmp_path):
    line = Twilio(make_app(tmp_path, ON_CALL_NUMBER="").test_client())
    root = call(
        line, "/twilio/voice/turn?lang=qu&step=3", new_sid(), "+5114123456", Digits="0"
    )
    assert root.find("Enqueue").text == "aliada-qu"


@pytest.mark.parametrize("key", ["", "*", "#"])
def test_no_key_says_sorry_and_the_menu_again_never_listening_for_speech(
    app, twilio, key
):
    path = "/twilio/voice/turn?lang=gn&step=2&miss=0"
    root = call(twilio, path, new_sid(), "+595211234567", Digits=key)
    gather = listening(root)
    assert gather.attrib["input"] == "dtmf"
    assert query(gather.attrib["action"]) == {"lang": "gn", "step": "2", "miss": "1"}
    assert heard(gather) == menu_heard(app, "gn")


def test_speech_is_never_taken_from_a_keys_only_caller(app, twilio):
    sid = new_sid()
    path = "/twilio/voice/turn?lang=qu&step=2&miss=0"
    root = call(twilio, path, sid, "+5114123456", SpeechResult="runa")
    assert root.find("Dial") is None
    assert query(listening(root).attrib["action"])["miss"] == "1"


# --- a language with no voice at all (Aymara) ------------------------------


def no_voice_language() -> str:
    code = next(c for c in EXTRA_LANGUAGES if VOICES[c].espeak is None)
    assert not audio.has_voice(code), "recordings exist: the no-voice tests need none"
    return code


def test_the_menu_offers_a_language_without_voice_by_its_name(twilio):
    code = no_voice_language()
    root = twiml(twilio.call("/twilio/voice"))
    options = [n for n in listening(root) if n.tag in ("Say", "Play")]
    option = options[int(menu_digit(code)) - 1]
    assert option.tag == "Say"
    assert option.attrib["language"] == VOICES[code].say_language
    name = LANGUAGES[code].autonym
    assert option.text == spoken(
        prompts.MENU_OPTION_NAMED(code, name=name, digit=menu_digit(code))
    )


def test_choosing_a_language_without_voice_brings_a_person_at_once(app, twilio):
    code = no_voice_language()
    sender, _country = CALLERS[code]
    sid = new_sid()
    root = call(
        twilio, "/twilio/voice/language?miss=0", sid, sender, Digits=menu_digit(code)
    )
    assert root.find("Gather") is None
    assert root.find("Dial").text == "+15550199"
    # "A person is coming", in the nearest language Twilio speaks (Spanish).
    [connecting] = list(root.iter("Say"))
    assert connecting.text == spoken(prompts.CONNECTING("es"))
    assert connecting.attrib["language"] == VOICES["es"].say_language
    with app.app_context():
        conversation = conversation_of(app, sid)
        assert (conversation.state, conversation.handoff_reason) == (
            State.WAITING,
            "interpreter",
        )
        assert conversation.language == code
        assert needs_interpreter(conversation, spoken={"es", "en"})


def test_hold_prompts_of_a_language_without_voice_are_in_the_nearest(twilio):
    code = no_voice_language()
    root = call(twilio, f"/twilio/voice/hold?lang={code}", new_sid(), "+59122123456")
    says = list(root.iter("Say"))
    assert says and {s.attrib["language"] for s in says} == {"es-MX"}
    emergency = emergency_numbers_for("BO", code)
    assert says[0].text == spoken(prompts.HOLD("es", emergency=emergency))


@pytest.fixture
def recorded_ay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Recordings of the menu prompts in a temporary locales folder."""
    root = tmp_path / "locales"
    folder = root / "ay" / "audio"
    folder.mkdir(parents=True)
    for text in prompts.MENU_PROMPTS:
        (folder / f"{text.context}.wav").write_bytes(WAV)
    monkeypatch.setattr(audio, "RECORDINGS_ROOT", root)
    return folder


def test_recorded_menu_prompts_give_a_language_without_voice_the_menu(
    recorded_ay, app, twilio
):
    assert audio.has_voice("ay")
    sid = new_sid()
    root = call(
        twilio,
        "/twilio/voice/language?miss=0",
        sid,
        "+59122123456",
        Digits=menu_digit("ay"),
    )
    plays = [node.text for node in root.iter("Play")]
    assert plays == [
        "/twilio/voice/audio/ay/hotline_voice_welcome.wav",
        "/twilio/voice/audio/ay/hotline_voice_digit_menu.wav",
    ]
    gather = listening(root)
    assert gather.attrib["input"] == "dtmf"
    assert query(gather.attrib["action"]) == {"lang": "ay", "step": "1", "miss": "0"}
    served = twilio.client.get(plays[1])  # unsigned, as Twilio fetches it
    assert served.status_code == 200 and served.data == WAV
    with app.app_context():
        assert conversation_of(app, sid) is None  # no hand-off


# --- the language menu's pages ---------------------------------------------


@pytest.mark.parametrize("count", [1, 9, 10, 16, 17, 18, 30])
def test_every_language_has_one_key_on_one_page(count):
    codes = tuple(f"l{i}" for i in range(count))
    pages = menu_pages(codes)
    assert [c for page in pages for c in page] == list(codes)
    assert all(1 <= len(page) <= 9 for page in pages)
    # Key 9 says the next page: a page followed by another offers eight.
    assert all(len(page) == 8 for page in pages[:-1])
    assert len(pages) == 1 if count <= 9 else len(pages) > 1


@pytest.fixture
def ten_languages(monkeypatch: pytest.MonkeyPatch) -> str:
    """A tenth language in the registry (Twilio speaks and hears it)."""
    code = "zz"
    voice = Voice(
        twilio=True, say="en-US", polly="Polly.Joanna", listen="en-US", espeak=None
    )
    tenth = Language(
        code=code,
        name="Tenth",
        autonym="Tenth language",
        fallback=("en",),
        core=False,
        aliases=(),
        also_called=(),
        person_word="person",
        voice=voice,
    )
    monkeypatch.setitem(LANGUAGES, code, tenth)
    monkeypatch.setitem(VOICES, code, languages._from_registry(code))
    monkeypatch.setattr(
        languages, "SUPPORTED_LANGUAGES", (*languages.SUPPORTED_LANGUAGES, code)
    )
    return code


def test_a_tenth_language_is_on_the_second_page_of_the_menu(ten_languages, twilio):
    code = ten_languages
    first = listening(twiml(twilio.call("/twilio/voice")))
    first_page = menu_pages()[0]
    assert len(first_page) == 8
    options = [n for n in first if n.tag in ("Say", "Play")]
    more = [spoken(prompts.MENU_MORE(c)) for c in ("es", "en")]
    assert [n.text for n in options[-2:]] == more
    sid = new_sid()
    second = call(twilio, first.attrib["action"], sid, "+15005550006", Digits="9")
    page = listening(second)
    assert query(page.attrib["action"]) == {"miss": "0", "page": "1"}
    offered = [n for n in page if n.tag in ("Say", "Play")]
    assert len(offered) == len(menu_pages()[1]) == 2
    assert offered[-1].text == spoken(
        prompts.MENU_OPTION_NAMED(code, name="Tenth language", digit="2")
    )
    welcome = call(twilio, page.attrib["action"], sid, "+15005550006", Digits="2")
    assert query(listening(welcome).attrib["action"])["lang"] == code


# --- with the real bot ------------------------------------------------------


@pytest.fixture
def line(app_with_bot: Flask) -> Twilio:
    return Twilio(app_with_bot.test_client())


def replies(app: Flask, sid: str) -> tuple[list[str], list[str]]:
    """The texts a call sent to the bot, and the bot's answers, in order."""
    with app.app_context():
        conversation = conversation_of(app, sid)
        messages = db.session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id)
            .order_by(Message.id)
        ).all()
        incoming = [m.text for m in messages if m.direction == "in"]
        answers = [m.text for m in messages if m.direction == "out"]
        return incoming, answers


@pytest.mark.parametrize("code", ["ht", "qu", "gn", "quc"])
def test_a_key_caller_hears_the_topic_with_their_country_s_numbers(
    app_with_bot, line, code
):
    sender, country = CALLERS[code]
    sid = new_sid()
    call(line, "/twilio/voice", sid, sender)
    welcome = call(
        line, "/twilio/voice/language?miss=0", sid, sender, Digits=menu_digit(code)
    )
    root = call(line, listening(welcome).attrib["action"], sid, sender, Digits="2")
    sent, answers = replies(app_with_bot, sid)
    # The line answered the bot's country question with the number's country.
    assert sent == ["2", country]
    question = catalog.bot_text("utter_ask_country", code)
    assert question in answers
    said = [text for text in answers if text != question]
    emergency = default_directory().get(country).emergency_entry().main_number
    assert any(emergency in text for text in said)
    before_menu = [n.text for n in root if n.tag in ("Say", "Play")]
    assert before_menu == expected(app_with_bot, said, code)
    assert heard(listening(root)) == menu_heard(app_with_bot, code)
    assert query(listening(root).attrib["action"]) == {
        "lang": code,
        "step": "2",
        "miss": "0",
    }
    # Then 0: a person, marked for an interpreter.
    person = call(line, listening(root).attrib["action"], sid, sender, Digits="0")
    assert person.find("Dial") is not None
    with app_with_bot.app_context():
        conversation = conversation_of(app_with_bot, sid)
        assert (conversation.state, conversation.handoff_reason) == (
            State.WAITING,
            "interpreter",
        )
        assert conversation.country == country


def test_a_caller_whose_number_tells_no_country_hears_every_emergency_number(
    app_with_bot, line
):
    sid = new_sid()
    sender = "Anonymous"
    welcome = call(
        line, "/twilio/voice/language?miss=0", sid, sender, Digits=menu_digit("quc")
    )
    root = call(line, listening(welcome).attrib["action"], sid, sender, Digits="3")
    sent, _answers = replies(app_with_bot, sid)
    assert sent == ["3", "?"]
    unknown = prompts.COUNTRY_UNKNOWN("quc", **numbers_for("quc", None))
    before_menu = [n.text for n in root if n.tag in ("Say", "Play")]
    assert before_menu[-1] == expected(app_with_bot, [unknown], "quc")[0]
    question = catalog.bot_text("utter_ask_country", "quc")
    assert spoken(question) not in before_menu
    assert heard(listening(root)) == menu_heard(app_with_bot, "quc")


def test_recorded_menu_prompts_let_an_aymara_caller_use_the_menu(
    recorded_ay, app_with_bot, line
):
    sender, country = CALLERS["ay"]
    sid = new_sid()
    welcome = call(
        line, "/twilio/voice/language?miss=0", sid, sender, Digits=menu_digit("ay")
    )
    root = call(line, listening(welcome).attrib["action"], sid, sender, Digits="2")
    sent, answers = replies(app_with_bot, sid)
    assert sent == ["2", country]
    emergency = default_directory().get(country).emergency_entry().main_number
    assert any(emergency in text for text in answers)
    assert heard(listening(root)) == [
        "/twilio/voice/audio/ay/hotline_voice_digit_menu.wav"
    ]


# --- recording slots ---------------------------------------------------------


def test_the_slots_list_what_a_speaker_can_record(tmp_path):
    catalog_dir = tmp_path / "qu" / "LC_MESSAGES"
    catalog_dir.mkdir(parents=True)
    po = audio.LOCALES_DIR / "qu" / "LC_MESSAGES" / "messages.po"
    (catalog_dir / "messages.po").write_bytes(po.read_bytes())
    [path] = audio.write_slots(["qu"], tmp_path)
    assert path == tmp_path / "qu" / "audio" / "README.md"
    readme = path.read_text(encoding="utf-8")
    files = {slot.file for slot in audio.recording_slots("qu", tmp_path)}
    for text in prompts.MENU_PROMPTS:
        assert f"| `{text.context}.wav` | {text.source} |" in readme
    welcome = prompts.WELCOME("qu")
    assert welcome != prompts.WELCOME.source  # the Quechua catalog has it
    assert f"| {welcome} |" in readme
    assert "8 kHz" in readme
    # Never a prompt with a caller's numbers, an operator's, or speech-only.
    for text in (prompts.GOODBYE, prompts.HOLD, prompts.OPERATOR_ASK_ID, prompts.ASK):
        assert f"{text.context}.wav" not in files
    assert "utter_greet.wav" in files
    assert not [f for f in files if not audio.CONTEXT_NAME.fullmatch(f[:-4])]


def test_a_recording_never_says_a_prompt_with_a_caller_s_numbers(
    tmp_path, monkeypatch, app
):
    folder = tmp_path / "locales" / "qu" / "audio"
    folder.mkdir(parents=True)
    for text in (prompts.GOODBYE, prompts.CONNECTING):
        (folder / f"{text.context}.wav").write_bytes(WAV)
    monkeypatch.setattr(audio, "RECORDINGS_ROOT", tmp_path / "locales")
    monkeypatch.setattr(audio, "installed_voices", frozenset)  # no espeak-ng
    with app.test_request_context():
        [connecting] = voicing.prompt(prompts.CONNECTING, "qu")
        [goodbye] = voicing.prompt(prompts.GOODBYE, "qu", hotline="+1 555 0100")
    assert connecting.audio_url.endswith("/qu/hotline_voice_connecting.wav")
    assert not goodbye.audio_url


def test_an_operator_hears_every_language_s_english_name():
    assert _language_name("ay") == "Aymara"  # Babel has no Aymara
    assert _language_name("quc") == "K'iche'"
    assert _language_name(None) == "an unknown language"


def test_slots_for_a_language_just_added_to_the_registry(tmp_path):
    """``make new-language`` writes the registry, then calls write_slots in
    the same process: the new language is read from the registry beside."""
    (tmp_path / "bot").mkdir()
    registry = (Path(audio.LOCALES_DIR).parent / "bot" / "languages.yml").read_text(
        encoding="utf-8"
    )
    registry += (
        "xx:\n  name: Newish\n  autonym: Newish\n  fallback: [es, en]\n"
        "  core: false\n  person_word: person\n"
        "  voice: {twilio: false, say: es-MX, polly: Polly.Mia, listen: null,"
        " espeak: null}\n"
    )
    (tmp_path / "bot" / "languages.yml").write_text(registry, encoding="utf-8")
    [path] = audio.write_slots(["xx"], tmp_path / "locales")
    readme = path.read_text(encoding="utf-8")
    assert "Newish" in readme and "reach a person at once" in readme
    assert f"| `{prompts.DIGIT_MENU.context}.wav` |" in readme
    assert "*(not translated yet)*" in readme
