"""Attacks on the operators' phone line (issue 13, finding 1).

An operator number (sequential) and a 6-digit code used to be enough to be
put through to a victim on hold. Now the call must come from one of the
operator's own phones and carry their phone PIN after the code; whatever was
wrong, the caller hears the same refusal; failures count per calling number
and per account; every attempt is in the audit log, without digits or
numbers.
"""

from __future__ import annotations

import logging
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
from conftest import Twilio, make_app
from flask import Flask
from phone_operators import (
    OWN_PHONE,
    PIN,
    STRANGERS_PHONE,
    call_operator_line,
    current_code,
    new_sid,
    phone_operator,
    post,
    say_texts,
    spoken_prompt,
    wrong,
)
from phone_operators import (
    audit_trail as trail,
)
from sqlalchemy import select
from test_console import Person

from hotline.console import accounts
from hotline.extensions import db
from hotline.models import Operator, OperatorPhone
from hotline.voice import prompts

OTHER_PIN = "913572"
REFUSED = [spoken_prompt(prompts.OPERATOR_REFUSED, "en")]


@pytest.fixture
def line(tmp_path: Path) -> tuple[Flask, Twilio]:
    """The hotline with a caller on hold in Spanish (no on-call number)."""
    app = make_app(tmp_path, ON_CALL_NUMBER="")
    twilio = Twilio(app.test_client())
    path = "/twilio/voice/turn?lang=es&step=3&miss=0"
    post(twilio, path, new_sid(), From="+15005550100", Digits="0")
    return app, twilio


def put_through(root: Element) -> bool:
    return root.find("Dial/Queue") is not None


def refusals(app: Flask) -> list[str]:
    """The reasons of each refused call, as the audit log gives them."""
    return [
        detail.split(": ", 1)[1]
        for _, action, detail in trail(app)
        if action == "phone_login_refused"
    ]


# --- the second secret ------------------------------------------------------


def test_the_right_number_and_code_without_a_pin_are_not_put_through(line) -> None:
    app, twilio = line
    ana = phone_operator(app, pin=None)
    root = call_operator_line(twilio, ana.id, current_code(app, ana.id), pin=PIN)
    assert not put_through(root)
    assert say_texts(root) == REFUSED
    assert refusals(app) == ["no_pin"]


def test_a_wrong_pin_is_refused_as_a_wrong_code_is(line) -> None:
    app, twilio = line
    ana = phone_operator(app)
    code = current_code(app, ana.id)
    wrong_pin = call_operator_line(twilio, ana.id, code, pin=OTHER_PIN)
    wrong_code = call_operator_line(twilio, ana.id, wrong(code))
    assert not put_through(wrong_pin) and not put_through(wrong_code)
    assert say_texts(wrong_pin) == say_texts(wrong_code) == REFUSED
    assert refusals(app) == ["wrong_pin", "wrong_code"]


def test_the_pin_step_alone_is_refused(line) -> None:
    """A request to the PIN step without this call's code step (a replay, or a
    call that took minutes) gets nowhere, even with the right PIN."""
    app, twilio = line
    ana = phone_operator(app)
    root = post(
        twilio, f"/twilio/voice/operator/pin?operator={ana.id}", new_sid(), Digits=PIN
    )
    assert not put_through(root)
    assert refusals(app) == ["no_code_step"]


# --- the allowed phones -----------------------------------------------------


def test_a_call_from_a_phone_not_on_the_list_is_refused_as_a_wrong_code_is(
    line,
) -> None:
    app, twilio = line
    ana = phone_operator(app)
    code = current_code(app, ana.id)
    root = call_operator_line(twilio, ana.id, code, caller=STRANGERS_PHONE)
    assert not put_through(root)
    assert say_texts(root) == REFUSED
    assert refusals(app) == ["number_not_allowed"]
    # The code was not even tried: it still works from her own phone.
    assert put_through(call_operator_line(twilio, ana.id, code, caller=OWN_PHONE))


