"""Every route of the hotline, driven with generated hostile input.

The routes come from the app's own ``url_map``, so a route added later is
attacked too; a route no family of strategies claims fails the suite, by name.
Each family sends what fits its route, and much that does not: Twilio's
webhooks get forged, missing and valid signatures over hostile parameters
(wrong methods, JSON for forms, huge bodies, odd Unicode, control characters,
markup, SQL, traversal); the web chat API gets JSON of every shape with real
sessions from ``POST /sessions`` and invented ones; the console gets its forms
with and without the CSRF token, from a logged-in operator and from nobody,
with ids found on its own pages and ids that are not ids; the widget, static
files and health routes get hostile paths, queries and headers.

For every request, whatever it was:
- no server error, and no status but the route's own answers and clean
  refusals (400 401 403 404 405 409 410 413 415 422 429);
- no error and no traceback in the log (the ``hotline`` and ``werkzeug``
  loggers, everything under the root logger), and no phone number, session
  id, password or message text in it;
- nothing rendered as markup: JSON is ``application/json`` with
  ``X-Content-Type-Options: nosniff``, HTML pages carry only the templates'
  own tags and no script or event handler of anyone else's, TwiML parses and
  holds only TwiML with text in it;
- no message lost: a person's message the line accepted (2xx) is stored once,
  as sent (cleaned as the line cleans every message), and was answered or is
  in front of a person (the conversation waits for or is with an operator);
- a forged or altered signature is refused (403) and stores nothing.

Then the replays Twilio and browsers really make: a signed request replayed
with changed parameters, the same ``MessageSid`` (or call step, or widget
message id) delivered twice: answered once, stored once.

Routes that reach the bot talk to the real Rasa and action server
(``bot_stack``); the whole suite runs on SQLite and, where it is reachable, on
PostgreSQL, as in production. Examples per route are moderate (set
``ALIADA_HOSTILE_EXAMPLES`` to multiply them); the count of routes and of
generated requests is written to ``reports/hostile_input.json`` and printed at
the end of the run.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote_plus, urlsplit

import hostile_strategies as hs
import pytest
from conftest import AUTH_TOKEN, HOTLINE_NUMBER, make_app
from flask import Flask, request
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select
from test_console import PASSWORD, TOKEN, Person
from test_postgres import fresh_database
from twilio.request_validator import RequestValidator
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.test import TestResponse

from bot.languages import SUPPORTED_LANGUAGES
from bot.stack import Stack
from hotline import create_app
from hotline.conversations import MAX_STORED_CHARS, clean_text
from hotline.extensions import db
from hotline.models import Conversation, Message, MessageStatus, Operator, Role, State
from hotline.safety import is_safe_word
from hotline.voice.languages import keys_only, known_language
from hotline.voice.routes import MAX_SPEECH_CHARS, VOICE_MESSAGE_MARK

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "hostile_input.json"
TEMPLATES = ROOT / "hotline" / "templates"

# A refusal that tells the client what went wrong, and nothing more.
REFUSALS = frozenset({400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429})
WITH_PEOPLE = (State.WAITING, State.WITH_OPERATOR)
HELD_FOR_PEOPLE = (MessageStatus.FOR_PERSON, MessageStatus.HELD)
SCALE = float(os.environ.get("ALIADA_HOSTILE_EXAMPLES", "1"))

settings.register_profile(
    "hostile",
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    print_blob=True,
)
HOSTILE = settings.get_profile("hostile")


def examples(count: int) -> settings:
    return settings(HOSTILE, max_examples=max(1, round(count * SCALE)))


# --- the routes, as the app declares them ------------------------------------


@dataclass(frozen=True)
class Route:
    endpoint: str
    rule: str
    methods: frozenset[str]
    arguments: tuple[str, ...]

    def __str__(self) -> str:
        shown = sorted(self.methods - {"HEAD", "OPTIONS"})
        return f"{' '.join(shown)} {self.rule} ({self.endpoint})"

    @property
    def posts(self) -> bool:
        return "POST" in self.methods


def routes_of(app: Flask) -> list[Route]:
    return sorted(
        (
            Route(
                rule.endpoint,
                rule.rule,
                frozenset(rule.methods or ()),
                tuple(sorted(rule.arguments)),
            )
            for rule in app.url_map.iter_rules()
        ),
        key=lambda route: (route.rule, route.endpoint),
    )


def declared_routes() -> list[Route]:
    """The routes of an app made only to read its ``url_map`` (no database)."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CONVERSATION_KEY_SECRET": "routes-only",
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "HOTLINE_NUMBER": HOTLINE_NUMBER,
        }
    )
    return routes_of(app)


ROUTES = declared_routes()


@dataclass
class Tally:
    """What the suite ran, for README: generated cases (Hypothesis examples)
    and the requests they made, per database and route; the answers' statuses;
    how many times each promise was checked."""

    cases: Counter[tuple[str, str]] = field(default_factory=Counter)
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    checked: Counter[str] = field(default_factory=Counter)

    def report(self) -> dict[str, object]:
        by_route: dict[str, dict[str, int]] = {}
        for (database, endpoint), count in sorted(self.requests.items()):
            by_route.setdefault(endpoint, {})[database] = count
        statuses: Counter[int] = Counter()
        statuses_by_route: dict[str, dict[str, int]] = {}
        for (endpoint, status), count in sorted(self.statuses.items()):
            statuses[status] += count
            statuses_by_route.setdefault(endpoint, {})[str(status)] = count
        return {
            "routes": len(ROUTES),
            "families": {
                family.name: [r.endpoint for r in ROUTES if family_of(r) is family]
                for family in FAMILIES
            },
            "databases": sorted({database for database, _ in self.requests}),
            "generated_cases": sum(self.cases.values()),
            "requests": sum(self.requests.values()),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "checked": dict(sorted(self.checked.items())),
            "requests_by_route": by_route,
            "statuses_by_route": statuses_by_route,
            "examples_scale": SCALE,
        }


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest) -> Iterator[None]:
    """At the end: ``reports/hostile_input.json`` and a line in the output."""
    yield
    summary = TALLY.report()
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(summary, indent=2) + "\n")
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if terminal is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            terminal.write("\n")
            terminal.write_line(
                f"hostile input: {summary['routes']} routes, "
                f"{summary['generated_cases']} generated cases, "
                f"{summary['requests']} requests on {', '.join(summary['databases'])} "
                f"(see {REPORT.relative_to(ROOT)})"
            )


# --- one request, and what it carried ----------------------------------------


@dataclass
class PersonMessage:
    """What a person sent in an attack that has a message's shape, and how
    the line keeps it."""

    text: str  # as sent
    stored_as: str  # as the line keeps it (cleaned as every message is)
    provider_id: str | None = None  # Twilio's id of this delivery, when it has one
    safe_word_stops: bool = False  # the SMS safe word: kept, answered by silence
    # A second delivery gets no second answer (the main SMS URL; the fallback
    # URL answers again, as the person may have missed the first answer).
    answered_once: bool = False


@dataclass
class Attack:
    method: str
    path: str
    query: str = ""
    body: bytes = b""
    content_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    client: str = "anonymous"  # or "operator": a logged-in supervisor's cookie
    signature: str | None = None  # Twilio routes: valid, missing, forged, other_url
    csrf: str | None = None  # console posts: valid, missing, forged
    message: PersonMessage | None = None
    secrets: list[str] = field(default_factory=list)  # never to be logged

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


# --- the log ------------------------------------------------------------------


