"""Reading Rasa's REST answer: what the person sees, and the signals they never see."""

from __future__ import annotations

from hotline.bot_client import Handoff, parse_turn


def test_signals_are_taken_out_and_text_kept_in_order() -> None:
    turn = parse_turn(
        [
            {"recipient_id": "x", "custom": {"language": "pt"}},
            {"recipient_id": "x", "text": "Estou chamando uma pessoa."},
            {
                "recipient_id": "x",
                "custom": {
                    "handoff": {
                        "reason": "request_human",
                        "priority": "high",
                        "language": "pt",
                        "topic": "shelter",
                    }
                },
            },
            {"recipient_id": "x", "custom": {"delete_data": {"confirmed": True}}},
        ]
    )
    assert turn.texts == ["Estou chamando uma pessoa."]
    assert turn.language == "pt"
    assert turn.handoff == Handoff("request_human", "high", "shelter")
    assert turn.delete_data


def test_buttons_keep_title_and_payload_and_odd_shapes_are_ignored() -> None:
    turn = parse_turn(
        [
            {
                "text": "Choose",
                "buttons": [{"title": "Español", "payload": "/x"}, "bad"],
            },
            {"custom": "not a dict"},
            {"text": "   "},
        ]
    )
    assert turn.texts == ["Choose"]
    assert turn.buttons == [[{"title": "Español", "payload": "/x"}]]
    assert turn.handoff is None and not turn.delete_data


def test_a_turn_says_what_the_bot_read_and_whether_it_understood() -> None:
    turn = parse_turn(
        [
            {"text": "¿En qué país estás?"},
            {
                "custom": {
                    "turn": {
                        "intent": "ask_shelter",
                        "confidence": 0.42,
                        "runner_up": "ask_hotline",
                        "topic": "shelter",
                        "understood": True,
                    }
                }
            },
            {"text": "No entendí."},
            {"custom": {"turn": {"intent": "nlu_fallback", "understood": False}}},
        ]
    )
    assert turn.reading is not None
    assert (turn.reading.intent, turn.reading.runner_up, turn.reading.topic) == (
        "ask_shelter",
        "ask_hotline",
        "shelter",
    )
    assert turn.reading.confidence == 0.42
    assert turn.reading.understood is False


def test_a_turn_without_a_reading_has_none() -> None:
    assert parse_turn([{"text": "hola"}]).reading is None


def test_the_texts_that_ask_something_are_known_by_what_rasa_sends_after_them() -> None:
    """Rasa sends a response's custom after its text (and a text of two
    paragraphs as two messages): the question is the text just before."""
    turn = parse_turn(
        [
            {"text": "Si te detienen, pide que avisen a tu consulado."},
            {"text": "¿De qué país eres?"},
            {"custom": {"question": True}},
            {"text": "Escribe: persona."},
        ]
    )
    assert turn.questions == ["¿De qué país eres?"]
    assert (
        parse_turn([{"text": "¿Hola?"}, {"custom": {"question": "yes"}}]).questions
        == []
    )
