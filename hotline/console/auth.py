"""Login in two steps (password, then the authenticator's code) and logout."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from hotline.console import access, accounts
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
LOCKED = Text(
    "console",
    "This account is locked for %(minutes)s minutes after %(failures)s failed "
    "attempts. Try again after %(until)s UTC, or ask a supervisor.",
)
PASSWORD_FIRST = Text("console", "Please enter your username and password first.")
LOGGED_OUT = Text("console", "You are logged out.")


def _locked_message(operator: Operator) -> str:
    until = operator.locked_until.strftime("%H:%M") if operator.locked_until else ""
    minutes = int(accounts.LOCKOUT.total_seconds() // 60)
    return say(LOCKED, minutes=minutes, failures=accounts.MAX_FAILURES, until=until)


def _audit(operator: Operator, action: str) -> None:
    audit(operator, action)
    db.session.commit()


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    form = PasswordForm()
    if not form.validate_on_submit():
        return render_template("console/login.html", form=form)
    operator = accounts.find(form.username.data or "")
    if operator is not None and accounts.is_locked(operator):
        flash(_locked_message(operator), "error")
        return render_template("console/login.html", form=form), 429
    if not accounts.check_password(operator, form.password.data or ""):
        if operator is not None and accounts.is_locked(operator):
            _audit(operator, "locked_out")
            flash(_locked_message(operator), "error")
            return render_template("console/login.html", form=form), 429
        flash(say(WRONG_PASSWORD), "error")
        return render_template("console/login.html", form=form), 401
    access.start_pending(operator)
    return redirect(url_for("console.code"))


@bp.route("/login/code", methods=["GET", "POST"])
def code() -> str | Response | tuple[str, int]:
    operator = access.pending_operator()
    if operator is None:
        flash(say(PASSWORD_FIRST), "error")
        return redirect(url_for("console.login"))
    if accounts.is_locked(operator):
        access.log_out()
        flash(_locked_message(operator), "error")
        return redirect(url_for("console.login"))
    form = CodeForm()
    if not form.validate_on_submit():
        return render_template("console/code.html", form=form)
    if not accounts.check_code(operator, form.code.data or ""):
        if accounts.is_locked(operator):
            _audit(operator, "locked_out")
            access.log_out()
            flash(_locked_message(operator), "error")
            return redirect(url_for("console.login"))
        flash(say(WRONG_CODE), "error")
        return render_template("console/code.html", form=form), 401
    access.log_in(operator)
    _audit(operator, "logged_in")
    return redirect(url_for("console.queue"))


@bp.post("/logout")
def logout() -> Response:
    """A POST with the CSRF token, so no other site can log an operator out."""
    access.log_out()
    flash(say(LOGGED_OUT), "info")
    return redirect(url_for("console.login"))
