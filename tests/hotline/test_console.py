"""The operator console: login with password and TOTP, lockout, sessions, CSRF,
who may open what, the queue as each operator sees it, and what an operator
does with a conversation (claim, reply, note, transfer, close, hand back)."""

from __future__ import annotations

import itertools
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pyotp
import pytest
from conftest import new_session
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bot.catalogs import translate
from hotline import texts
from hotline.console import accounts, canned
from hotline.conversations import find_or_start
from hotline.extensions import db
from hotline.handoff import request_person
from hotline.models import (
    AuditEntry,
    Conversation,
    Message,
    MessageStatus,
    Operator,
    Role,
    State,
    utcnow,
)
from hotline.privacy import pseudonym

PASSWORD = "correct horse battery"
# Ana reads the console in Spanish, her first language.
NEEDS_INTERPRETER_ES = translate("console", "needs interpreter", "es")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def browser(app: Flask, address: str | None = None) -> FlaskClient:
    """A browser of its own, at its own address (failed logins count per
    address): 198.51.100.x unless told."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address or f"198.51.100.{next(_hosts)}"
    return client


_hosts = itertools.count(1)


class Person:
    """An operator account made with the real hashing, and their browser."""

    def __init__(
        self,
        app: Flask,
        username: str,
        role: str = Role.OPERATOR,
        languages: str = "en,es",  # English console: the tests read its labels
    ) -> None:
        with app.app_context():
            account = accounts.create_operator(username, PASSWORD, role, languages)
            self.id = account.operator.id
            self.totp = pyotp.TOTP(account.operator.totp_secret)
        self.app = app
        self.client = browser(app)

    @classmethod
    def of(cls, app: Flask, operator_id: int, address: str | None = None) -> Person:
        """An account made elsewhere, in a browser of its own (at ``address``)."""
        person = cls.__new__(cls)
        with app.app_context():
            secret = db.session.get(Operator, operator_id).totp_secret
        person.app, person.id, person.totp = app, operator_id, pyotp.TOTP(secret)
        person.client = browser(app, address)
        return person

    def elsewhere(self, address: str | None = None) -> Person:
        """The same account, typed into another browser (at ``address``)."""
        return Person.of(self.app, self.id, address)

    def token(self, path: str = "/console/login") -> str:
        match = TOKEN.search(self.client.get(path).get_data(as_text=True))
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs):
        form = {"csrf_token": self.token_for_session(), **(data or {})}
        return self.client.post(path, data=form, **kwargs)

    def token_for_session(self) -> str:
        return self.token("/console/") if self.logged_in else self.token()

    logged_in = False

    def enter_password(self, password: str = PASSWORD, username: str | None = None):
        return self.client.post(
            "/console/login",
            data={
                "csrf_token": self.token(),
                "username": username or self.username,
                "password": password,
            },
        )

    def enter_code(self, code: str | None = None):
        return self.client.post(
            "/console/login/code",
            data={
                "csrf_token": self.token("/console/login/code"),
                "code": code or self.totp.now(),
            },
        )

    @property
    def username(self) -> str:
        with self.app.app_context():
            return db.session.get(Operator, self.id).username

    def log_in(self) -> Person:
        assert self.enter_password().status_code == 302
        response = self.enter_code()
        assert response.status_code == 302
        assert response.headers["Location"].endswith("/console/")
        self.logged_in = True
        return self


def waiting(
    app: Flask,
    sender: str,
    language: str | None = "es",
    priority: str = "normal",
    minutes_ago: int = 0,
    channel: str = "sms",
) -> int:
    with app.test_request_context():
        conversation = find_or_start(channel, sender)
        conversation.language = language
        request_person(conversation, "request_human", priority, sender)
        conversation.waiting_since = utcnow() - timedelta(minutes=minutes_ago)
        db.session.commit()
        return conversation.id


def incoming(app: Flask, conversation_id: int, text: str, minutes_ago: int = 0) -> int:
    """A message of the person's, in front of the operators (written
    ``minutes_ago``)."""
    with app.app_context():
        message = Message(
            conversation_id=conversation_id,
            direction="in",
            text=text,
            status=MessageStatus.FOR_PERSON,
            created_at=utcnow() - timedelta(minutes=minutes_ago),
        )
        db.session.add(message)
        db.session.commit()
        return message.id


def public_id_of(app: Flask, conversation_id: int) -> str:
    with app.app_context():
        return db.session.get(Conversation, conversation_id).public_id


def at(app: Flask, conversation_id: int, action: str = "") -> str:
    """A conversation's address in the console: by its public id, never the
    row's sequential id."""
    path = f"/console/c/{public_id_of(app, conversation_id)}"
    return f"{path}/{action}" if action else path


