"""Talk to a running hotline exactly as Twilio would, without a Twilio account.

``python -m hotline.simulate sms "hola"`` posts a signed Messaging webhook to
``/twilio/sms`` and prints the TwiML answer and the plain message bodies; without
text it becomes a small chat in the terminal. ``python -m hotline.simulate call``
starts a call at ``/twilio/voice`` and, in a terminal, follows each ``<Gather>``
by asking for the digits or words a caller would give. The auth token comes from
``--token``, ``TWILIO_AUTH_TOKEN`` or the development token ``make run`` writes.
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests
from twilio.request_validator import RequestValidator

from bot import dev_secrets

DEV_TOKEN_FILE = dev_secrets.FOLDER / dev_secrets.FILES["TWILIO_AUTH_TOKEN"]
DEFAULT_URL = "http://127.0.0.1:8000"
DEFAULT_SENDER = "+15005550006"  # Twilio's magic test number
DEFAULT_LINE = "+15550100"
ACCOUNT_SID = "AC" + "0" * 32
TIMEOUT_SECONDS = 20.0  # Twilio waits 15 s; a little more shows a slow answer


class SimulatorError(Exception):
    """Something the person running the simulator can fix; printed, no trace."""


def resolve_token(explicit: str | None, token_file: Path = DEV_TOKEN_FILE) -> str:
    """``--token``, else ``TWILIO_AUTH_TOKEN``, else the development token file."""
    token = explicit or os.environ.get("TWILIO_AUTH_TOKEN", "")
    if token.strip():
        return token.strip()
    if token_file.is_file() and (token := token_file.read_text().strip()):
        return token
    raise SimulatorError(
        "No Twilio auth token: pass --token, set TWILIO_AUTH_TOKEN, or start the "
        f"line with `make run`, which writes a development token to {token_file}."
    )


@dataclass(frozen=True)
class SignedRequest:
    url: str
    params: dict[str, str]
    headers: dict[str, str]


def sign(url: str, params: dict[str, str], token: str) -> SignedRequest:
    """The request Twilio would send: its signature covers the full URL and the
    POST parameters (sorted by name), keyed with the account's auth token."""
    signature = RequestValidator(token).compute_signature(url, params)
    return SignedRequest(url, dict(params), {"X-Twilio-Signature": signature})


def sms_params(
    body: str,
    sender: str = DEFAULT_SENDER,
    line: str = DEFAULT_LINE,
    whatsapp: bool = False,
    message_sid: str | None = None,
) -> dict[str, str]:
    """A Messaging webhook's parameters; WhatsApp prefixes both numbers."""
    prefix = "whatsapp:" if whatsapp else ""
    sid = message_sid or f"SM{uuid.uuid4().hex}"
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": prefix + sender.removeprefix("whatsapp:"),
        "To": prefix + line.removeprefix("whatsapp:"),
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }


def call_params(
    call_sid: str,
    sender: str = DEFAULT_SENDER,
    line: str = DEFAULT_LINE,
    digits: str | None = None,
    speech: str | None = None,
    confidence: float = 0.9,
) -> dict[str, str]:
    """A Voice webhook's parameters, with what the caller pressed or said."""
    params = {
        "CallSid": call_sid,
        "AccountSid": ACCOUNT_SID,
        "From": sender,
        "To": line,
        "CallStatus": "in-progress",
        "Direction": "inbound",
        "ApiVersion": "2010-04-01",
    }
    if digits is not None:
        params["Digits"] = digits
    if speech is not None:
        params["SpeechResult"] = speech
        params["Confidence"] = f"{confidence:.2f}"
    return params


def new_call_sid() -> str:
    return f"CA{uuid.uuid4().hex}"


