"""Login in two steps (password, then the authenticator's code) and logout;
what failures cost is ``login_guard``'s."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from hotline.console import access, accounts, login_guard
from hotline.console.blueprint import bp
from hotline.console.forms import CodeForm, PasswordForm
from hotline.console.i18n import say
from hotline.extensions import db
from hotline.handoff import audit
from hotline.models import Operator
from hotline.texts import Text

WRONG_PASSWORD = Text("console", "Wrong username or password.")
WRONG_CODE = Text(
    "console", "That code is not right. Enter the code your app shows now."
)
PASSWORD_FIRST = Text("console", "Please enter your username and password first.")
LOGGED_OUT = Text("console", "You are logged out.")


def _audit(operator: Operator | None, action: str) -> None:
    audit(operator, action)
    db.session.commit()


def _refused(form: PasswordForm, message: str, status: int) -> tuple[str, int]:
    flash(message, "error")
    return render_template("console/login.html", form=form), status


def _back_to_login(message: str) -> Response:
    access.log_out()
    flash(message, "error")
    return redirect(url_for("console.login"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = PasswordForm()
    if not form.validate_on_submit():
        return render_template("console/login.html", form=form)
    username = form.username.data or ""
    paused = login_guard.paused_until(username)
    if paused is not None:
        return _refused(form, login_guard.paused_message(paused), 429)
    operator = accounts.find(username)
    if not accounts.check_password(operator, form.password.data or ""):
        if login_guard.password_failed(username):
            _audit(operator, "login_under_attack")
        paused = login_guard.client_paused_until()
        if paused is not None:
            return _refused(form, login_guard.paused_message(paused), 429)
        return _refused(form, say(WRONG_PASSWORD), 401)
    locked = login_guard.account_locked_until(operator)
    if locked is not None:  # told only to someone who knows the password
        return _refused(form, login_guard.locked_message(locked), 429)
    access.start_pending(operator)
    return redirect(url_for("console.code"))


@bp.route("/login/code", methods=["GET", "POST"])
def code() -> str | Response | tuple[str, int]:
    operator = access.pending_operator()
    if operator is None:
        flash(say(PASSWORD_FIRST), "error")
        return redirect(url_for("console.login"))
    locked = login_guard.account_locked_until(operator)
    if locked is not None:
        return _back_to_login(login_guard.locked_message(locked))
    paused = login_guard.client_paused_until()
    if paused is not None:
        return _back_to_login(login_guard.paused_message(paused))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("console/code.html", form=form)
    if not accounts.check_code(operator, form.code.data or ""):
        locked = login_guard.code_failed(operator)
        if locked is not None:
            _audit(operator, "locked_out")
            return _back_to_login(login_guard.locked_message(locked))
        paused = login_guard.client_paused_until()
        if paused is not None:
            return _back_to_login(login_guard.paused_message(paused))
        flash(say(WRONG_CODE), "error")
        return render_template("console/code.html", form=form), 401
    login_guard.logged_in(operator)
    access.log_in(operator)
    _audit(operator, "logged_in")
    return redirect(url_for("console.queue"))


@bp.post("/logout")
def logout() -> Response:
    """A POST with the CSRF token, so no other site can log an operator out."""
    access.log_out()
    flash(say(LOGGED_OUT), "info")
    return redirect(url_for("console.login"))