def updates_of(app: Flask, conversation_id: int, after: int = 0) -> str:
    """The JSON a conversation's page polls."""
    public_id = public_id_of(app, conversation_id)
    return f"/console/api/updates?after={after}&conversation={public_id}"


def flashes(response) -> str:
    return " ".join(
        re.findall(
            r'class="flash flash-[^"]*"[^>]*>([^<]*)<', response.get_data(as_text=True)
        )
    )


def stored(app: Flask, model, *where):
    with app.app_context():
        return db.session.scalars(select(model).where(*where)).all()


# --- login --------------------------------------------------------------


def test_login_takes_password_then_code(app: Flask) -> None:
    ana = Person(app, "ana")
    response = ana.enter_password()
    assert response.headers["Location"].endswith("/console/login/code")
    # Half-way in is not in.
    assert ana.client.get("/console/").status_code == 302
    ana.enter_code()
    page = ana.client.get("/console/")
    assert page.status_code == 200
    assert "Queue" in page.get_data(as_text=True)
    assert [e.action for e in stored(app, AuditEntry)] == ["logged_in"]


def test_session_cookie_is_secure_httponly_strict(app: Flask) -> None:
    ana = Person(app, "ana")
    ana.enter_password()
    cookie = ana.enter_code().headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "Secure" in cookie
    assert "SameSite=Strict" in cookie


def test_wrong_password_and_unknown_user_get_the_same_answer(app: Flask) -> None:
    ana = Person(app, "ana")
    wrong = ana.enter_password("not the password")
    assert wrong.status_code == 401
    assert "Wrong username or password." in flashes(wrong)
    nobody = ana.client.post(
        "/console/login",
        data={"csrf_token": ana.token(), "username": "zoe", "password": PASSWORD},
    )
    assert nobody.status_code == 401
    assert flashes(nobody) == flashes(wrong)


def test_a_code_opens_one_session_only(app: Flask) -> None:
    ana = Person(app, "ana")
    code = ana.totp.now()
    ana.log_in()
    thief = ana.elsewhere()
    assert thief.enter_password().status_code == 302
    response = thief.enter_code(code)
    assert response.status_code != 302 or not response.headers["Location"].endswith(
        "/console/"
    )
    assert thief.client.get("/console/").status_code == 302  # back to login


def test_wrong_code_is_refused(app: Flask) -> None:
    ana = Person(app, "ana")
    ana.enter_password()
    wrong = str((int(ana.totp.now()) + 500_000) % 1_000_000).zfill(6)
    response = ana.enter_code(wrong)
    assert response.status_code == 401
    assert "code is not right" in flashes(response)
    assert ana.client.get("/console/").status_code == 302


def test_code_step_needs_the_password_step_first(app: Flask) -> None:
    ana = Person(app, "ana")
    response = ana.client.post(
        "/console/login/code",
        data={"csrf_token": ana.token(), "code": ana.totp.now()},
    )
    assert response.headers["Location"].endswith("/console/login")
    assert ana.client.get("/console/").status_code == 302


# --- nothing without both steps ------------------------------------------


def console_routes(app: Flask) -> list[tuple[str, str]]:
    public = {"console.login", "console.code", "console.logout"}
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or rule.endpoint in public:
            continue
        path = re.sub(r"<(\w+:)?\w+>", "1", rule.rule)
        routes += [(method, path) for method in sorted(rule.methods & {"GET", "POST"})]
    return routes


@pytest.mark.parametrize("logged_in_half_way", [False, True])
def test_nothing_under_console_without_password_and_code(
    app: Flask, logged_in_half_way: bool
) -> None:
    waiting(app, "+15550001")
    ana = Person(app, "ana")
    if logged_in_half_way:
        ana.enter_password()
    routes = console_routes(app)
    assert len(routes) >= 10
    for method, path in routes:
        form = {"csrf_token": ana.token(), "text": "hello", "operator_id": "1"}
        response = ana.client.open(path, method=method, data=form)
        if path.startswith("/console/api/"):
            assert response.status_code == 401, path
            assert response.json == {"error": "login required"}
        else:
            assert response.status_code == 302, (method, path)
            assert response.headers["Location"].endswith("/console/login"), path
    assert stored(app, Message, Message.direction == "out") == []