class LogTrap(logging.Handler):
    """Every record any logger writes, formatted as a log file would show it
    (tracebacks included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, self.format(record)))

    def text(self) -> str:
        return "\n".join(line for _, line in self.records)


@pytest.fixture(scope="module")
def log_trap() -> Iterator[LogTrap]:
    trap = LogTrap()
    root = logging.getLogger()
    chatty = [logging.getLogger(name) for name in ("hotline", "werkzeug")]
    levels = [logger.level for logger in chatty]
    root.addHandler(trap)
    for logger in chatty:
        logger.setLevel(logging.DEBUG)
    yield trap
    root.removeHandler(trap)
    for logger, level in zip(chatty, levels, strict=True):
        logger.setLevel(level)


# --- the line under attack -----------------------------------------------------

# Words the line's danger net always catches: who writes them is put in line.
IN_DANGER = "estoy en peligro. "
ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# Where pages and TwiML point: links, forms, scripts, what the console polls,
# what a call plays.
LINK = re.compile(r'(?:href|src|action|data-updates)="([^"]+)"|<Play[^>]*>([^<]+)<')


class Line:
    """The hotline under attack, in front of the real bot, with a logged-in
    supervisor, a colleague to transfer to, an account to attack the login
    with, and the ids its own pages show."""

    def __init__(self, app: Flask, database: str, log: LogTrap) -> None:
        self.app = app
        self.database = database
        self.log = log
        self.signer = RequestValidator(AUTH_TOKEN)
        # Made first: the operators' phone line attacks small ids, so the
        # account they lock is this one, not the supervisor's.
        self.victim = Person(app, "victim")
        self.operator = Person(app, "ana", role=Role.SUPERVISOR).log_in()
        self.colleague = Person(app, "bea")
        self.operator_token = self.operator.token("/console/")
        # A language in a path takes the line's languages (the widget asks
        # for its texts so); other ids are learnt from the line's answers.
        self.known: dict[str, list[dict[str, str]]] = {
            route.endpoint: [{"language": code} for code in SUPPORTED_LANGUAGES]
            for route in ROUTES
            if route.arguments == ("language",)
        }
        self.sessions: list[str] = []
        self.senders: list[str] = []
        # Numbers, texts, session ids and passwords sent so far: never in the
        # metrics.
        self.secrets_seen: set[str] = set()
        with app.app_context():
            self.operator_ids = [
                str(operator_id)
                for operator_id in db.session.scalars(select(Operator.id))
            ]

    # clients -------------------------------------------------------------

    def client(self, kind: str) -> FlaskClient:
        """A fresh browser; for ``operator``, with the supervisor's session
        cookie copied in, so a logout or a hostile cookie changes nothing for
        the next attack."""
        client = self.app.test_client()
        if kind == "operator":
            cookie = self.operator.client.get_cookie("session")
            assert cookie is not None, "the supervisor's session is gone"
            client.set_cookie("session", cookie.value)
        return client

    def keep_operator_usable(self) -> None:
        """Wrong codes on the operators' phone line lock whichever account
        they name; the attacks on the console need the supervisor unlocked."""
        with self.app.app_context():
            operator = db.session.get(Operator, self.operator.id)
            operator.locked_until = None
            operator.failed_logins = 0
            db.session.commit()

    # Twilio ----------------------------------------------------------------

    def sign(self, attack: Attack) -> str:
        """The signature Twilio would send: over the URL and the form the app
        will see."""
        with self.app.test_request_context(
            attack.url,
            method=attack.method,
            data=attack.body,
            content_type=attack.content_type,
            headers=attack.headers,
        ):
            try:
                params = request.form if request.method == "POST" else MultiDict()
            except HTTPException:  # too large: Twilio never sends that
                params = MultiDict()
            try:
                url = request.url
            except ValueError:
                return "unsignable-host"
            return self.signer.compute_signature(url, params)

    def parsed_form(self, attack: Attack) -> dict[str, str]:
        with self.app.test_request_context(
            attack.url,
            method=attack.method,
            data=attack.body,
            content_type=attack.content_type,
        ):
            try:
                return request.form.to_dict()
            except HTTPException:
                return {}

    def query_args(self, attack: Attack) -> dict[str, str]:
        with self.app.test_request_context(attack.url, method=attack.method):
            return request.args.to_dict()

    # routing ---------------------------------------------------------------

    def reaches_a_route(self, attack: Attack) -> bool:
        """Whether the method and path match a rule (else: 404 or 405)."""
        with self.app.test_request_context(attack.url, method=attack.method):
            return request.routing_exception is None

    def learn_links(self, page: str) -> None:
        """Ids the console's own pages use, by endpoint (opaque or not)."""
        adapter = self.app.url_map.bind("localhost")
        for link in ("".join(found) for found in LINK.findall(page)):
            path = urlsplit(link.replace("&amp;", "&")).path
            for method in ("GET", "POST"):
                try:
                    endpoint, args = adapter.match(path, method)
                except HTTPException:
                    continue
                if args:
                    found = {name: str(value) for name, value in args.items()}
                    known = self.known.setdefault(endpoint, [])
                    if found not in known:
                        known.append(found)

    # the database -----------------------------------------------------------

    def newest_message_id(self) -> int:
        with self.app.app_context():
            return db.session.scalar(select(func.max(Message.id))) or 0

    def incoming_since(self, message_id: int) -> list[tuple[Message, Conversation]]:
        with self.app.app_context():
            rows = db.session.execute(
                select(Message, Conversation)
                .join(Conversation, Message.conversation_id == Conversation.id)
                .where(Message.id > message_id, Message.direction == "in")
                .order_by(Message.id)
            ).all()
            db.session.expunge_all()
            return [(message, conversation) for message, conversation in rows]

    def stored(self, provider_id: str) -> bool:
        if "\x00" in provider_id:  # PostgreSQL cannot even look for it
            return False
        with self.app.app_context():
            found = select(Message.id).where(Message.provider_id == provider_id)
            return db.session.scalar(found) is not None

    # people writing ---------------------------------------------------------

    def new_session(self) -> str:
        """A web chat session as the widget gets one."""
        response = self.app.test_client().post("/webchat/api/v1/sessions")
        assert response.status_code == 201, response.data
        session_id = response.get_json()["session_id"]
        self.sessions.append(session_id)
        return session_id

    def person_in_line(self, text: str = "") -> None:
        """A web chat visitor whose words put them in the queue (the line's
        own danger net, whatever the bot makes of the rest)."""
        response = self.app.test_client().post(
            "/webchat/api/v1/messages",
            json={"session_id": self.new_session(), "text": IN_DANGER + text},
        )
        assert response.status_code == 200, response.data
        assert response.json["handoff"], "the danger net missed the words"

    def texter_in_line(self, text: str = "") -> None:
        sender = f"+1202555{len(self.senders):04d}"
        self.senders.append(sender)
        params = {
            "MessageSid": f"SM{uuid.uuid4().hex}",
            "From": sender,
            "To": "+15550100",
            "Body": IN_DANGER + text,
        }
        attack = Attack("POST", "/twilio/sms", body=hs.urlencoded(list(params.items())))
        attack.content_type = hs.FORM
        attack.headers["X-Twilio-Signature"] = self.sign(attack)
        response = self.app.test_client().open(
            attack.url,
            method="POST",
            data=attack.body,
            content_type=attack.content_type,
            headers=attack.headers,
        )
        assert response.status_code == 200, response.data

    def claim_everything_waiting(self) -> None:
        """The supervisor claims whoever waits, and answers each: an SMS
        reply fails (no Twilio account here), so its page offers to send it
        again. Every id the pages show is learnt."""
        queue = self.client("operator").get("/console/")
        self.learn_links(queue.get_data(as_text=True))
        steps = ("console.conversation", "console.claim", "console.conversation")
        for step in (*steps, "console.reply", "console.conversation"):
            for args in list(self.known.get(step, [])):
                path = build_path(route_named(step), args)
                client = self.client("operator")
                if step == "console.conversation":
                    self.learn_links(client.get(path).get_data(as_text=True))
                    continue
                form = {"csrf_token": self.operator_token, "text": "<i>hola</i>"}
                client.post(path, data=form)

    def keep_a_conversation_with_the_supervisor(self) -> None:
        """Attacks close, transfer and hand back conversations: a new person
        gets in line by SMS and is claimed and answered whenever none is left
        with the supervisor (so reply, retry, note and the rest keep meeting
        an open conversation)."""
        with self.app.app_context():
            holding = db.session.scalar(
                select(func.count(Conversation.id)).where(
                    Conversation.operator_id == self.operator.id,
                    Conversation.state == State.WITH_OPERATOR,
                )
            )
        if not holding:
            self.texter_in_line("me están vigilando <b>ayuda</b>")
            self.claim_everything_waiting()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def line(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    bot_stack: Stack,
    log_trap: LogTrap,
) -> Iterator[Line]:
    """The line on SQLite, then on PostgreSQL (skipped where it is absent),
    seeded with people in line: by web chat and by SMS, one whose SMS reply
    failed (so the console offers to send it again), and one still waiting."""
    database: str = request.param
    folder = tmp_path_factory.mktemp(f"hostile-{database}")
    database_url = (
        fresh_database("aliada_hostile")
        if database == "postgresql"
        else nullcontext(f"sqlite:///{folder / 'hotline.db'}")
    )
    with database_url as url:
        app = make_app(
            folder,
            SQLALCHEMY_DATABASE_URI=url,
            RASA_URL=bot_stack.config.rasa_url,
            TRACKER_STORE_URL=bot_stack.config.tracker_store_url,
            # Floods have their own tests; here every request should reach
            # the code behind the limits (a 429 would be clean all the same).
            RATELIMIT_ENABLED=False,
        )
        line = Line(app, database, log_trap)
        line.person_in_line("<script>alert('hola')</script>")
        line.texter_in_line("'; DROP TABLE messages; --")
        line.claim_everything_waiting()
        line.person_in_line("\u202eolleh")  # left waiting
        yield line
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- paths ---------------------------------------------------------------------


