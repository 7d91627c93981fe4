"""Talking to Rasa through its REST channel, with a deadline.

Rasa only decides what to say; the hotline owns the conversation. A turn comes
back as the person's messages plus the signals the bot sends as custom payloads
(hand-off, language, delete data, emergency number given), which the person
never sees. An empty answer is a failure (Rasa answers ``[]`` when something
inside it broke).

Rasa's HTTP API (model, trackers, status) is locked by a JWT secret shared with
Rasa (``bot.rasa_server``): calls to it carry a short-lived token in the
``Authorization`` header, never in the URL, where access logs would keep it.
The REST channel itself takes no token: Rasa does not check one there.

A message whose Rasa went away under it (the connection refused or reset, or
a proxy saying its replica is gone: 502, 503) is sent once more, within what
is left of the same ``BOT_TIMEOUT_SECONDS``: behind a Kubernetes Service,
which balances connections and never retries, the second try reaches another
replica; behind nginx (deploy/nginx), which already retried on another
replica, it is one more chance after a restart. A turn that is slow is not
sent again (the replica may still be working on it, and the time is spent).
Sending twice cannot answer twice: the person gets what this call returns,
once, or the fallback.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import jwt
import requests

from bot.country_names import is_country_code
from hotline import safe_json
from hotline.models import ReportConsent

REPORT_CONSENTS = tuple(ReportConsent)
# A proxy in front of Rasa saying the replica it chose is gone or starting.
REPLICA_GONE_STATUSES = frozenset({502, 503})
# Less time than this left after a failed try: the fallback, not a second try
# (a turn takes ~0.1 s, and a replica that took the conversation's lock when it
# died holds it up to TICKET_LOCK_LIFETIME, bot/rasa_server.py).
MIN_RETRY_SECONDS = 1.0


class BotUnavailable(Exception):
    """Rasa could not be reached in time, failed, or said nothing."""


@dataclass(frozen=True)
class Handoff:
    reason: str
    priority: str
    topic: str = ""  # what the person asked about (rights, shelter...), if known


@dataclass(frozen=True)
class Reading:
    """What the bot made of the person's message (``bot.nlg.turn_signal``):
    for anonymous figures and the review of what it did not understand."""

    intent: str | None = None
    confidence: float = 0.0
    runner_up: str | None = None
    topic: str | None = None
    understood: bool = True


def _reading(signal: dict[str, Any], so_far: Reading | None) -> Reading:
    """The first signal of a turn names the intent; any later one can only say
    the bot did not understand after all."""
    understood = signal.get("understood") is not False
    if so_far is not None:
        return replace(so_far, understood=so_far.understood and understood)
    confidence = signal.get("confidence")
    return Reading(
        intent=_name(signal.get("intent")),
        confidence=float(confidence) if isinstance(confidence, int | float) else 0.0,
        runner_up=_name(signal.get("runner_up")),
        topic=_name(signal.get("topic")),
        understood=understood,
    )


def _name(value: Any) -> str | None:
    return value[:64] if isinstance(value, str) and value else None


@dataclass
class BotTurn:
    texts: list[str] = field(default_factory=list)
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    language: str | None = None
    handoff: Handoff | None = None
    delete_data: bool = False
    # The bot's answer already gives the emergency number (so the line does not
    # add it twice, on a phone with little credit).
    emergency_number_given: bool = False
    # The country the person said they are in (ISO code), once the bot knows.
    country: str | None = None
    reading: Reading | None = None
    # How the person lets their report be used (share, confidential,
    # anonymous), when they chose in this turn.
    report_consent: str | None = None
    # The texts that ask the person something and wait for the answer.
    questions: list[str] = field(default_factory=list)
    seconds: float = 0.0


def parse_turn(messages: list[dict[str, Any]]) -> BotTurn:
    """Split Rasa's REST answer into what the person sees and the signals."""
    turn = BotTurn()
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict):
            if isinstance(handoff := custom.get("handoff"), dict):
                turn.handoff = Handoff(
                    reason=str(handoff.get("reason") or "request"),
                    priority=str(handoff.get("priority") or "normal"),
                    topic=str(handoff.get("topic") or ""),
                )
                turn.language = str(handoff.get("language") or "") or turn.language
            if isinstance(language := custom.get("language"), str) and language:
                turn.language = language
            if isinstance(custom.get("delete_data"), dict):
                turn.delete_data = True
            if custom.get("emergency_number_given") is True:
                turn.emergency_number_given = True
            if is_country_code(country := custom.get("country")):
                turn.country = country
            if isinstance(signal := custom.get("turn"), dict):
                turn.reading = _reading(signal, turn.reading)
            if isinstance(report := custom.get("report"), dict) and (
                report.get("consent") in REPORT_CONSENTS
            ):
                turn.report_consent = str(report["consent"])
            if custom.get("question") is True and turn.texts:
                # Rasa sends a response's custom after its text.
                turn.questions.append(turn.texts[-1])
        if isinstance(text := message.get("text"), str) and text.strip():
            turn.texts.append(text)
            turn.buttons.append(
                [
                    {
                        "title": str(b.get("title", "")),
                        "payload": str(b.get("payload", "")),
                    }
                    for b in message.get("buttons") or []
                    if isinstance(b, dict)
                ]
            )
    return turn