def test_a_hidden_caller_id_is_refused(line) -> None:
    app, twilio = line
    ana = phone_operator(app)
    code = current_code(app, ana.id)
    root = call_operator_line(twilio, ana.id, code, caller="anonymous")
    assert not put_through(root)
    assert refusals(app) == ["number_not_allowed"]


def test_whatever_was_wrong_the_caller_hears_the_same_call(line) -> None:
    """Each step says the same, whether the operator number exists, the
    phone is hers, the code or the PIN is right: no step is an oracle."""
    app, twilio = line
    ana = phone_operator(app)
    bea = phone_operator(app, pin=None)
    code = current_code(app, ana.id)

    def heard(keyed: int, code: str, pin: str, caller: str) -> list[list[str]]:
        sid, answers, steps = new_sid(), iter([str(keyed), code, pin]), []
        root = post(twilio, "/twilio/voice/operator", sid, From=caller)
        steps.append(say_texts(root))
        while (gather := root.find("Gather")) is not None:
            root = post(
                twilio, gather.attrib["action"], sid, From=caller, Digits=next(answers)
            )
            steps.append(say_texts(root))
        return steps

    calls = {
        "unknown operator": heard(ana.id + 100, code, PIN, OWN_PHONE),
        "not her phone": heard(ana.id, code, PIN, "+15005550077"),
        "wrong code": heard(ana.id, wrong(code), PIN, OWN_PHONE),
        "wrong PIN": heard(ana.id, code, OTHER_PIN, OWN_PHONE),
        "no PIN set": heard(bea.id, current_code(app, bea.id), PIN, OWN_PHONE),
    }
    assert len({repr(steps) for steps in calls.values()}) == 1, calls
    assert calls["wrong code"][-1] == REFUSED


# --- failures counted per calling number and per account ---------------------


def test_a_brute_force_from_one_phone_is_stopped_whatever_ids_it_keys(line) -> None:
    app, twilio = line
    ana = phone_operator(app)
    code = current_code(app, ana.id)
    for keyed in (ana.id, ana.id + 1, ana.id + 2, 7, 8):
        call_operator_line(twilio, keyed, wrong(code), caller=STRANGERS_PHONE)
    # The sixth call from that phone is turned away before any question.
    root = post(twilio, "/twilio/voice/operator", new_sid(), From=STRANGERS_PHONE)
    assert root.find("Gather") is None and root.find("Hangup") is not None
    assert say_texts(root) == [
        spoken_prompt(prompts.OPERATOR_CALLER_LOCKED, "en", minutes=15)
    ]
    actions = [action for _, action, _ in trail(app)]
    assert "phone_caller_locked" in actions
    # Those calls were never Ana's to lose: she gets through from her phone.
    assert put_through(call_operator_line(twilio, ana.id, code))


def test_a_stolen_phone_of_the_list_is_stopped_too(line) -> None:
    app, twilio = line
    ana = phone_operator(app)
    code = current_code(app, ana.id)
    for _ in range(5):
        call_operator_line(twilio, ana.id, code, pin=OTHER_PIN)  # guessing PINs
    root = call_operator_line(
        twilio, ana.id, current_code(app, ana.id, later=1), pin=PIN
    )
    assert not put_through(root)


def test_failures_from_her_own_phones_lock_her_account_on_the_line(line) -> None:
    app, twilio = line
    phones = ["+15005550001", "+15005550002", "+15005550003"]
    ana = phone_operator(app, phones=phones)
    code = current_code(app, ana.id)
    for phone in phones[:2] * 2 + phones[:1]:  # five, none of the phones five times
        call_operator_line(twilio, ana.id, wrong(code), caller=phone)
    root = call_operator_line(twilio, ana.id, code, caller=phones[2])
    assert not put_through(root)
    assert say_texts(root) == REFUSED  # the lock is not told: no oracle
    assert refusals(app)[-1] == "account_locked"
    assert (ana.id, "phone_locked_out") in [(who, what) for who, what, _ in trail(app)]


