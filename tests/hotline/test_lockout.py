"""Attacks on the console's lockout (issue 13, finding 7).

Five wrong logins used to lock the account itself, so whoever knew a
username could lock its operator out of the console and of the phone line;
and two requests carrying one code could both get in. Failures now count per
client and per account, the phone line's apart from the web's, and a code is
used up by one conditional UPDATE.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from xml.etree.ElementTree import Element

from conftest import Twilio, make_app
from flask import Flask
from phone_operators import (
    PASSWORD,
    call_operator_line,
    current_code,
    new_sid,
    phone_operator,
    post,
    wrong,
)
from sqlalchemy import select
from test_console import Person, flashes
from test_postgres import fresh_database

from hotline import lockout
from hotline.console import accounts
from hotline.extensions import db
from hotline.models import AuditEntry, FailureCounter, Operator, utcnow

STRANGER = "203.0.113.9"
GUESS = "guess guess guess"


def actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action)))


def caller_waiting(twilio: Twilio, language: str = "es") -> str:
    sid = new_sid()
    post(twilio, f"/twilio/voice/turn?lang={language}&step=3&miss=0", sid, Digits="0")
    return sid


def put_through(root: Element) -> bool:
    return root.find("Dial/Queue") is not None


def time_passes(app: Flask, minutes: int = 16) -> None:
    """Every lock and count started ``minutes`` earlier than it did."""
    earlier = timedelta(minutes=minutes)
    with app.app_context():
        for counter in db.session.scalars(select(FailureCounter)):
            counter.window_started_at -= earlier
            if counter.locked_until is not None:
                counter.locked_until -= earlier
        db.session.commit()


# --- one client, one account ------------------------------------------------


def test_a_stranger_failing_five_logins_does_not_lock_the_operator_out(
    app: Flask,
) -> None:
    ana = Person(app, "ana")
    stranger = ana.elsewhere(STRANGER)
    answers = [stranger.enter_password(GUESS) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [401] * 4 + [429]
    assert "paused" in flashes(answers[-1])
    # The stranger's browser may not even try now, whatever it types.
    assert stranger.enter_password().status_code == 429
    # Ana, at her own computer, logs in as on any other day.
    ana.log_in()
    assert ana.client.get("/console/").status_code == 200


def test_a_paused_browser_may_try_again_after_fifteen_minutes(app: Flask) -> None:
    ana = Person(app, "ana")
    stranger = ana.elsewhere(STRANGER)
    for _ in range(5):
        stranger.enter_password(GUESS)
    with app.app_context():
        [until] = db.session.scalars(
            select(FailureCounter.locked_until).where(
                FailureCounter.scope == "web_client"
            )
        )
    assert utcnow() + timedelta(minutes=14) < until <= utcnow() + timedelta(minutes=15)
    time_passes(app)
    assert stranger.enter_password(GUESS).status_code == 401
    stranger.log_in()


def test_behind_a_proxy_each_forwarded_address_counts_apart(tmp_path: Path) -> None:
    app = make_app(tmp_path, PROXY_COUNT=1)
    ana = Person(app, "ana")
    stranger = ana.elsewhere("10.0.0.1")  # both come through the same proxy
    stranger.client.environ_base["HTTP_X_FORWARDED_FOR"] = STRANGER
    ana.client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    ana.client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    for _ in range(5):
        stranger.enter_password(GUESS)
    assert stranger.enter_password().status_code == 429
    ana.log_in()


# --- many clients, one account ----------------------------------------------


def test_an_account_under_attack_from_many_addresses_still_lets_its_operator_in(
    app: Flask,
) -> None:
    ana = Person(app, "ana")
    botnet = [ana.elsewhere(f"203.0.113.{host}") for host in range(10, 20)]
    for bot in botnet:
        assert bot.enter_password(GUESS).status_code == 401
    assert "login_under_attack" in actions(app)
    # Each address that failed is paused for this account, right password or not.
    refused = botnet[0].enter_password()
    assert refused.status_code == 429
    assert "paused" in flashes(refused)
    # A new address gets one guess, then joins the others.
    fresh = ana.elsewhere("203.0.113.99")
    assert fresh.enter_password(GUESS).status_code == 401
    assert fresh.enter_password(GUESS).status_code == 429
    # Ana's computer has not failed: she logs in.
    ana.log_in()


def test_under_attack_an_unknown_username_answers_as_a_real_one(app: Flask) -> None:
    ana = Person(app, "ana")
    answers = {}
    for name, subnet in (("ana", 10), ("zoe", 11)):  # zoe has no account
        for host in range(10):
            bot = ana.elsewhere(f"192.0.{subnet}.{host}")
            bot.enter_password(GUESS, username=name)
        answer = bot.enter_password(GUESS, username=name)
        answers[name] = (answer.status_code, re.sub(r"\d", "0", flashes(answer)))
    assert answers["ana"] == answers["zoe"]
    assert answers["ana"][0] == 429


def test_wrong_codes_lock_the_account_since_whoever_typed_them_had_the_password(
    app: Flask,
) -> None:
    ana = Person(app, "ana")
    for host in range(5):  # a different address each time: no browser is paused
        thief = ana.elsewhere(f"203.0.113.{host}")
        assert thief.enter_password().status_code == 302
        response = thief.enter_code(wrong(ana.totp.now()))
    assert response.headers["Location"].endswith("/console/login")
    page = thief.client.get("/console/login")
    assert "locked for 15 minutes after 5 failed attempts" in flashes(page)
    assert "locked_out" in actions(app)
    # The lock shows only to someone who knows the password.
    stranger = ana.elsewhere("203.0.113.77")
    assert stranger.enter_password(GUESS).status_code == 401
    locked = ana.enter_password()
    assert locked.status_code == 429
    assert "locked" in flashes(locked)
    time_passes(app)
    ana.log_in()


# --- the web and the phone line count apart ---------------------------------


def test_failed_web_logins_do_not_lock_the_operator_out_of_the_phone_line(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, ON_CALL_NUMBER="")
    twilio = Twilio(app.test_client())
    ana = phone_operator(app)
    caller_waiting(twilio)
    for host in range(12):
        stranger = Person.of(app, ana.id, f"203.0.113.{host}")
        for _ in range(5):
            stranger.enter_password(GUESS)
    root = call_operator_line(twilio, ana.id, current_code(app, ana.id))
    assert put_through(root)


def test_a_brute_force_on_the_phone_line_does_not_lock_the_web_login(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, ON_CALL_NUMBER="")
    twilio = Twilio(app.test_client())
    phones = ["+15005550001", "+15005550002"]
    ana = phone_operator(app, phones=phones)
    code = current_code(app, ana.id)
    for phone in phones * 3:  # her own phones (stolen?): the line locks her out
        call_operator_line(twilio, ana.id, wrong(code), caller=phone)
    assert "phone_locked_out" in actions(app)
    person = Person.of(app, ana.id)
    assert person.enter_password(PASSWORD).status_code == 302
    assert person.enter_code().headers["Location"].endswith("/console/")


# --- failures at once -------------------------------------------------------


def fail_at_once(app: Flask, threads: int, each: int) -> list[FailureCounter]:
    """Many requests failing on one subject at the same moment, each with its
    own app context and database connection."""
    rule = lockout.Rule("test", max_failures=1_000)
    start = threading.Barrier(threads)

    def failing(_: int) -> None:
        with app.app_context():
            start.wait(timeout=30)
            for _ in range(each):
                lockout.fail(rule, "one subject")

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(failing, range(threads)))
    with app.app_context():
        return list(db.session.scalars(select(FailureCounter)))


def test_guesses_sent_in_parallel_are_all_counted_on_sqlite(app: Flask) -> None:
    [counter] = fail_at_once(app, threads=6, each=5)
    assert counter.failures == 30


def test_guesses_sent_in_parallel_are_all_counted_on_postgresql(
    tmp_path: Path,
) -> None:
    with fresh_database("aliada_lockout") as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        try:
            [counter] = fail_at_once(app, threads=6, each=5)
            assert counter.failures == 30
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


# --- one code, two requests at once -----------------------------------------


def race_with_one_code(app: Flask, operator_id: int) -> list[bool]:
    """Two requests, each with its own app context and database connection,
    holding the operator as a login step does, submit the same valid code at
    the same moment."""
    code = current_code(app, operator_id)
    both_loaded = threading.Barrier(2)

    def submit(_: int) -> bool:
        with app.app_context():
            operator = db.session.get(Operator, operator_id)
            assert operator is not None and operator.totp_secret
            both_loaded.wait(timeout=30)
            return accounts.check_code(operator, code)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(submit, range(2)))


def test_two_requests_racing_with_one_code_one_wins_on_sqlite(app: Flask) -> None:
    ana = Person(app, "ana")
    assert sorted(race_with_one_code(app, ana.id)) == [False, True]


def test_two_requests_racing_with_one_code_one_wins_on_postgresql(
    tmp_path: Path,
) -> None:
    with fresh_database("aliada_race") as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        try:
            ana = Person(app, "ana")
            assert sorted(race_with_one_code(app, ana.id)) == [False, True]
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
