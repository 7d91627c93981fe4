"""The simulator sends what Twilio sends: the hotline accepts its requests."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from twilio.request_validator import RequestValidator

from hotline import simulate
from tests.hotline.conftest import AUTH_TOKEN, message_bodies

BASE = "http://localhost"


def post_signed(client: FlaskClient, path: str, params: dict[str, str]):
    request = simulate.sign(f"{BASE}{path}", params, AUTH_TOKEN)
    return client.post(path, data=request.params, headers=request.headers)


def test_signature_is_what_twilio_validates() -> None:
    params = simulate.sms_params("hola, necesito ayuda", sender="+15005550006")
    request = simulate.sign(f"{BASE}/twilio/sms", params, AUTH_TOKEN)

    validator = RequestValidator(AUTH_TOKEN)
    assert validator.validate(
        request.url, request.params, request.headers["X-Twilio-Signature"]
    )
    assert not RequestValidator("another-token").validate(
        request.url, request.params, request.headers["X-Twilio-Signature"]
    )


def test_hotline_accepts_a_simulated_sms(client: FlaskClient) -> None:
    response = post_signed(client, "/twilio/sms", simulate.sms_params("hello"))

    assert response.status_code == 200
    # No bot behind this app: the person still gets the line's short answer.
    assert message_bodies(response)


def test_hotline_accepts_a_simulated_whatsapp_message(client: FlaskClient) -> None:
    params = simulate.sms_params("hello", whatsapp=True)

    assert params["From"] == "whatsapp:+15005550006"
    assert params["To"].startswith("whatsapp:+")
    assert post_signed(client, "/twilio/sms", params).status_code == 200


def test_a_changed_parameter_breaks_the_signature(client: FlaskClient) -> None:
    params = simulate.sms_params("hello")
    request = simulate.sign(f"{BASE}/twilio/sms", params, AUTH_TOKEN)
    tampered = {**request.params, "Body": "something else"}

    response = client.post("/twilio/sms", data=tampered, headers=request.headers)

    assert response.status_code == 403


def test_call_parameters_carry_digits_or_speech() -> None:
    sid = simulate.new_call_sid()

    pressed = simulate.call_params(sid, digits="2")
    said = simulate.call_params(sid, speech="necesito ayuda", confidence=0.8)

    assert sid.startswith("CA") and len(sid) == 34
    assert pressed["CallSid"] == said["CallSid"] == sid
    assert pressed["Digits"] == "2" and "SpeechResult" not in pressed
    assert said["SpeechResult"] == "necesito ayuda"
    assert said["Confidence"] == "0.80"
    assert "Digits" not in said


def test_next_step_follows_the_gather_action_relative_to_the_document() -> None:
    xml = (
        '<Response><Gather input="dtmf speech" action="/twilio/voice/menu?lang=es">'
        "<Say>Marque 1</Say></Gather><Redirect>/twilio/voice</Redirect></Response>"
    )

    step = simulate.next_step(xml, "http://127.0.0.1:8000/twilio/voice")

    assert step == simulate.NextStep(
        "http://127.0.0.1:8000/twilio/voice/menu?lang=es", ("dtmf", "speech")
    )


def test_next_step_follows_a_redirect_and_stops_at_a_hangup() -> None:
    here = "http://127.0.0.1:8000/twilio/voice/menu"

    redirect = simulate.next_step(
        "<Response><Redirect>next</Redirect></Response>", here
    )
    hangup = simulate.next_step("<Response><Say>Bye</Say><Hangup/></Response>", here)

    assert redirect == simulate.NextStep("http://127.0.0.1:8000/twilio/voice/next", ())
    assert hangup is None


def test_pretty_twiml_and_bodies() -> None:
    xml = "<Response><Message>Hola</Message><Message>¿Dónde estás?</Message></Response>"

    assert simulate.message_bodies(xml) == ["Hola", "¿Dónde estás?"]
    assert simulate.pretty_twiml(xml).splitlines()[1] == "  <Message>Hola</Message>"
    assert simulate.pretty_twiml("not xml") == "not xml"


def test_token_from_option_environment_or_development_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token_file = tmp_path / "twilio-dev-token"
    token_file.write_text("dev-token\n")
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "env-token")

    assert simulate.resolve_token("given", token_file) == "given"
    assert simulate.resolve_token(None, token_file) == "env-token"
    monkeypatch.delenv("TWILIO_AUTH_TOKEN")
    assert simulate.resolve_token(None, token_file) == "dev-token"
    with pytest.raises(simulate.SimulatorError, match="make run"):
        simulate.resolve_token(None, tmp_path / "missing")


def test_no_hotline_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = simulate.main(["--url", "http://127.0.0.1:9", "--token", "t", "sms", "hi"])

    assert code == 1
    assert "make run" in capsys.readouterr().err
