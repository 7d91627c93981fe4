"""Spoken text: numbers digit by digit, no links, no e-mail addresses."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hotline.voice.speech import digit_by_digit, spoken


@pytest.mark.parametrize(
    ("written", "heard"),
    [
        ("Call 911 now.", "Call 9 1 1 now."),
        ("Hotline: +1 555 0100", "Hotline: 1 5 5 5 0 1 0 0"),
        ("Call (01) 555-0100.", "Call 0 1 5 5 5 0 1 0 0."),
        ("Press 1 for your rights.", "Press 1 for your rights."),
        ("If you are under 18, call 100.", "If you are under 18, call 1 0 0."),
        ("See https://example.org/help or www.example.org.", "See or."),
        ("Write to help@example.org for more.", "Write to for more."),
        ("Menu:\n1 Rights\n2 Shelter", "Menu: 1 Rights. 2 Shelter"),
        ("", ""),
    ],
)
def test_written_text_is_said_as_a_caller_needs_it(written, heard):
    assert spoken(written) == heard


def test_digit_by_digit_drops_every_separator():
    assert digit_by_digit("+1 (555) 010-0") == "1 5 5 5 0 1 0 0"


phone_numbers = st.from_regex(r"\+?[0-9]{1,3}([ .-]?[0-9]{2,4}){1,4}", fullmatch=True)
words = st.text(alphabet="abcdefghij ñéã,", max_size=30)


@given(before=words, number=phone_numbers, after=words)
def test_a_phone_number_keeps_its_digits_in_order_one_at_a_time(before, number, after):
    heard = spoken(f"{before} {number} {after}")
    assert re.findall(r"\d", heard) == re.findall(r"\d", number)
    assert "+" not in heard
    assert not re.search(r"\d\d", heard)  # never read as an amount


@given(
    before=words,
    link=st.from_regex(
        r"https?://[a-z]{1,10}\.[a-z]{2,3}(/[a-z0-9]{0,8})?", fullmatch=True
    ),
    mail=st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.[a-z]{2,3}", fullmatch=True),
)
def test_links_and_addresses_are_never_read(before, link, mail):
    heard = spoken(f"{before} {link} {mail} {before}")
    assert "http" not in heard
    assert "@" not in heard


@given(st.text(max_size=200))
def test_any_text_comes_out_on_one_line(text):
    heard = spoken(text)
    assert "\n" not in heard and "\r" not in heard
    assert heard == heard.strip()