# Long enough for one call, short enough that a token seen once is soon useless.
API_TOKEN_SECONDS = 60


def api_token(secret: str, now: float | None = None) -> str:
    """A JWT Rasa's API accepts: signed with the shared secret (HS256), for the
    admin role (Rasa's model and status routes admit no other), expiring soon."""
    issued = int(time.time() if now is None else now)
    payload = {
        "user": {"username": "aliada-hotline", "role": "admin"},
        "iat": issued,
        "exp": issued + API_TOKEN_SECONDS,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


class BotClient:
    def __init__(
        self, base_url: str, jwt_secret: str = "", timeout: float = 8.0
    ) -> None:
        self.webhook = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
        self.status = f"{base_url.rstrip('/')}/status"
        self.jwt_secret = jwt_secret
        self.timeout = timeout
        self.session = requests.Session()
        # Rasa is a neighbour: no proxy or .netrc look-ups on every message.
        self.session.trust_env = False

    def send(self, sender: str, text: str, metadata: dict[str, Any]) -> BotTurn:
        started = time.perf_counter()
        payload = {"sender": sender, "message": text, "metadata": metadata}
        try:
            response = self._post_retrying_once(payload, started + self.timeout)
            response.raise_for_status()
            messages = safe_json.loads(response.content)
        except (requests.RequestException, ValueError) as error:
            raise BotUnavailable(type(error).__name__) from error
        if not isinstance(messages, list) or not messages:
            raise BotUnavailable("empty answer")
        turn = parse_turn([m for m in messages if isinstance(m, dict)])
        if not turn.texts:
            raise BotUnavailable("no text in answer")
        turn.seconds = time.perf_counter() - started
        return turn

    def _post_retrying_once(
        self, payload: dict[str, Any], deadline: float
    ) -> requests.Response:
        """The message to Rasa; once more if the replica was gone and at least
        ``MIN_RETRY_SECONDS`` of the budget are left."""
        try:
            response = self._post(payload, deadline - time.perf_counter())
        except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
            if deadline - time.perf_counter() < MIN_RETRY_SECONDS:
                raise
        else:
            gone = response.status_code in REPLICA_GONE_STATUSES
            if not gone or deadline - time.perf_counter() < MIN_RETRY_SECONDS:
                return response
        return self._post(payload, deadline - time.perf_counter())

    def _post(self, payload: dict[str, Any], seconds: float) -> requests.Response:
        return self.session.post(
            self.webhook,
            json=payload,
            # Connecting gets little of the budget: a Rasa that is down
            # refuses at once, one that is gone should not eat Twilio's 15 s.
            timeout=(min(2.0, seconds), seconds),
        )

    def is_ready(self) -> bool:
        """Rasa answers its API with a model loaded, and takes our token: a
        secret that differs from Rasa's shows here, not as a later failure."""
        headers = (
            {"Authorization": f"Bearer {api_token(self.jwt_secret)}"}
            if self.jwt_secret
            else {}
        )
        try:
            return self.session.get(self.status, headers=headers, timeout=2).ok
        except requests.RequestException:
            return False