def pretty_twiml(xml: str) -> str:
    """The TwiML indented for reading; the raw text when it is not XML."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return xml
    ET.indent(root)
    return ET.tostring(root, encoding="unicode")


def message_bodies(xml: str) -> list[str]:
    """The texts of every ``<Message>`` (what the person's phone shows)."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return []
    return ["".join(m.itertext()).strip() for m in root.iter("Message")]


@dataclass(frozen=True)
class NextStep:
    """Where Twilio goes after this TwiML, and what it collects on the way."""

    url: str
    inputs: tuple[str, ...]  # "dtmf", "speech"; empty for a plain redirect


def next_step(xml: str, current_url: str) -> NextStep | None:
    """The ``<Gather>`` action (or ``<Redirect>``) Twilio would follow next;
    relative URLs resolve against the document's URL, as Twilio does."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return None
    for element in root:
        if element.tag == "Hangup":
            return None
        if element.tag == "Gather":
            inputs = tuple(element.get("input", "dtmf").split())
            return NextStep(urljoin(current_url, element.get("action", "")), inputs)
        if element.tag == "Redirect" and (element.text or "").strip():
            return NextStep(urljoin(current_url, element.text.strip()), ())
    return None


class Hotline:
    """A running hotline, reached over HTTP with Twilio's signature."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.session = requests.Session()

    def url(self, path_or_url: str) -> str:
        return urljoin(self.base_url + "/", path_or_url)

    def post(self, path_or_url: str, params: dict[str, str]) -> str:
        request = sign(self.url(path_or_url), params, self.token)
        try:
            response = self.session.post(
                request.url,
                data=request.params,
                headers=request.headers,
                timeout=TIMEOUT_SECONDS,
            )
        except requests.ConnectionError as error:
            raise SimulatorError(
                f"Nothing answers at {self.base_url}: start the line with `make run`."
            ) from error
        except requests.Timeout as error:
            raise SimulatorError(
                f"The hotline took longer than {TIMEOUT_SECONDS:.0f} s "
                "(Twilio would have given up and called the fallback URL)."
            ) from error
        if response.status_code == 403:
            raise SimulatorError(
                "The hotline refused the signature: use the same token as its "
                "TWILIO_AUTH_TOKEN, and the URL it sees (e.g. not localhost vs "
                "127.0.0.1 behind a proxy)."
            )
        if response.status_code == 503:
            raise SimulatorError("The hotline has no TWILIO_AUTH_TOKEN configured.")
        if response.status_code != 200:
            raise SimulatorError(
                f"The hotline answered {response.status_code} "
                f"{response.reason} at {request.url}."
            )
        return response.text


def show(xml: str) -> None:
    print(pretty_twiml(xml))
    bodies = message_bodies(xml)
    for body in bodies:
        print(f"\n> {body}")
    if bodies:
        print()
    sys.stdout.flush()


def lines(prompt: str) -> Iterator[str]:
    """Lines typed by the user; the prompt only when a person is typing."""
    interactive = sys.stdin.isatty()
    while True:
        try:
            line = input(prompt) if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and not line:
            return
        yield line.rstrip("\n")


def run_sms(hotline: Hotline, args: argparse.Namespace) -> None:
    def send(text: str) -> None:
        params = sms_params(text, args.sender, args.to, args.whatsapp)
        show(hotline.post("/twilio/sms", params))

    if args.text is not None:
        send(args.text)
        return
    if sys.stdin.isatty():
        print("Type a message, Enter to send; Ctrl-D to stop.", file=sys.stderr)
    for text in lines("you: "):
        if text.strip():
            send(text)


def _ask_caller(step: NextStep) -> dict[str, str] | None:
    """What the caller does at a ``<Gather>``: digits, words, or hang up."""
    ask = {
        ("dtmf",): "keys to press",
        ("speech",): "words to say",
    }.get(step.inputs, "keys to press or words to say")
    print(f"[{ask}; empty line hangs up]", file=sys.stderr)
    for answer in lines("caller: "):
        answer = answer.strip()
        if not answer:
            return None
        if "dtmf" in step.inputs and all(c in "0123456789*#" for c in answer):
            return {"Digits": answer}
        return {"SpeechResult": answer}
    return None


def run_call(hotline: Hotline, args: argparse.Namespace) -> None:
    call_sid = args.call_sid or new_call_sid()
    path = args.url_path or "/twilio/voice"
    params = call_params(call_sid, args.sender, args.to, args.digits, args.speech)
    print(f"[call {call_sid} -> {hotline.url(path)}]", file=sys.stderr)
    xml = hotline.post(path, params)
    print(pretty_twiml(xml))
    if args.once or (not args.follow and not sys.stdin.isatty()):
        return
    current = hotline.url(path)
    while (step := next_step(xml, current)) is not None:
        if step.inputs:
            given = _ask_caller(step)
            if given is None:
                break
            digits, speech = given.get("Digits"), given.get("SpeechResult")
        else:
            digits = speech = None
        params = call_params(call_sid, args.sender, args.to, digits, speech)
        print(f"[-> {step.url}]", file=sys.stderr)
        xml, current = hotline.post(step.url, params), step.url
        print(pretty_twiml(xml))
    print("[call ended]", file=sys.stderr)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m hotline.simulate", description=__doc__.split("\n\n")[0]
    )
    main.add_argument("--url", default=DEFAULT_URL, help="the hotline's base URL")
    main.add_argument("--token", help="Twilio auth token (default: env, dev file)")
    main.add_argument("--from", dest="sender", default=DEFAULT_SENDER)
    main.add_argument("--to", default=DEFAULT_LINE, help="the line's number")
    commands = main.add_subparsers(dest="command", required=True)

    sms = commands.add_parser("sms", help="send a text (none: chat on stdin)")
    sms.add_argument("text", nargs="?", help="the message; omit for a chat")
    sms.add_argument("--from", dest="sender", default=argparse.SUPPRESS)
    sms.add_argument("--whatsapp", action="store_true", help="as a WhatsApp message")

    call = commands.add_parser("call", help="start or continue a voice call")
    call.add_argument("--call-sid", help="continue this call (default: a new one)")
    call.add_argument("--url-path", help="a Gather action path (default: start)")
    call.add_argument("--digits", help="keys the caller pressed")
    call.add_argument("--speech", help="what the caller said")
    call.add_argument("--from", dest="sender", default=argparse.SUPPRESS)
    call.add_argument("--once", action="store_true", help="do not follow Gathers")
    call.add_argument(
        "--follow", action="store_true", help="follow Gathers even without a terminal"
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        hotline = Hotline(args.url, resolve_token(args.token))
        if args.command == "sms":
            run_sms(hotline, args)
        else:
            run_call(hotline, args)
    except SimulatorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
