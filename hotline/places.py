"""Where the person is, as far as the line can tell: the country the bot
learnt in the conversation, else the country of the caller's phone number.

Only the country is kept (two letters), never the number.
"""

from __future__ import annotations

import phonenumbers


def country_of_number(address: str) -> str | None:
    """The country an E.164 number belongs to ("+52 55..." -> "MX"), if any.

    Twilio gives SMS and calls as "+52...", WhatsApp as "whatsapp:+52...".
    """
    number = address.removeprefix("whatsapp:").strip()
    if not number.startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(parsed)
    return region if region and region != "ZZ" else None


def country_of_caller(channel: str, address: str) -> str | None:
    """Where a person writing or calling probably is: their number's country
    for SMS and calls. A WhatsApp number is kept when people move (a
    Colombian in Peru keeps +57), so it tells nothing until they say."""
    return None if address.startswith("whatsapp:") else country_of_number(address)
