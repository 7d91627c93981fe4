"""SMS bodies: no reply is cut, none exceeds Twilio's limit, none costs more
segments than its text needs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hotline.sms.segments import (
    TWILIO_MAX_CHARS,
    compose,
    is_gsm7,
    plain_punctuation,
    segment_info,
)


def test_plain_english_fits_one_gsm_segment() -> None:
    info = segment_info("You have rights. Call 911 in danger.")
    assert (info.encoding, info.segments) == ("GSM-7", 1)


def test_an_accent_outside_gsm7_switches_to_ucs2_and_70_per_segment() -> None:
    spanish = (
        "Tienes derechos aunque no tengas papeles. Llama al 911 si estás en peligro."
    )
    assert 70 < len(spanish) <= 2 * 67
    info = segment_info(spanish)
    assert info.encoding == "UCS-2"
    assert info.segments == 2
    assert segment_info(spanish.replace("á", "a")).segments == 1  # GSM-7: 160


def test_gsm7_boundaries_160_and_153() -> None:
    assert segment_info("a" * 160).segments == 1
    assert segment_info("a" * 161).segments == 2
    assert segment_info("a" * 306).segments == 2
    assert segment_info("a" * 307).segments == 3


def test_extension_characters_count_twice() -> None:
    assert segment_info("€" * 80).units == 160
    assert segment_info("€" * 81).segments == 2


def test_emoji_count_as_two_ucs2_units() -> None:
    assert segment_info("🙂" * 35).units == 70
    assert segment_info("🙂" * 36).segments == 2


def test_curly_apostrophe_does_not_turn_english_into_ucs2() -> None:
    [body] = compose(["You’re not alone – we’re here."])
    assert is_gsm7(body)
    assert segment_info(body).segments == 1


def test_whatsapp_keeps_typography() -> None:
    assert compose(["You’re safe"], sms=False) == ["You’re safe"]


def test_bot_messages_are_joined_into_one_body_when_they_fit() -> None:
    assert compose(["Hello.", "Where are you?"]) == ["Hello.\n\nWhere are you?"]


def test_long_answer_is_split_between_sentences_not_words() -> None:
    sentence = "Cada persona tiene derecho a pedir ayuda sin miedo. "
    bodies = compose([sentence * 60])
    assert len(bodies) > 1
    assert all(len(body) <= TWILIO_MAX_CHARS for body in bodies)
    assert all(body.endswith(".") for body in bodies)


messages = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=900
    ),
    max_size=8,
)


@given(messages)
def test_no_body_exceeds_twilio_limit_and_no_word_is_lost(parts: list[str]) -> None:
    bodies = compose(parts)
    assert all(0 < len(body) <= TWILIO_MAX_CHARS for body in bodies)
    expected_words = " ".join(plain_punctuation(p) for p in parts).split()
    assert " ".join(bodies).split() == expected_words


@given(st.text(max_size=2000))
def test_segment_count_covers_the_text(text: str) -> None:
    info = segment_info(text)
    per_segment = (
        (160 if info.segments == 1 else 153)
        if info.encoding == "GSM-7"
        else (70 if info.segments == 1 else 67)
    )
    assert info.segments * per_segment >= info.units
    assert info.segments == 1 or (info.segments - 1) * per_segment < info.units