def test_idle_session_expires(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    with ana.client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    response = ana.client.get("/console/")
    assert response.headers["Location"].endswith("/console/login")
    assert "session expired" in flashes(ana.client.get("/console/login"))
    assert ana.client.get("/console/").status_code == 302


def test_session_ends_after_eight_hours_even_when_active(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    with ana.client.session_transaction() as session:
        session["login_at"] -= 8 * 3600 + 60
    assert ana.client.get("/console/").status_code == 302


def test_polling_does_not_keep_an_idle_session_alive(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    with ana.client.session_transaction() as session:
        session["seen_at"] -= 29 * 60
        seen = session["seen_at"]
    assert ana.client.get("/console/api/updates").status_code == 200
    with ana.client.session_transaction() as session:
        assert session["seen_at"] == seen


def test_deactivated_account_is_logged_out_at_once(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    with app.app_context():
        db.session.get(Operator, ana.id).active = False
        db.session.commit()
    assert ana.client.get("/console/").status_code == 302


def test_logout_ends_the_session(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    ana.post("/console/logout")
    assert ana.client.get("/console/").status_code == 302


# --- CSRF ------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "forged", "IjAxMjM0NTY3ODki.Zz.abc"])
def test_forms_without_a_valid_csrf_token_are_refused(
    app: Flask, token: str | None
) -> None:
    conversation_id = waiting(app, "+15550001")
    ana = Person(app, "ana").log_in()
    form = {} if token is None else {"csrf_token": token}
    response = ana.client.post(at(app, conversation_id, "claim"), data=form)
    assert response.status_code == 400
    assert "security token" in response.get_data(as_text=True)
    assert stored(app, Conversation)[0].state == State.WAITING


def test_login_form_needs_its_token(app: Flask) -> None:
    ana = Person(app, "ana")
    response = ana.client.post(
        "/console/login", data={"username": "ana", "password": PASSWORD}
    )
    assert response.status_code == 400


def test_twilio_and_webchat_need_no_csrf_token(client: FlaskClient) -> None:
    response = client.post(
        "/webchat/api/v1/messages",
        json={"session_id": new_session(client), "text": "hola", "language": "es"},
    )
    assert response.status_code == 200


# --- the queue --------------------------------------------------------------


def queue_order(page) -> list[str]:
    """The public ids of the queue's rows, in order."""
    return re.findall(r'data-conversation="([\w-]+)"', page.get_data(as_text=True))


def test_queue_shows_urgent_first_then_my_languages_within_a_priority(
    app: Flask,
) -> None:
    urgent_es = waiting(app, "+15550001", "es", "urgent")
    normal_fr_old = waiting(app, "+15550002", "fr", "normal", minutes_ago=30)
    high_fr = waiting(app, "+15550003", "fr", "high", minutes_ago=1)
    normal_es = waiting(app, "+15550004", "es", "normal", minutes_ago=40)
    Person(app, "ana", languages="es").log_in()
    paul = Person(app, "paul", languages="fr").log_in()
    page = paul.client.get("/console/")
    assert queue_order(page) == [
        public_id_of(app, conversation_id)
        for conversation_id in (urgent_es, high_fr, normal_fr_old, normal_es)
    ]
    body = page.get_data(as_text=True)
    with app.app_context():
        keys = [c.key for c in stored(app, Conversation)]
    for key in keys:
        assert pseudonym(key) in body
    assert "+1555000" not in body and "15550001" not in body
    assert "30 min" in body


def test_a_hand_off_topic_is_named_in_words_not_as_the_bots_code(app: Flask) -> None:
    """Operators read "rights at work" (or "derechos laborales"), not the bot's
    slot value ``work_rights``, in the queue and on the conversation's page."""
    conversation_id = waiting(app, "+15550001")
    with app.app_context():
        db.session.get(Conversation, conversation_id).handoff_topic = "work_rights"
        db.session.commit()
    ana = Person(app, "ana", languages="es").log_in()
    for path in ("/console/", at(app, conversation_id)):
        body = ana.client.get(path).get_data(as_text=True)
        assert "work_rights" not in body
        assert translate("console", "rights at work", "es") in body


def test_the_queue_names_a_channel_in_words(app: Flask) -> None:
    """ "chat web", not the stored value ``webchat``, in both lists."""
    waiting(app, "web-session-1", channel="webchat")
    ana = Person(app, "ana", languages="es").log_in()
    body = ana.client.get("/console/").get_data(as_text=True)
    assert ">webchat<" not in body
    assert f"<td>{translate('console', 'web chat', 'es')}</td>" in body


def test_language_nobody_on_shift_speaks_needs_an_interpreter(app: Flask) -> None:
    quechua = waiting(app, "+15550001", "qu")
    spanish = waiting(app, "+15550002", "es")
    guarani = waiting(app, "+15550003", "gn")
    haitian = waiting(app, "+15550004", "ht")
    ana = Person(app, "ana", languages="es").log_in()
    away = Person(app, "gran", languages="gn")
    gone = Person(app, "hugo", languages="ht")
    with app.app_context():
        db.session.get(Operator, away.id).last_seen_at = utcnow() - timedelta(hours=13)
        inactive = db.session.get(Operator, gone.id)
        inactive.last_seen_at, inactive.active = utcnow(), False
        db.session.commit()
    body = ana.client.get("/console/").get_data(as_text=True)
    rows = dict(re.findall(r'data-conversation="([\w-]+)">(.*?)</tr>', body, re.S))
    for needs in (quechua, guarani, haitian):
        assert NEEDS_INTERPRETER_ES in rows[public_id_of(app, needs)]
    assert NEEDS_INTERPRETER_ES not in rows[public_id_of(app, spanish)]


def test_updates_endpoint_brings_new_messages_and_the_queue(app: Flask) -> None:
    conversation_id = waiting(app, "+15550001")
    ana = Person(app, "ana").log_in()
    first = incoming(app, conversation_id, "hola")
    ana.post(at(app, conversation_id, "claim"))
    second = incoming(app, conversation_id, "<b>ayuda</b>")
    news = ana.client.get(updates_of(app, conversation_id, after=first)).json
    assert news["latest"] == second
    assert [(m["id"], m["kind"], m["text"]) for m in news["messages"]] == [
        (second, "person", "<b>ayuda</b>")
    ]
    assert "Nobody is waiting." in news["queue_html"]
    assert "My conversations (1)" in news["queue_html"]


# --- who opens what ---------------------------------------------------------


def claimed_by(
    app: Flask, person: Person, sender: str = "+15550001", channel: str = "sms"
) -> int:
    conversation_id = waiting(app, sender, channel=channel)
    response = person.post(at(app, conversation_id, "claim"))
    assert response.headers["Location"].endswith(at(app, conversation_id))
    return conversation_id


def test_supervisor_pages_are_for_supervisors(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    conversation_id = claimed_by(app, ana)
    assert ana.client.get("/console/audit").status_code == 403
    assert sue.client.get(at(app, conversation_id)).status_code == 200
    audit = sue.client.get("/console/audit").get_data(as_text=True)
    assert "viewed_transcript" in audit and "claimed" in audit
    assert "With operators (1)" in sue.client.get("/console/").get_data(as_text=True)
    assert "My conversations (0)" in (
        Person(app, "bea").log_in().client.get("/console/").get_data(as_text=True)
    )


# --- a conversation ----------------------------------------------------------


def test_two_claims_at_once_exactly_one_wins(app: Flask) -> None:
    conversation_id = waiting(app, "+15550001")
    people = [Person(app, name).log_in() for name in ("ana", "bea")]
    tokens = [person.token("/console/") for person in people]

    def claim(index: int):
        return people[index].client.post(
            at(app, conversation_id, "claim"),
            data={"csrf_token": tokens[index]},
        )

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(claim, range(2)))
    locations = [r.headers["Location"] for r in responses]
    winners = [
        i for i, loc in enumerate(locations) if loc.endswith(at(app, conversation_id))
    ]
    assert len(winners) == 1
    winner, loser = people[winners[0]], people[1 - winners[0]]
    message = flashes(loser.client.get("/console/"))
    assert message == f"{winner.username} took this conversation first."
    [conversation] = stored(app, Conversation)
    assert conversation.operator_id == people[winners[0]].id


def test_script_in_messages_and_notes_is_shown_as_text(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana)
    incoming(app, conversation_id, "<script>alert('x')</script>")
    ana.post(at(app, conversation_id, "note"), {"text": "<img src=x onerror=1>"})
    body = ana.client.get(at(app, conversation_id)).get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=1&gt;" in body
    assert "internal note" in body


def test_reply_is_queued_for_delivery_and_audited(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana, "session-1", channel="webchat")
    ana.post(at(app, conversation_id, "reply"), {"text": "Estoy aquí."})
    [reply] = stored(app, Message, Message.direction == "out")
    assert (reply.text, reply.operator_id) == ("Estoy aquí.", ana.id)
    # The widget fetches it: queued until then.
    assert reply.status == MessageStatus.QUEUED
    assert stored(app, AuditEntry, AuditEntry.action == "replied")
    body = ana.client.get(at(app, conversation_id)).get_data(as_text=True)
    assert "Estoy aquí." in body


def test_a_reply_that_could_not_be_sent_shows_as_failed(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana)  # SMS, and no Twilio account here
    ana.post(at(app, conversation_id, "reply"), {"text": "Hola"})
    [reply] = stored(app, Message, Message.direction == "out")
    assert reply.status == MessageStatus.FAILED
    body = ana.client.get(at(app, conversation_id)).get_data(as_text=True)
    assert "status-failed" in body
    ana.post(at(app, conversation_id, f"m/{reply.id}/retry"))
    [again] = stored(app, Message, Message.direction == "out")
    assert (again.status, again.attempts) == (MessageStatus.FAILED, 2)
    assert stored(app, AuditEntry, AuditEntry.action == "resent")


def test_canned_reply_goes_out_in_the_persons_language(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana)
    ana.post(at(app, conversation_id, "canned"), {"context": "console_canned_safe_now"})
    [reply] = stored(app, Message, Message.direction == "out")
    with app.app_context():
        assert reply.text == canned.BY_CONTEXT["console_canned_safe_now"]("es")
    refused = ana.post(at(app, conversation_id, "canned"), {"context": "nope"})
    assert refused.status_code == 302
    assert len(stored(app, Message, Message.direction == "out")) == 1


def test_reply_to_a_closed_conversation_is_refused(app: Flask) -> None:
    """Closed, it is no longer the operator's: their reply finds nothing. A
    supervisor (who still reads it) is told the reply was not sent."""
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana)
    ana.post(at(app, conversation_id, "close"))
    assert stored(app, Conversation)[0].state == State.CLOSED
    response = ana.post(at(app, conversation_id, "reply"), {"text": "still there?"})
    assert response.status_code == 404
    assert "it may have been closed, handed on or deleted" in response.get_data(
        as_text=True
    )
    sue = Person(app, "sue", role=Role.SUPERVISOR).log_in()
    other = claimed_by(app, sue, "+15550002")
    sue.post(at(app, other, "close"))
    response = sue.post(
        at(app, other, "reply"), {"text": "still there?"}, follow_redirects=True
    )
    assert "closed or no longer with you: your reply was not sent" in flashes(response)
    assert stored(app, Message, Message.direction == "out") == []


def test_transfer_hands_the_conversation_to_a_colleague(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    bea = Person(app, "bea").log_in()
    conversation_id = claimed_by(app, ana)
    ana.post(at(app, conversation_id, "transfer"), {"operator_id": str(bea.id)})
    assert stored(app, Conversation)[0].operator_id == bea.id
    assert ana.client.get(at(app, conversation_id)).status_code == 404
    assert bea.client.get(at(app, conversation_id)).status_code == 200


def test_return_to_bot_greets_the_person_in_their_language(app: Flask) -> None:
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana, "session-1", channel="webchat")
    ana.post(at(app, conversation_id, "return"))
    [conversation] = stored(app, Conversation)
    assert conversation.state == State.BOT
    [greeting] = stored(app, Message, Message.direction == "out")
    with app.app_context():
        assert greeting.text == texts.BACK_TO_BOT("es")
    assert greeting.status == MessageStatus.QUEUED


def test_console_speaks_the_operators_first_language(app: Flask) -> None:
    """Labels come from the catalog of the operator's first language (English
    wherever that catalog has no translation yet)."""
    ana = Person(app, "ana", languages="es,en").log_in()
    page = ana.client.get("/console/").get_data(as_text=True)
    assert '<html lang="es">' in page
    assert f"<h1>{translate('console', 'Queue', 'es')}</h1>" in page
    assert translate("console", "Nobody is waiting.", "es") in page


@pytest.mark.parametrize(
    ("accept", "language"), [("pt-BR,pt;q=0.9,en;q=0.5", "pt"), ("de-DE", "en")]
)
def test_login_page_speaks_the_browsers_language(
    client: FlaskClient, accept: str, language: str
) -> None:
    page = client.get("/console/login", headers={"Accept-Language": accept})
    body = page.get_data(as_text=True)
    assert f'<html lang="{language}">' in body
    assert f"<h1>{translate('console', 'Log in', language)}</h1>" in body
