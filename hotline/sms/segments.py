"""SMS bodies that cost the person as little as possible and never get cut.

An SMS segment holds 160 GSM-7 characters (153 when a message is split) or, as
soon as one character is outside GSM-7 (á, ó, ã, emoji), 70 UCS-2 units (67 when
split). Twilio refuses bodies over 1,600 characters. The bot's messages are
joined into as few bodies as fit, split only between messages, then sentences,
then words; typographic quotes and dashes become their GSM-7 twins first so one
curly apostrophe does not double the cost of an English answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TWILIO_MAX_CHARS = 1600

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = set("^{}\\[~]|€\f")  # two septets each

TYPOGRAPHIC_TO_GSM = str.maketrans(
    {
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"',
        "«": '"', "»": '"', "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "…": "...", "•": "-",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int


def plain_punctuation(text: str) -> str:
    return text.translate(TYPOGRAPHIC_TO_GSM)


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENDED for char in text)


def segment_info(text: str) -> SegmentInfo:
    if is_gsm7(text):
        units = sum(2 if char in GSM7_EXTENDED else 1 for char in text)
        single, multi = 160, 153
        encoding = "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
        encoding = "UCS-2"
    segments = 1 if units <= single else -(-units // multi)
    return SegmentInfo(encoding, units, segments)


def _pieces(text: str, limit: int) -> list[str]:
    """Cut one over-long text at sentence ends, then spaces, then anywhere."""
    for pattern in (r"(?<=[.!?])\s+", r"\s+"):
        chunks = re.split(pattern, text)
        if all(len(chunk) <= limit for chunk in chunks):
            return _pack(chunks, " ", limit)
    return [text[i : i + limit] for i in range(0, len(text), limit)]


def _pack(parts: list[str], separator: str, limit: int) -> list[str]:
    bodies: list[str] = []
    current = ""
    for part in parts:
        candidate = f"{current}{separator}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                bodies.append(current)
            current = part
    if current:
        bodies.append(current)
    return bodies


def compose(
    messages: list[str], limit: int = TWILIO_MAX_CHARS, sms: bool = True
) -> list[str]:
    """The bot's messages as Twilio bodies, each at most ``limit`` characters."""
    cleaned = [m.strip() for m in messages if m and m.strip()]
    if sms:
        cleaned = [plain_punctuation(m) for m in cleaned]
    parts: list[str] = []
    for message in cleaned:
        parts.extend([message] if len(message) <= limit else _pieces(message, limit))
    return _pack(parts, "\n\n", limit)
