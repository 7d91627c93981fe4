"""An operator's own page for the operators' phone line: their operator
number, how many phones are registered for them, and their phone PIN, which
they set or change here with their current password."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from hotline.console import access, accounts, login_guard, operator_phones
from hotline.console.blueprint import bp
from hotline.console.forms import PhonePinForm
from hotline.console.i18n import say
from hotline.extensions import db
from hotline.handoff import audit
from hotline.texts import Text

FILL_IN_ALL = Text("console", "Fill in your password and the new PIN twice.")
WRONG_CURRENT_PASSWORD = Text("console", "Your current password is not right.")
PINS_DIFFER = Text("console", "The two PINs are not the same.")
PIN_SAVED = Text("console", "Your phone PIN is saved.")


def _page(form: PhonePinForm, status: int = 200) -> tuple[str, int]:
    operator = access.me()
    return render_template(
        "console/phone_pin.html",
        form=form,
        has_pin=operator.phone_pin_hash is not None,
        phones=operator_phones.count(operator),
    ), status


@bp.get("/phone-pin")
def phone_pin() -> tuple[str, int]:
    return _page(PhonePinForm())


@bp.post("/phone-pin")
def set_phone_pin() -> Response | tuple[str, int]:
    form = PhonePinForm()
    operator = access.me()
    if not form.validate_on_submit():
        flash(say(FILL_IN_ALL), "error")
        return _page(form, 400)
    paused = login_guard.client_paused_until()
    if paused is not None:
        flash(login_guard.paused_message(paused), "error")
        return _page(form, 429)
    if not accounts.check_password(operator, form.password.data or ""):
        login_guard.password_failed(operator.username)
        flash(say(WRONG_CURRENT_PASSWORD), "error")
        return _page(form, 401)
    if form.pin.data != form.pin_again.data:
        flash(say(PINS_DIFFER), "error")
        return _page(form, 400)
    try:
        accounts.set_phone_pin(operator, form.pin.data or "")
    except accounts.PinRefused as refused:
        flash(say(refused.problem), "error")
        return _page(form, 400)
    audit(operator, "phone_pin_set")
    db.session.commit()
    flash(say(PIN_SAVED), "info")
    return redirect(url_for("console.phone_pin"))