def route_named(endpoint: str) -> Route:
    [route] = [route for route in ROUTES if route.endpoint == endpoint]
    return route


def pick(data: st.DataObject, items: Sequence[T], label: str) -> T | None:
    """One of what the line handed out so far (it grows as attacks go on),
    drawn the same way whatever their number, so Hypothesis can replay a
    case; None while there is none."""
    index = data.draw(st.integers(min_value=0, max_value=2**16), label=label)
    return items[index % len(items)] if items else None


def only_id(args: dict[str, str]) -> str:
    """The conversation's id in a URL, whatever the route calls it."""
    [value] = args.values()
    return value


def build_path(route: Route, args: dict[str, str], keep_slashes: bool = False) -> str:
    return ARGUMENT.sub(
        lambda match: hs.path_segment(args[match.group(1)], keep_slashes), route.rule
    )


def draw_path(data: st.DataObject, route: Route, line: Line) -> str:
    """The route's path with ids the app handed out, or with anything."""
    if not route.arguments:
        return route.rule
    hostile = {
        name: data.draw(hs.SEGMENT, label=f"hostile {name}") for name in route.arguments
    }
    keep_slashes = data.draw(st.booleans(), label="slashes as they are")
    known = pick(data, line.known.get(route.endpoint, []), "known ids")
    use_known = usually(data, "known ids")
    if known is not None and use_known:
        return build_path(route, known)
    return build_path(route, hostile, keep_slashes)


def mostly(
    data: st.DataObject, usual: T, others: st.SearchStrategy[T], label: str
) -> T:
    """What the route expects, about seven times in eight: most cases get past
    the first check and reach the code behind it (and a failing case shrinks
    towards what the route expects)."""
    return data.draw(hs.mostly(st.just(usual), others), label=label)


def usually(data: st.DataObject, label: str) -> bool:
    return mostly(data, True, st.just(False), label)


def draw_method(data: st.DataObject, route: Route, usual: str) -> str:
    """Mostly the route's own method, else any other."""
    others = sorted({"GET", "POST", "HEAD", "OPTIONS"} | set(hs.ODD_METHODS))
    return mostly(data, usual, st.sampled_from(others), "method")


def draw_body(
    data: st.DataObject, form: list[tuple[str, str]], json_value: object
) -> tuple[bytes, str | None]:
    """The form as a form, or with escapes that are no UTF-8 in it, or the
    same as JSON, raw bytes, or too much; with its content type or another."""
    kind = mostly(
        data,
        "form",
        st.sampled_from(["no utf-8", "json", "raw", "huge", "multipart"]),
        "body",
    )
    body: bytes = {
        "form": lambda: hs.urlencoded(form).encode(),
        "no utf-8": lambda: (
            hs.urlencoded(form).encode().replace(b"%20", b"%FF%ED%A0%80")
            + b"&Body=%C3%28&text=%FF%FE"
        ),
        "json": lambda: hs.json_bytes(json_value),
        "raw": lambda: data.draw(hs.RAW_BYTES | hs.DEEP_JSON, label="raw body"),
        "huge": lambda: data.draw(hs.HUGE_BODY, label="huge body"),
        "multipart": lambda: (
            b'--x\r\nContent-Disposition: form-data; name="Body"\r\n\r\n'
            + hs.encodable(str(json_value)).encode()
            + b"\r\n--x--\r\n"
        ),
    }[kind]()
    usual = {
        "json": "application/json",
        "multipart": "multipart/form-data; boundary=x",
    }.get(kind, hs.FORM)
    return body, mostly(data, usual, hs.CONTENT_TYPES, "content type")


# --- families: Twilio ------------------------------------------------------------


def draw_fields(
    data: st.DataObject, fields: dict[str, st.SearchStrategy[str]]
) -> list[tuple[str, str]]:
    """The fields a route reads (Twilio's parameters, a console form, a
    query), now and then one missing, and some it never expects (or twice)."""
    pairs = [
        (name, data.draw(values, label=name))
        for name, values in fields.items()
        if usually(data, f"keep {name}")
    ]
    pairs += data.draw(hs.form_pairs(hs.FIELD_NAMES), label="extra fields")
    return pairs


