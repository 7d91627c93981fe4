"""Health routes for the load balancer, and Prometheus figures without people
in them, shown only to the bearer of the metrics token."""

from __future__ import annotations

import pytest
from conftest import Twilio
from flask import Flask
from flask.testing import FlaskClient

from bot import danger


def metrics_page(app: Flask, client: FlaskClient) -> str:
    """The page as Prometheus reads it, with the token."""
    token = app.config["METRICS_TOKEN"]
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_healthz_answers_while_the_bot_is_down(client) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json["status"]) == (200, "ok")


def test_readyz_is_503_without_the_bot_and_says_what_is_missing(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {
        "database": True,
        "rasa": False,
        "danger_classifier": True,
    }


def test_readyz_is_503_without_the_danger_classifier(
    client, tmp_path, monkeypatch
) -> None:
    """A hotline deployed without models/danger.json would miss danger told in
    a person's own words: it must not take traffic."""
    monkeypatch.setenv("DANGER_MODEL_PATH", str(tmp_path / "missing.json"))
    danger.default_detector.cache_clear()
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json["checks"]["danger_classifier"] is False
    finally:
        danger.default_detector.cache_clear()


def test_readyz_is_200_with_the_bot(app_with_bot: Flask) -> None:
    response = app_with_bot.test_client().get("/readyz")
    assert (response.status_code, response.json["status"]) == (200, "ready")


def test_metrics_count_messages_and_fallbacks_without_personal_data(
    app: Flask, twilio: Twilio, client
) -> None:
    twilio.sms("my boss keeps my passport", sender="+15005550077")
    page = metrics_page(app, client)
    assert 'aliada_messages_total{channel="sms",language="unknown"}' in page
    assert 'aliada_bot_fallbacks_total{channel="sms",reason="ConnectionError"}' in page
    assert "5005550077" not in page and "passport" not in page


def test_metrics_record_refused_requests(app: Flask, twilio: Twilio, client) -> None:
    twilio.post(
        "/twilio/sms", {"From": "+1", "Body": "x", "MessageSid": "SMx"}, sign=False
    )
    page = metrics_page(app, client)
    assert (
        'aliada_rejected_requests_total{reason="bad_signature",route="/twilio/sms"}'
        in page
    )


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer ",
        "Bearer wrong-token",
        "Basic " + "bWV0cmljczptZXRyaWNz",  # metrics:metrics
        "token",
    ],
)
def test_metrics_show_nothing_without_the_token(
    app: Flask, twilio: Twilio, client, authorization: str | None
) -> None:
    """Someone who finds /metrics learns nothing of who calls the line: not the
    languages, not how many are in danger."""
    twilio.sms("help me", sender="+15005550078")
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"aliada_" not in response.data


def test_metrics_with_a_token_of_another_line_show_nothing(app: Flask, client) -> None:
    token = app.config["METRICS_TOKEN"]
    forged = token[:-1] + ("0" if token[-1] != "0" else "1")
    response = client.get("/metrics", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401 and b"aliada_" not in response.data


def test_metrics_are_off_without_a_token(app: Flask, client) -> None:
    """A production line given no METRICS_TOKEN serves no /metrics at all."""
    app.config["METRICS_TOKEN"] = ""
    for authorization in ({}, {"Authorization": "Bearer "}):
        response = client.get("/metrics", headers=authorization)
        assert response.status_code == 404 and b"aliada_" not in response.data


def test_unknown_route_is_a_plain_404(client) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404 and b"Traceback" not in response.data
