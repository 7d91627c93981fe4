"""Reading JSON from outside with a depth limit: the limit counts exactly the
brackets the parser would recurse on, and Rasa's or Twilio's answer nested
too deep is a failed call like any other, not a crash."""

from __future__ import annotations

import json

import pytest
import requests
from fake_twilio import FakeTwilio
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st

from hotline import safe_json
from hotline.bot_client import BotClient, BotUnavailable
from hotline.twilio_rest import OutgoingSms, TwilioError, send_message

DEEP = b"[" * 5_000 + b"]" * 5_000

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(), children, max_size=3)
    ),
    max_leaves=40,
)
# Text full of what could be mistaken for structure.
TRICKY_TEXT = st.text(st.sampled_from('[]{}"\\/ a\n'), max_size=30)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@given(
    st.recursive(
        TRICKY_TEXT,
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(TRICKY_TEXT, children, max_size=3)
        ),
    ),
    st.integers(min_value=0, max_value=8),
    st.booleans(),
)
def test_the_scan_counts_the_depth_the_parser_sees(
    value: object, limit: int, ascii_only: bool
) -> None:
    text = json.dumps(value, ensure_ascii=ascii_only)
    assert safe_json.deeper_than(text, limit) == (depth(value) > limit)


@given(JSON_VALUES)
def test_what_is_shallow_enough_reads_as_json_loads_would(value: object) -> None:
    text = json.dumps(value)
    assert safe_json.loads(text) == json.loads(text)
    assert safe_json.loads(text.encode("utf-16")) == json.loads(text)


@pytest.mark.parametrize(
    "document",
    [DEEP, b'{"a":' * 5_000 + b"1" + b"}" * 5_000, b"[" * 100_000, b'"]"' + DEEP],
)
def test_too_deep_is_refused_before_parsing(document: bytes) -> None:
    with pytest.raises(safe_json.TooDeep):
        safe_json.loads(document)


def test_an_unterminated_string_hides_no_brackets() -> None:
    """Unterminated, a string runs to the end: nothing after it is counted, and
    the parser fails on it (ValueError) without going deeper."""
    with pytest.raises(ValueError) as refused:
        safe_json.loads('["' + "[" * 5_000)
    assert not isinstance(refused.value, safe_json.TooDeep)


def test_invalid_utf8_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        safe_json.loads(b'{"a": "\xff"}')


def answering(body: bytes):
    def post(*args: object, **kwargs: object) -> requests.Response:
        response = requests.Response()
        response.status_code = 200
        response._content = body
        return response

    return post


def test_rasa_answering_nested_too_deep_is_the_bot_unavailable() -> None:
    client = BotClient("http://127.0.0.1:9")
    client.session.post = answering(DEEP)  # type: ignore[method-assign]
    with pytest.raises(BotUnavailable, match="TooDeep"):
        client.send("sender", "hola", {})


def test_twilio_answering_nested_too_deep_is_a_failed_send(
    app: Flask, fake_twilio: FakeTwilio
) -> None:
    app.config.update(
        TWILIO_ACCOUNT_SID="AC" + "1" * 32, TWILIO_API_URL=fake_twilio.url
    )
    fake_twilio.answers.append((500, DEEP))
    with app.app_context(), pytest.raises(TwilioError, match="http_500"):
        send_message(OutgoingSms("+15557654321", "+15550100", "hola"))