# --- the audit trail -----------------------------------------------------------


def test_every_attempt_is_audited_without_digits_or_numbers(line, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    app, twilio = line
    ana = phone_operator(app)
    code = current_code(app, ana.id)
    call_operator_line(twilio, ana.id + 100, code)
    call_operator_line(twilio, ana.id, wrong(code))
    call_operator_line(twilio, ana.id, code, caller=STRANGERS_PHONE)
    call_operator_line(twilio, ana.id, code, pin=OTHER_PIN)
    call_operator_line(twilio, ana.id, current_code(app, ana.id, later=1))
    entries = trail(app)
    assert [action for _, action, _ in entries] == [
        "phone_login_refused",
        "phone_login_refused",
        "phone_login_refused",
        "phone_login_refused",
        "phone_logged_in",
    ]
    assert refusals(app) == [
        "unknown_operator",
        "wrong_code",
        "number_not_allowed",
        "wrong_pin",
    ]
    assert [who for who, _, _ in entries] == [None] + [ana.id] * 4
    secrets = [code, wrong(code), PIN, OTHER_PIN, "5005550006", "5005550009"]
    for _, _, detail in entries:
        assert detail.startswith("caller ")
        assert not any(secret in detail for secret in secrets), detail
    assert not any(secret in caplog.text for secret in secrets)


# --- setting the factors ----------------------------------------------------


@pytest.mark.parametrize(
    "pin",
    [
        "000000",
        "123456",
        "654321",
        "7890123",
        "121212",
        "123123",
        "12341234",
        "112211",
        "12345",
        "12345678901",
        "12a456",
        "４０２７１８",
        "",
    ],
)
def test_a_pin_easy_to_guess_or_not_digits_is_refused(pin: str) -> None:
    assert accounts.pin_problem(pin) is not None


@pytest.mark.parametrize("pin", [PIN, "80241735", "5551209"])
def test_a_good_pin_is_accepted(pin: str) -> None:
    assert accounts.pin_problem(pin) is None


def test_an_operator_sets_her_pin_in_the_console_with_her_password(line) -> None:
    app, twilio = line
    ana = Person(app, "ana", languages="es,en")
    ana.log_in()
    page = ana.client.get("/console/phone-pin").get_data(as_text=True)
    assert f'id="operator-number">{ana.id}<' in page
    assert 'id="phones">0<' in page

    def choose(password: str, pin: str, again: str | None = None):
        return ana.post(
            "/console/phone-pin",
            {"password": password, "pin": pin, "pin_again": again or pin},
        )

    assert choose("not my password", PIN).status_code == 401
    assert choose("correct horse battery", "123456").status_code == 400
    assert choose("correct horse battery", PIN, OTHER_PIN).status_code == 400
    with app.app_context():
        assert db.session.get(Operator, ana.id).phone_pin_hash is None
    assert choose("correct horse battery", PIN).status_code == 302
    with app.app_context():
        stored = db.session.get(Operator, ana.id).phone_pin_hash
        assert stored.startswith("$argon2") and PIN not in stored
    assert "phone_pin_set" in [action for _, action, _ in trail(app)]

    # Her phone is added by an administrator; then the line lets her through.
    runner = app.test_cli_runner()
    added = runner.invoke(args=["add-operator-phone", "ana", OWN_PHONE])
    assert added.exit_code == 0, added.output
    # (Her login used the code of now: the line takes the next one.)
    root = call_operator_line(twilio, ana.id, current_code(app, ana.id, later=1))
    assert put_through(root)


def test_phones_are_kept_only_as_keyed_hashes(line) -> None:
    app, _ = line
    phone_operator(app, phones=["+1 500 555 0006", "+15005550001"])
    with app.app_context():
        keys = db.session.scalars(select(OperatorPhone.number_key)).all()
    assert len(keys) == 2
    assert all(len(key) == 64 and "5005550" not in key for key in keys)
