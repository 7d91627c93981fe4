"""``/healthz`` (the process answers), ``/readyz`` (Rasa and the database
answer) and ``/metrics`` (Prometheus, no personal data, only for the bearer of
``METRICS_TOKEN``: the counts by language and priority say who calls the line
and how many are in danger, which is nobody else's business)."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, jsonify, request
from sqlalchemy import text

from bot.danger import default_detector
from hotline import metrics, retention, twilio_copies
from hotline.conversations import bot_client
from hotline.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    checks = {
        "database": _database_answers(),
        "rasa": bot_client().is_ready(),
        # Without it only the keyword net would look for danger told in words.
        "danger_classifier": default_detector().classifier is not None,
    }
    ready = all(checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), (
        200 if ready else 503
    )


@bp.get("/metrics")
def metrics_page() -> Response:
    """404 when no token is set (metrics off), 401 without the right one."""
    expected = current_app.config["METRICS_TOKEN"]
    if not expected:
        abort(404)
    given = request.authorization
    if not (
        given is not None
        and given.type == "bearer"
        and hmac.compare_digest((given.token or "").encode(), expected.encode())
    ):
        return Response(
            "Unauthorized",
            status=401,
            mimetype="text/plain",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    standing = retention.standing()
    body, content_type = metrics.exposition(
        metrics.purge_figures(
            standing.last_success, standing.overdue, twilio_copies.pending()
        )
    )
    return Response(body, content_type=content_type)


def _database_answers() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        db.session.rollback()
        return False