def signed(data: st.DataObject, line: Line, attack: Attack) -> Attack:
    """Mostly a valid signature; else none, a forged one, or a valid one
    for another URL."""
    attack.signature = mostly(
        data, "valid", st.sampled_from(["missing", "forged", "other_url"]), "signature"
    )
    if attack.signature == "valid":
        attack.headers["X-Twilio-Signature"] = line.sign(attack)
    elif attack.signature == "forged":
        attack.headers["X-Twilio-Signature"] = data.draw(
            st.sampled_from(["", "x", "=" * 28, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="])
            | hs.HEADER_VALUE,
            label="forged",
        )
    elif attack.signature == "other_url":
        elsewhere = Attack(
            attack.method,
            "/twilio/sms" if attack.path != "/twilio/sms" else "/twilio/voice",
            attack.query,
            attack.body,
            attack.content_type,
        )
        attack.headers["X-Twilio-Signature"] = line.sign(elsewhere)
    return attack


SMS_FIELDS = {
    "MessageSid": hs.twilio_sid("SM"),
    "SmsSid": hs.twilio_sid("SM"),
    "AccountSid": hs.twilio_sid("AC"),
    "From": hs.PHONE,
    "To": hs.PHONE,
    "Body": hs.FORM_TEXT,
    "NumMedia": st.sampled_from(["0", "1", "-1", "99999999999999999999"]),
    "MediaUrl0": st.sampled_from(["https://api.twilio.com/x", "file:///etc/passwd"]),
}
STATUS_FIELDS = {
    "MessageSid": hs.twilio_sid("SM"),
    "MessageStatus": st.sampled_from(
        ["delivered", "read", "sent", "failed", "undelivered", "queued", "DELIVERED"]
    )
    | hs.FORM_TEXT,
    "ErrorCode": st.sampled_from(["30003", "30008", ""]) | hs.FORM_TEXT,
    "AccountSid": hs.twilio_sid("AC"),
}
SENT_FIELDS = {
    **STATUS_FIELDS,
    "To": st.sampled_from(["+12025550123", "whatsapp:+12025550123", ""]) | hs.FORM_TEXT,
}
NUMBERISH = st.sampled_from(["0", "1", "5", "600", "-3", "1e9", "9" * 30, ""]) | (
    hs.FORM_TEXT
)
VOICE_FIELDS = {
    "CallSid": hs.twilio_sid("CA"),
    "AccountSid": hs.twilio_sid("AC"),
    "From": hs.PHONE,
    "To": hs.PHONE,
    "CallStatus": st.sampled_from(["in-progress", "ringing", "completed", ""]),
    "Digits": st.sampled_from([*"0123456789*#", "", "12", "0#", "99999999"])
    | hs.FORM_TEXT,
    "SpeechResult": hs.FORM_TEXT,
    "Confidence": NUMBERISH,
    "QueueTime": NUMBERISH,
    "QueuePosition": NUMBERISH,
    "QueueResult": st.sampled_from(
        ["bridged", "hangup", "leave", "queue-full", "error", "system-error", ""]
    )
    | hs.FORM_TEXT,
    "DialCallStatus": st.sampled_from(["completed", "no-answer", "busy", ""]),
    "RecordingUrl": st.sampled_from(
        [
            "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
            "http://insecure.example/r",
            "https://x/" + "a" * 400,
            "javascript:alert(1)",
        ]
    )
    | hs.FORM_TEXT.map(lambda text: "https://" + text),
    "RecordingSid": hs.twilio_sid("RE"),
    "RecordingDuration": NUMBERISH,
}
VOICE_QUERY = {
    "lang": st.sampled_from([*SUPPORTED_LANGUAGES, "xx", "", "es-MX"]) | hs.FORM_TEXT,
    "step": st.sampled_from(["1", "2", "10000", "0", "-1", "9" * 30]) | hs.FORM_TEXT,
    "miss": st.sampled_from(["0", "1", "2", "3", "99"]) | hs.FORM_TEXT,
    "operator": st.sampled_from(["0", "1", "-1", "2147483648", "9" * 30])
    | hs.FORM_TEXT,
}


def twilio_attack(
    data: st.DataObject,
    route: Route,
    line: Line,
    fields: dict[str, st.SearchStrategy[str]],
    query: dict[str, st.SearchStrategy[str]] | None = None,
    known: dict[str, str] | None = None,
) -> Attack:
    """``known``: values the line has seen before, in place of those drawn."""
    form = [
        (name, (known or {}).get(name, value))
        for name, value in draw_fields(data, fields)
    ]
    query_pairs = draw_fields(data, query) if query else []
    if data.draw(st.booleans(), label="hostile query"):
        query_pairs += data.draw(hs.form_pairs(hs.FIELD_NAMES), label="query")
    body, content_type = draw_body(data, form, dict(form))
    attack = Attack(
        method=draw_method(data, route, "POST"),
        path=draw_path(data, route, line),
        query=hs.urlencoded(query_pairs),
        body=body,
        content_type=content_type,
        headers=data.draw(hs.extra_headers(), label="headers"),
    )
    attack.secrets = [value for name, value in form if name in ("From", "Body")]
    attack.secrets += [value for name, value in form if name == "SpeechResult"]
    return signed(data, line, attack)


def sms_attack(data: st.DataObject, route: Route, line: Line) -> Attack:
    # Now and then someone already in line, with a person, or after STOP.
    sender = pick(data, line.senders, "a known sender")
    again = data.draw(st.booleans(), label="the known sender")
    known = {"From": sender} if sender and again else {}
    attack = twilio_attack(data, route, line, SMS_FIELDS, known=known)
    form = line.parsed_form(attack)
    sender = form.get("From", "").strip()
    sid = form.get("MessageSid", "").strip() or form.get("SmsSid", "").strip()
    if sender and sid and attack.method == "POST":
        body = form.get("Body", "")
        attack.message = PersonMessage(
            body,
            stored_as=clean_text(body)[:MAX_STORED_CHARS],
            provider_id=sid,
            safe_word_stops=is_safe_word(body),
            answered_once=route.endpoint == "sms.incoming",
        )
        if len(line.senders) < 20 and re.fullmatch(r"\+\d{8,15}", sender):
            line.senders.append(sender)
    return attack


def status_attack(data: st.DataObject, route: Route, line: Line) -> Attack:
    """A report on a message: /sent also names whom the answer went to."""
    fields = SENT_FIELDS if route.endpoint == "sms.sent" else STATUS_FIELDS
    return twilio_attack(data, route, line, fields)


def voice_attack(data: st.DataObject, route: Route, line: Line) -> Attack:
    attack = twilio_attack(data, route, line, VOICE_FIELDS, VOICE_QUERY)
    if route.endpoint == "voice.turn" and attack.method == "POST":
        attack.message = spoken_message(line, attack)
    if route.endpoint == "voice.recorded" and attack.method == "POST":
        form = line.parsed_form(attack)
        url = form.get("RecordingUrl", "").strip()
        call_sid = form.get("CallSid", "").strip()
        sid = form.get("RecordingSid", "").strip()
        # Both SIDs: forgetting the conversation deletes the call and the
        # recording at Twilio.
        attack.message = PersonMessage(
            url,
            stored_as=f"{VOICE_MESSAGE_MARK} {url}",
            provider_id=f"{call_sid}:{sid}",
        )
    return attack


def spoken_message(line: Line, attack: Attack) -> PersonMessage | None:
    """What a caller said or keyed at a turn of the call, when the request
    is a turn of a real call (a CallSid, a plain step number)."""
    form, args = line.parsed_form(attack), line.query_args(attack)
    call_sid = form.get("CallSid", "").strip()
    step = args.get("step", "1")
    if not re.fullmatch(r"CA[0-9a-fA-F]{32}", call_sid):
        return None
    if not re.fullmatch(r"[1-9]\d{0,3}", step):
        return None
    digits = form.get("Digits", "").strip()
    if digits == "0":  # a person, not a message
        return None
    if digits in set("123456789"):
        return PersonMessage(digits, stored_as=digits, provider_id=f"{call_sid}:{step}")
    if keys_only(known_language(args.get("lang"))):  # speech is never heard
        return None
    speech = form.get("SpeechResult", "")
    heard = clean_text(clean_text(speech)[:MAX_SPEECH_CHARS])
    if not heard:  # silence: asked again, nothing to keep
        return None
    return PersonMessage(speech, stored_as=heard, provider_id=f"{call_sid}:{step}")


def operator_line_attack(data: st.DataObject, route: Route, line: Line) -> Attack:
    fields = dict(VOICE_FIELDS)
    fields["Digits"] = st.sampled_from(["", "#", "000000", "123456", "1#"]) | (
        hs.FORM_TEXT
    )
    query = dict(VOICE_QUERY)
    query["operator"] = st.sampled_from(line.operator_ids) | VOICE_QUERY["operator"]
    return twilio_attack(data, route, line, fields, query)


# --- families: the web chat API ------------------------------------------------

# Fresh for real: Hypothesis draws the same few uuids in every test, and a
# message id used again is a retry (its own test below).
CLIENT_MESSAGE_IDS = st.builds(lambda: uuid.uuid4().hex)


def webchat_attack(data: st.DataObject, route: Route, line: Line) -> Attack:
    """Real sessions from ``POST /sessions`` (fresh, or one used before),
    invented ones, and no session at all; the contract's fields with
    hostile values or wrong types, any JSON, or no JSON."""
    session = data.draw(
        st.sampled_from(["fresh"] * 4 + ["earlier", "invented", "hostile"]),
        label="session",
    )
    earlier = pick(data, line.sessions, "earlier")
    invented = data.draw(
        st.from_regex(r"[A-Za-z0-9_-]{32,128}", fullmatch=True), label="invented"
    )
    hostile = data.draw(hs.JSON_VALUES, label="hostile session")
    session_id: object = {
        "earlier": earlier,
        "invented": invented,
        "hostile": hostile,
    }.get(session) or line.new_session()
    text = data.draw(hs.mostly(hs.TEXT, hs.JSON_VALUES), label="text")
    fields = {
        "session_id": session_id,
        "text": text,
        "language": data.draw(
            st.sampled_from([*SUPPORTED_LANGUAGES, None, "xx", ""]) | hs.JSON_VALUES,
            label="language",
        ),
        "client_message_id": data.draw(
            st.none() | CLIENT_MESSAGE_IDS | hs.JSON_VALUES, label="client_message_id"
        ),
        "after": data.draw(
            st.integers(min_value=-5, max_value=10**19) | hs.JSON_VALUES, label="after"
        ),
    }
    document = {
        name: value for name, value in fields.items() if usually(data, f"keep {name}")
    }
    document.update(data.draw(st.dictionaries(hs.TEXT, hs.JSON_VALUES, max_size=2)))
    shape = mostly(
        data,
        "object",
        st.sampled_from(["any json", "deep", "raw", "huge", "form"]),
        "shape",
    )
    body = {
        "object": lambda: hs.json_bytes(document),
        "any json": lambda: hs.json_bytes(data.draw(hs.JSON_VALUES)),
        "deep": lambda: data.draw(hs.DEEP_JSON),
        "raw": lambda: data.draw(hs.RAW_BYTES),
        "huge": lambda: data.draw(hs.HUGE_BODY),
        "form": lambda: hs.urlencoded(
            [(name, hs.encodable(str(value))) for name, value in document.items()]
        ).encode(),
    }[shape]()
    content_type = mostly(data, "application/json", hs.CONTENT_TYPES, "content type")
    usual = "DELETE" if "DELETE" in route.methods else "POST"
    attack = Attack(
        method=draw_method(data, route, usual),
        path=draw_path(data, route, line),
        body=body,
        content_type=content_type,
        headers=data.draw(hs.extra_headers(host=False), label="headers"),
    )
    if isinstance(session_id, str):
        attack.secrets.append(session_id)
    if isinstance(text, str):
        attack.secrets.append(text)
    if (
        route.endpoint.endswith("post_message")
        and shape == "object"
        and attack.method == "POST"
        and isinstance(document.get("text"), str)
    ):
        attack.message = PersonMessage(
            document["text"], stored_as=clean_text(document["text"])
        )
    return attack


# --- families: the console -------------------------------------------------------

CONSOLE_FIELDS = {
    "text": hs.FORM_TEXT,
    "context": st.sampled_from(["console_canned_safe_now", "", "nope"]) | hs.FORM_TEXT,
    "operator_id": st.sampled_from(["1", "2", "3", "0", "-1", "2147483648", "9" * 30])
    | hs.FORM_TEXT,
    "username": st.sampled_from(["victim", "nobody", " victim "]) | hs.FORM_TEXT,
    "password": st.sampled_from([PASSWORD, "", "x" * 2_000]) | hs.FORM_TEXT,
    "code": st.sampled_from(["000000", "123 456", "", "1" * 7]) | hs.FORM_TEXT,
}
UPDATES_QUERY = {
    "after": st.sampled_from(["0", "-1", "2147483648", "9" * 30, "x"]) | hs.FORM_TEXT,
    "conversation": st.sampled_from(["1", "0", "-1", "2147483648", "9" * 30])
    | hs.FORM_TEXT,
}


def console_attack(data: st.DataObject, route: Route, line: Line) -> Attack:
    """The supervisor's browser (mostly) or nobody's; the form with its
    token, without, or with a forged one; form-encoded, or not."""
    client = data.draw(st.sampled_from(["operator"] * 3 + ["anonymous"]), label="who")
    if route.endpoint in ("console.login", "console.code"):
        client = "anonymous"  # the victim's account, never the supervisor's
    usual = "POST" if route.posts else "GET"
    attack = Attack(
        method=draw_method(data, route, usual),
        path=draw_path(data, route, line),
        client=client,
        headers=data.draw(hs.extra_headers(host=False), label="headers"),
    )
    shown = pick(data, line.known.get("console.conversation", []), "a shown id")
    use_shown = data.draw(st.booleans(), label="the shown id")
    query = draw_fields(data, UPDATES_QUERY)
    if shown and use_shown:
        query = [(name, value) for name, value in query if name != "conversation"]
        query.append(("conversation", only_id(shown)))
    attack.query = hs.urlencoded(query)
    form = draw_fields(data, CONSOLE_FIELDS)
    attack.csrf = mostly(data, "valid", st.sampled_from(["missing", "forged"]), "csrf")
    if attack.csrf == "valid":
        form.append(("csrf_token", "{token}"))
    elif attack.csrf == "forged":
        form.append(("csrf_token", data.draw(hs.HEADER_VALUE, label="forged token")))
    attack.body, attack.content_type = draw_body(data, form, dict(form))
    attack.secrets = [value for name, value in form if name in ("text", "password")]
    return attack


# --- families: public files, health ------------------------------------------------


def public_attack(data: st.DataObject, route: Route, line: Line) -> Attack:
    return Attack(
        method=draw_method(data, route, "GET"),
        path=draw_path(data, route, line),
        query=data.draw(
            st.sampled_from(["", "lang=es", "lang=xx"])
            | st.builds(lambda lang: hs.urlencoded([("lang", lang)]), hs.FORM_TEXT)
            | hs.QUERY,
            label="query",
        ),
        headers=data.draw(hs.extra_headers(), label="headers"),
    )


def health_attack(data: st.DataObject, route: Route, line: Line) -> Attack:
    """Hostile queries and headers; for ``/metrics``, the line's own token
    (when it has one), a forged one or none."""
    attack = public_attack(data, route, line)
    token = data.draw(st.sampled_from(["the line's", "forged", "none"]), label="token")
    forged = data.draw(hs.HEADER_VALUE, label="forged token")
    if token == "the line's" and line.app.config.get("METRICS_TOKEN"):
        attack.headers["Authorization"] = f"Bearer {line.app.config['METRICS_TOKEN']}"
    elif token == "forged":
        attack.headers["Authorization"] = f"Bearer {forged}"
    return attack


# --- the families ----------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """Routes that take the same kind of input, the attacks that fit them,
    and what they answer when all is well."""

    name: str
    owns: Callable[[Route], bool]
    attack: Callable[[st.DataObject, Route, Line], Attack]
    examples: int  # per route and database
    success: frozenset[int]
    pages: bool = False  # may answer with an HTML page
    json_only: bool = False  # every answer with a body is JSON
    console: bool = False  # the operators' console: read a page after each case


def _twilio(route: Route, *prefixes: str) -> bool:
    return route.posts and route.rule.startswith(prefixes)


FAMILIES = [
    Family(
        "Twilio delivery reports",
        # /sent: the report on an answer sent in TwiML (<Message action>).
        lambda route: _twilio(route, "/twilio/sms/status", "/twilio/sms/sent"),
        status_attack,
        20,
        frozenset({200}),
    ),
    Family(
        "Twilio SMS and WhatsApp",
        lambda route: _twilio(route, "/twilio/sms"),
        sms_attack,
        30,
        frozenset({200}),
    ),
    Family(
        "the operators' phone line",
        lambda route: _twilio(route, "/twilio/voice/operator", "/twilio/voice/bridged"),
        operator_line_attack,
        20,
        frozenset({200}),
    ),
    Family(
        "Twilio voice",
        lambda route: _twilio(route, "/twilio/voice"),
        voice_attack,
        20,
        frozenset({200}),
    ),
    Family(
        "the web chat API",
        lambda route: (
            route.rule.startswith("/webchat/api/")
            and not route.arguments
            and route.methods & {"POST", "DELETE"}
        ),
        webchat_attack,
        30,
        frozenset({200, 201, 204}),
        json_only=True,
    ),
    Family(
        "widget, static files and prompts",
        lambda route: (
            "GET" in route.methods
            and (
                route.endpoint == "static"
                or route.rule.startswith(("/webchat/", "/twilio/voice/audio/"))
                or route.rule == "/"
            )
        ),
        public_attack,
        15,
        frozenset({200, 304}),
        pages=True,
    ),
    Family(
        "the operator console",
        lambda route: route.rule.startswith("/console"),
        console_attack,
        20,
        frozenset({200, 302}),
        pages=True,
        console=True,
    ),
    Family(
        "health and metrics",
        lambda route: route.rule in ("/healthz", "/readyz", "/metrics"),
        health_attack,
        10,
        frozenset({200}),
    ),
]


MESSAGE_ROUTES = frozenset(
    {"sms.incoming", "sms.fallback", "voice.turn", "webchat.webchat_api.post_message"}
)


def family_of(route: Route) -> Family | None:
    return next((family for family in FAMILIES if family.owns(route)), None)


# --- what every answer must be -----------------------------------------------


def page_tags() -> frozenset[str]:
    """Every tag the console's and the demo page's templates write, and the
    form fields WTForms writes into them."""
    found = {"label", "input", "textarea", "select", "option"}
    for template in TEMPLATES.rglob("*.html"):
        tags = re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", template.read_text())
        found |= {tag.lower() for tag in tags}
    return frozenset(found)


class Markup(HTMLParser):
    """The tags and attributes of a page, and any text inside a script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text += data


def assert_inert_html(page: str) -> None:
    """Only the templates' own tags; no inline script, no event handler, no
    ``javascript:`` link: whatever anyone wrote is text on the page."""
    markup = Markup()
    markup.feed(page)
    allowed = page_tags()
    for tag, attrs in markup.tags:
        assert tag in allowed, f"<{tag}> is not one of the templates' tags"
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith("javascript:")
        if tag == "script":
            assert (dict(attrs).get("src") or "").startswith(("/", "http://localhost/"))
    assert not markup.script_text.strip(), "an inline script"


TWIML_VERBS = frozenset(
    [
        "Response",
        "Message",
        "Body",
        "Media",
        "Redirect",
        "Say",
        "Play",
        "Gather",
        "Dial",
        "Number",
        "Queue",
        "Enqueue",
        "Leave",
        "Hangup",
        "Record",
        "Pause",
        "Reject",
    ]
)


def twiml_of(response: TestResponse) -> ET.Element:
    """The TwiML, parsed: only TwiML's verbs, and what is said or texted is
    text (a ``<Dial>`` a person typed stays words in a ``<Message>``)."""
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    for node in root.iter():
        assert node.tag in TWIML_VERBS, node.tag
        if node.tag in ("Message", "Say", "Body"):
            assert len(node) == 0 or (
                node.tag == "Message"
                and all(child.tag in ("Body", "Media") for child in node)
            )
    return root


def assert_clean(
    line: Line,
    family: Family,
    route: Route,
    attack: Attack,
    response: TestResponse,
    reached: bool,
) -> None:
    status = response.status_code
    shown = response.get_data()[:300]
    assert status < 500 or (status == 503 and route.endpoint == "health.readyz"), shown
    if status in (301, 308):  # Werkzeug's way to the canonical URL: ours only
        asked = attack.headers.get("Host", "localhost")
        assert urlsplit(response.location).netloc in ("", asked), response.location
        assert not reached
    elif reached:
        expected = family.success | REFUSALS
        if attack.method.upper() == "OPTIONS":  # Flask's answer, or a preflight's
            expected |= {200, 204}
        if route.endpoint == "health.readyz":  # not ready: Rasa or the database
            expected |= {503}
        assert status in expected, (status, shown)
    else:
        assert status in REFUSALS, (status, shown)
    logged = line.log.text()
    assert not [text for level, text in line.log.records if level >= logging.ERROR], (
        logged
    )
    assert "Traceback" not in logged, logged
    for secret in attack.secrets:
        assert_not_logged(secret, logged)
    assert_inert(family, response)


def assert_not_logged(secret: str, logged: str) -> None:
    """A phone number (its digits), a session id, a password or a message
    never appears in the log."""
    text = clean_text(hs.encodable(secret)).strip()
    if len(text) >= 10 and any(c.isalnum() for c in text):
        assert text not in logged, f"{text[:40]!r} reached the log"
    digits = re.sub(r"\D", "", secret)
    if len(digits) >= 8 and re.fullmatch(r"[\s+()\-\d:a-z]*", secret):
        # Written any way: +1 (202) 555-0123 is 12025550123.
        compact = re.sub(r"(?<=\d)[\s().\-]+(?=\d)", "", logged)
        assert digits not in compact, f"a phone number reached the log: {secret}"


def assert_inert(family: Family, response: TestResponse) -> None:
    if not response.data:
        return
    mimetype = response.mimetype
    assert response.headers.get("X-Content-Type-Options") == "nosniff", (
        mimetype,
        response.data[:100],
    )
    if mimetype == "application/json":
        json.loads(response.data)
    elif mimetype == "text/html":
        assert family.pages, "an HTML page from a route that answers none"
        assert_inert_html(response.get_data(as_text=True))
    elif mimetype in ("application/xml", "text/xml"):
        twiml_of(response)
    if family.json_only:
        assert mimetype == "application/json", mimetype


# --- no message lost --------------------------------------------------------------


def assert_kept_and_answered(
    line: Line, attack: Attack, response: TestResponse, before: int, was_stored: bool
) -> None:
    """A person's message the line took (2xx) is stored once, as sent (the
    way the line cleans every message), and answered or in front of a person."""
    message = attack.message
    assert message is not None
    new = line.incoming_since(before)
    if was_stored:  # a second delivery of the same id: nothing new
        assert new == [], [m.text for m, _ in new]
        assert not (message.answered_once and replies_in(response)), "answered twice"
        return
    assert len(new) == 1, f"{len(new)} messages stored for one"
    stored, conversation = new[0]
    if message.provider_id is not None:
        assert stored.provider_id == message.provider_id
    assert stored.text == message.stored_as
    answered = bool(replies_in(response))
    with_people = stored.status in HELD_FOR_PEOPLE and conversation.state in WITH_PEOPLE
    assert answered or with_people or message.safe_word_stops, (
        stored.status,
        conversation.state,
    )


def replies_in(response: TestResponse) -> list[str]:
    """What the person reads or hears in this answer."""
    if response.mimetype == "application/json":
        return [reply["text"] for reply in response.get_json().get("replies", [])]
    root = twiml_of(response)
    return [
        node.text or node.get("url", "") or "".join(node.itertext())
        for node in root.iter()
        if node.tag in ("Message", "Say", "Play")
    ]


# --- running one attack --------------------------------------------------------------


def run(line: Line, family: Family, route: Route, attack: Attack) -> TestResponse:
    client = line.client(attack.client)
    if attack.csrf == "valid":
        token = (
            line.operator_token
            if attack.client == "operator"
            else form_token(client, "/console/login")
        )
        attack.body = attack.body.replace(b"%7Btoken%7D", token.encode()).replace(
            b"{token}", token.encode()
        )
    reached = line.reaches_a_route(attack)
    # Flask answers OPTIONS itself (the view, its signature check, its
    # token check never run).
    viewed = reached and attack.method.upper() != "OPTIONS"
    before = line.newest_message_id()
    was_stored = bool(
        attack.message
        and attack.message.provider_id
        and line.stored(attack.message.provider_id)
    )
    line.log.records.clear()
    response = client.open(
        attack.url,
        method=attack.method,
        data=attack.body,
        content_type=attack.content_type,
        headers=attack.headers,
    )
    TALLY.requests[(line.database, route.endpoint)] += 1
    TALLY.statuses[(route.endpoint, response.status_code)] += 1
    line.secrets_seen.update(attack.secrets)
    if response.mimetype in ("text/html", "application/xml"):
        line.learn_links(response.get_data(as_text=True))
    assert_clean(line, family, route, attack, response, reached)
    if attack.signature is not None and attack.signature != "valid" and viewed:
        assert response.status_code in (403, 405, 413), response.status_code
        assert line.newest_message_id() == before, "a forged request was kept"
        TALLY.checked["forged signatures refused"] += 1
    if (
        attack.csrf in ("missing", "forged")
        and viewed
        and attack.method == "POST"
        and response.status_code not in (413, 415)
    ):
        assert response.status_code == 400, response.status_code
        TALLY.checked["forms without a valid CSRF token refused"] += 1
    if attack.message is not None and 200 <= response.status_code < 300:
        assert_kept_and_answered(line, attack, response, before, was_stored)
        TALLY.checked["messages kept once and answered or with people"] += 1
    return response


def form_token(client: FlaskClient, path: str) -> str:
    """The CSRF token a page gives this browser."""
    match = TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


# --- the tests ----------------------------------------------------------------


def test_every_route_has_a_family_of_strategies() -> None:
    orphans = [str(route) for route in ROUTES if family_of(route) is None]
    assert not orphans, "no hostile-input strategy for: " + "; ".join(orphans)


@pytest.mark.parametrize("route", ROUTES, ids=[route.endpoint for route in ROUTES])
def test_hostile_requests(line: Line, route: Route) -> None:
    family = family_of(route)
    if family is None:
        pytest.fail(f"no hostile-input strategy for {route}: add it to FAMILIES")

    # Where people's messages come in, twice as many cases.
    @examples(family.examples * (2 if route.endpoint in MESSAGE_ROUTES else 1))
    @given(data=st.data())
    def attack(data: st.DataObject) -> None:
        TALLY.cases[(line.database, route.endpoint)] += 1
        if family.console:
            line.keep_operator_usable()
            line.keep_a_conversation_with_the_supervisor()
        page_to_read = data.draw(st.integers(min_value=0), label="a page to read")
        response = run(line, family, route, family.attack(data, route, line))
        if family.console and response.status_code < 400:
            # What the attack changed, as the supervisor then reads it.
            pages = line.known["console.conversation"]
            page = line.client("operator").get(
                build_path(
                    route_named("console.conversation"),
                    pages[page_to_read % len(pages)],
                )
            )
            assert_inert_html(page.get_data(as_text=True))
            TALLY.checked["console pages read as inert HTML"] += 1
            line.learn_links(page.get_data(as_text=True))

    attack()


# --- replays: what Twilio, a proxy or a browser sends twice ----------------------

TWILIO_ROUTES = [
    route for route in ROUTES if route.posts and route.rule.startswith("/twilio/")
]
ACCOUNT_SID = "AC" + "0" * 32
# What Twilio sends stays under the size limit (a message has 1,600
# characters at most, a transcript a few sentences).
TWILIO_TEXT = hs.FORM_TEXT.map(lambda text: text[:1_000])


def twilio_sends(data: st.DataObject, route: Route, line: Line) -> Attack:
    """What Twilio really sends to this route (fresh ids), signed, with the
    query string the line itself puts in its URLs."""
    # Fresh for real (Hypothesis draws the same few values in every test):
    # each case is a new message from a new person.
    fresh = uuid.uuid4().hex
    number = f"+1202{uuid.uuid4().int % 10**7:07d}"
    if route.rule.startswith("/twilio/sms"):
        params = {
            "AccountSid": ACCOUNT_SID,
            "Body": data.draw(TWILIO_TEXT, label="body"),
            "From": number,
            "MessageSid": f"SM{fresh}",
            "NumMedia": "0",
            "To": "+15550100",
        }
        query = ""
    else:
        params = {
            "AccountSid": ACCOUNT_SID,
            "CallSid": f"CA{fresh}",
            "CallStatus": "in-progress",
            "Digits": data.draw(st.sampled_from(["", "2", "1#"]), label="digits"),
            "From": number,
            "QueueTime": "5",
            "RecordingSid": f"RE{fresh}",
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Recordings/RE{fresh}",
            "SpeechResult": data.draw(TWILIO_TEXT, label="speech"),
            "To": "+15550100",
        }
        query = f"lang=es&step=1&operator={line.victim.id}"
    attack = Attack(
        "POST",
        route.rule,
        query,
        hs.urlencoded(list(params.items())).encode(),
        hs.FORM,
        secrets=[number, params.get("Body", ""), params.get("SpeechResult", "")],
    )
    attack.headers["X-Twilio-Signature"] = line.sign(attack)
    return attack


def form_of(attack: Attack) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in (
            pair.split("=", 1) for pair in attack.body.decode().split("&") if pair
        )
    ]


def replayed_with_a_change(data: st.DataObject, original: Attack) -> Attack:
    """The captured request, its signature kept, something changed: a value,
    a parameter more or less, a second value, the query, the route, or the
    boundary between two parameters moved (which Twilio's signature, joining
    names and values with no separator, cannot see)."""
    pairs = [
        (unquote_plus(name), unquote_plus(value)) for name, value in form_of(original)
    ]
    change = data.draw(
        st.sampled_from(
            ["value", "add", "drop", "second value", "query", "route", "boundary"]
        ),
        label="change",
    )
    index = data.draw(st.integers(min_value=0, max_value=len(pairs) - 1), label="at")
    name, value = pairs[index]
    path, query = original.path, original.query
    if change == "value":
        pairs[index] = (name, data.draw(TWILIO_TEXT.filter(lambda v: v != value)))
    elif change == "add":
        extra = data.draw(hs.FIELD_NAMES.filter(lambda n: n and n not in dict(pairs)))
        pairs.append((extra, data.draw(TWILIO_TEXT)))
    elif change == "drop":
        del pairs[index]
    elif change == "second value":
        pairs.append((name, data.draw(TWILIO_TEXT.filter(lambda v: v != value))))
    elif change == "query":
        query = data.draw(
            st.sampled_from(["lang=en&step=1", "lang=es&step=2", "step=1", "x=1"])
        )
    elif change == "route":
        path = data.draw(
            st.sampled_from([r.rule for r in TWILIO_ROUTES if r.rule != path])
        )
    elif index + 1 < len(pairs):  # the next parameter swallowed by this one
        following, its_value = pairs.pop(index + 1)
        pairs[index] = (name, value + following + its_value)
    else:  # the last one: the value's start moved into the name
        cut = data.draw(st.integers(min_value=0, max_value=len(value)))
        pairs[index] = (name + value[:cut], value[cut:])
    changed = Attack(
        "POST",
        path,
        query,
        hs.urlencoded(pairs).encode(),
        hs.FORM,
        headers=dict(original.headers),
        secrets=original.secrets,
    )
    return changed


@examples(40)
@given(data=st.data())
def test_a_signed_request_replayed_with_changes_is_refused(
    line: Line, data: st.DataObject
) -> None:
    """Whoever captured one signed request (a proxy's log, a broken TLS
    hop) cannot make a new one of it: a change the signature sees is
    refused (403); one it cannot see changes nothing kept."""
    TALLY.cases[(line.database, "replays with changes")] += 1
    route = data.draw(st.sampled_from(TWILIO_ROUTES), label="route")
    family = family_of(route)
    assert family is not None
    original = twilio_sends(data, route, line)
    run(line, family, route, original)
    changed = replayed_with_a_change(data, original)
    signature_still_fits = line.sign(changed) == changed.headers["X-Twilio-Signature"]
    before = line.newest_message_id()
    line.log.records.clear()
    response = line.client("anonymous").open(
        changed.url,
        method="POST",
        data=changed.body,
        content_type=changed.content_type,
        headers=changed.headers,
    )
    TALLY.requests[(line.database, "replays with changes")] += 1
    assert_clean(line, family, route, changed, response, reached=True)
    assert line.incoming_since(before) == [], "a replay was kept as a new message"
    if not signature_still_fits:
        assert response.status_code == 403
        TALLY.checked["altered replays refused"] += 1
    elif route.endpoint == "sms.incoming" and response.status_code == 200:
        assert not replies_in(response), "a replay was answered again"


@examples(15)
@given(data=st.data())
def test_an_sms_delivered_twice_is_answered_and_kept_once(
    line: Line, data: st.DataObject
) -> None:
    """Twilio may deliver one MessageSid twice, to the main URL or (when the
    first took too long) to the fallback URL: one message kept, answered
    once by the main URL; the fallback puts it in front of a person."""
    TALLY.cases[(line.database, "sms delivered twice")] += 1
    main = route_named("sms.incoming")
    first = twilio_sends(data, main, line)
    second_to = data.draw(st.sampled_from(["sms.incoming", "sms.fallback"]))
    second = Attack(**{**first.__dict__, "headers": {}})
    second.path = route_named(second_to).rule
    second.headers["X-Twilio-Signature"] = line.sign(second)
    body = dict(form_of(first))
    sid = body["MessageSid"]
    family = family_of(main)
    assert family is not None
    first.message = PersonMessage(
        unquote_plus(body["Body"]),
        stored_as=clean_text(unquote_plus(body["Body"]))[:MAX_STORED_CHARS],
        provider_id=sid,
        safe_word_stops=is_safe_word(unquote_plus(body["Body"])),
        answered_once=True,
    )
    assert run(line, family, main, first).status_code == 200
    again = run(line, family, route_named(second_to), second)
    assert again.status_code == 200
    if second_to == "sms.incoming":
        assert not replies_in(again), "answered twice"
    with line.app.app_context():
        [kept] = db.session.scalars(select(Message).where(Message.provider_id == sid))
        conversation = db.session.get(Conversation, kept.conversation_id)
        trail = [(event.kind, event.detail) for event in conversation.events]
        state = conversation.state
    if second_to == "sms.fallback" and not first.message.safe_word_stops:
        assert kept.status == MessageStatus.FOR_PERSON, kept.status
        assert state in WITH_PEOPLE, (state, trail)
    TALLY.checked["second deliveries kept once"] += 1


@examples(15)
@given(data=st.data(), text=hs.TEXT.filter(lambda text: len(text) <= 4_000))
def test_a_web_message_sent_twice_is_kept_once_and_answered_alike(
    line: Line, data: st.DataObject, text: str
) -> None:
    """The widget sends a message again, with the same id, when the network
    failed: the second gets the first's answer, and one message is kept."""
    TALLY.cases[(line.database, "web message sent twice")] += 1
    message = {
        "session_id": line.new_session(),
        "text": text,
        "client_message_id": data.draw(CLIENT_MESSAGE_IDS),
    }
    client = line.client("anonymous")
    before = line.newest_message_id()
    first = client.post("/webchat/api/v1/messages", json=message)
    second = client.post("/webchat/api/v1/messages", json=message)
    TALLY.requests[(line.database, "web message sent twice")] += 2
    if first.status_code == 400:  # text that is no Unicode (a lone surrogate)
        assert second.status_code == 400
        return
    assert first.status_code == second.status_code == 200
    # The texts; a retry's answer has no buttons (they are not kept): the
    # menu's words say the same.
    assert [r["text"] for r in second.json["replies"]] == [
        r["text"] for r in first.json["replies"]
    ]
    assert len(line.incoming_since(before)) == 1
    TALLY.checked["second deliveries kept once"] += 1


@examples(10)
@given(data=st.data())
def test_a_call_step_delivered_twice_reaches_the_bot_once(
    line: Line, data: st.DataObject
) -> None:
    TALLY.cases[(line.database, "call step delivered twice")] += 1
    turn = route_named("voice.turn")
    family = family_of(turn)
    assert family is not None
    first = twilio_sends(data, turn, line)
    run(line, family, turn, first)
    before = line.newest_message_id()
    again = run(line, family, turn, first)
    assert again.status_code == 200
    assert line.newest_message_id() == before, "the bot was asked twice"
    TALLY.checked["second deliveries kept once"] += 1


# --- what a person writes, as the console shows it ------------------------------


@examples(15)
@given(
    words=st.lists(st.sampled_from(hs.MARKUP) | hs.SHORT_TEXT, min_size=1, max_size=3)
)
def test_what_a_person_writes_reaches_the_console_as_text(
    line: Line, words: list[str]
) -> None:
    """Markup a person sends shows in the transcript as the characters they
    typed (escaped), and in the page's updates as JSON text."""
    TALLY.cases[(line.database, "markup shown in the console")] += 1
    line.keep_operator_usable()  # the phone line's attacks may have locked her
    text = hs.encodable("".join(words))
    line.learn_links(line.client("operator").get("/console/").get_data(as_text=True))
    shown = {only_id(args) for args in line.known.get("console.conversation", [])}
    line.person_in_line(text)
    line.learn_links(line.client("operator").get("/console/").get_data(as_text=True))
    [new] = [
        args
        for args in line.known["console.conversation"]
        if only_id(args) not in shown
    ]
    page = line.client("operator").get(
        build_path(route_named("console.conversation"), new)
    )
    html = page.get_data(as_text=True)
    assert_inert_html(html)
    assert str(escape(clean_text(IN_DANGER + text))) in html
    updates = line.client("operator").get(
        "/console/api/updates?" + hs.urlencoded([("conversation", only_id(new))])
    )
    assert updates.mimetype == "application/json"
    assert updates.headers["X-Content-Type-Options"] == "nosniff"
    assert clean_text(IN_DANGER + text) in [m["text"] for m in updates.json["messages"]]
    TALLY.requests[(line.database, "markup shown in the console")] += 4
    TALLY.checked["console pages read as inert HTML"] += 1


# --- last: what the line counted -------------------------------------------------


def test_the_metrics_show_nothing_anyone_sent(line: Line) -> None:
    """After every attack above: counts only, no number, text, session id
    or password anyone sent."""
    token = line.app.config.get("METRICS_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = line.client("anonymous").get("/metrics", headers=headers)
    if response.status_code == 404:
        pytest.skip("the metrics are off")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for secret in line.secrets_seen:
        assert_not_logged(secret, page)
    TALLY.checked["things people sent, none in the metrics"] += len(line.secrets_seen)
