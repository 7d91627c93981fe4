"""Aliada's hotline: the Flask app that routes every message and owns each
conversation (Twilio SMS, WhatsApp and voice; the web chat API; health)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request
from flask_wtf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from hotline import config, limits, metrics
from hotline.extensions import db, migrate
from hotline.ids import RowIdConverter

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Every form (the console) carries a token; machine APIs are exempted below.
csrf = CSRFProtect()


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    config.check(app.config)
    config.fill_development_secrets(app.config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config.with_bounded_lock_waits(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count, x_port=count
        )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(
            app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        ).parent.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    # Before any route is made: ids past what the database holds are a 404.
    app.url_map.converters["int"] = RowIdConverter

    from hotline import cli, console, health, sms, voice, webchat
    from hotline.figures import commands as figures_commands
    from hotline.webchat.routes import api as webchat_api
    from hotline.webchat.widget import bp as webchat_widget

    app.register_blueprint(health.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(webchat.bp)
    app.register_blueprint(webchat_widget)
    app.register_blueprint(console.bp)
    csrf.init_app(app)
    # Twilio signs its requests and the widget's API is called cross-site
    # without cookies: neither carries (nor needs) a CSRF token.
    for exempt in (health.bp, sms.bp, voice.bp, webchat.bp, webchat_api):
        csrf.exempt(exempt)
    limits.init_app(app)
    cli.init_app(app)
    console.init_cli(app)
    figures_commands.init_app(app)
    _answer_errors_plainly(app)
    app.after_request(_never_sniffed)
    return app


def _never_sniffed(response: Response) -> Response:
    """Every answer is read as the type it declares: JSON, a plain-text
    refusal or TwiML that carries someone's words never runs as a page."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _answer_errors_plainly(app: Flask) -> None:
    """No stack trace ever reaches a caller; JSON for the API and for anyone
    who sent JSON (a refusal they can read), text elsewhere."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response | tuple[Any, int]:
        if request.path.startswith("/webchat/api/") or request.is_json:
            return jsonify(error=error.name, status=error.code), error.code or 500
        return Response(error.name, status=error.code, mimetype="text/plain")

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Response | tuple[Any, int]:
        logging.getLogger("hotline").exception("unexpected error on %s", request.path)
        metrics.ERRORS.inc()
        db.session.rollback()
        if request.path.startswith("/webchat/api/"):
            return jsonify(error="Internal Server Error", status=500), 500
        return Response("Internal Server Error", status=500, mimetype="text/plain")
