"""Text made fit to be heard: numbers digit by digit, no links or addresses.

A caller cannot click a link or copy an e-mail address, and a speech engine
reads "911" as "nine hundred eleven" and "+1 555 0100" as a sum. Phone-like
numbers (three digits or more, or any number after a plus sign, with the spaces,
dots, dashes and brackets numbers are written with) are spoken one digit at a
time; short numbers ("press 1", "under 18") stay as they are. Pure functions.
"""

from __future__ import annotations

import re

# A link ends before the punctuation that ends its sentence.
URL = re.compile(r"(?:https?://|www\.)\S*[^\s.,;:!?)]", re.IGNORECASE)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
NUMBER = re.compile(r"\+?\(?\d(?:[ \t().-]*\d)*\)?")
DIGIT = re.compile(r"\d")
SPACES = re.compile(r"[ \t]+")
SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \t]+([,.;:!?])")
SENTENCE_END = ".:;!?,"


def digit_by_digit(number: str) -> str:
    """``+1 (555) 010-0`` -> ``1 5 5 5 0 1 0 0``."""
    return " ".join(DIGIT.findall(number))


def _speak_number(match: re.Match[str]) -> str:
    number = match.group(0)
    if len(DIGIT.findall(number)) >= 3 or number.startswith("+"):
        return digit_by_digit(number)
    return number


def without_links(text: str) -> str:
    """The text with URLs and e-mail addresses dropped."""
    return EMAIL.sub("", URL.sub("", text))


def spoken(text: str) -> str:
    """What the line says aloud for a written text; each line ends a sentence,
    so a menu is read with pauses."""
    words = NUMBER.sub(_speak_number, without_links(text))
    sentences: list[str] = []
    for raw_line in words.splitlines():
        line = SPACE_BEFORE_PUNCTUATION.sub(r"\1", SPACES.sub(" ", raw_line)).strip()
        if not line:
            continue
        if sentences and sentences[-1][-1] not in SENTENCE_END:
            sentences[-1] += "."
        sentences.append(line)
    return " ".join(sentences)
