"""Every request limit of the hotline, its setting and its answer, in one place.

A flood must not take the line from the people already in conversation with
it. Flask-Limiter counts requests (per client, per calling number, or for
everyone) in Redis when ``REDIS_URL`` is set, so every gunicorn worker and
every host shares one count; otherwise in each process's memory (a laptop,
tests). Each rule names the routes it guards by endpoint, so the routes' own
modules carry no limit of their own.

Not limited here, on purpose: Twilio's webhooks for people (``/twilio/sms``,
``/twilio/voice``). A refusal there would lose a person's message (Twilio does
not send an SMS again after a 429); a flood of one number is already held for
a person by the conversation service (``RATE_LIMIT_PER_MINUTE``).

A refused request is answered in its surface's own way (JSON with
``Retry-After`` for the widget, a page for the console, a spoken goodbye for
the operators' line) and counted in ``aliada_rejected_requests_total`` with the
rule's name as the reason. Keys are keyed hashes: no address or phone number
reaches the store or Flask-Limiter's log.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many

from hotline import metrics
from hotline.privacy import keyed_digest
from hotline.twilio_security import signature_is_valid

EXTENSION = "aliada_limiter"
# A store that does not answer within this long is taken as down: the
# limiter then counts in memory until it is back, and never holds a request.
REDIS_TIMEOUT_SECONDS = 0.5
KEY_HEX_CHARS = 32


class LimitsConfigurationError(RuntimeError):
    """A limit setting Flask-Limiter cannot read; it would silently not limit."""


def _hashed(namespace: str, value: str) -> str:
    return keyed_digest(namespace, value.encode("utf-8")).hex()[:KEY_HEX_CHARS]


def client() -> str:
    """The client's address, as the trusted proxies tell it (``PROXY_COUNT``)."""
    return _hashed("limit-client", request.remote_addr or "unknown")


def everyone() -> str:
    """One count for all clients: a cap on the line as a whole."""
    return "everyone"


def calling_number() -> str:
    """The number calling, as Twilio signed it (withheld numbers share one)."""
    return _hashed("limit-caller", request.form.get("From") or "unknown")


def not_signed_by_twilio() -> bool:
    """Unsigned requests are refused by the route (403) and must not spend a
    real number's allowance."""
    return not (current_app.config["TWILIO_AUTH_TOKEN"] and signature_is_valid())


@dataclass(frozen=True)
class Rule:
    """One limit: its environment variable (also its config key and its
    name in metrics), its default in Flask-Limiter's notation, who is
    counted, and the endpoints it counts. ``checked_at`` endpoints refuse
    when the allowance is spent but count nothing themselves."""

    setting: str
    default: str
    counted_by: Callable[[], str]
    endpoints: tuple[str, ...]
    surface: str  # how a refusal is answered: "webchat", "console", "operator_line"
    methods: tuple[str, ...] | None = None
    exempt_when: Callable[[], bool] | None = None
    checked_at: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return self.setting.lower()


_WEBCHAT = "webchat.webchat_api."

RULES: tuple[Rule, ...] = (
    # A person starts one conversation; reloading or deleting starts another.
    Rule(
        "WEBCHAT_SESSIONS_PER_CLIENT",
        "5/minute,30/hour",
        client,
        (_WEBCHAT + "create_session",),
        "webchat",
    ),
    # New conversations for the whole line: a flood of fresh sessions from
    # many addresses cannot crowd out the conversations already going on.
    Rule(
        "WEBCHAT_SESSIONS_GLOBAL",
        "60/minute",
        everyone,
        (_WEBCHAT + "create_session",),
        "webchat",
    ),
    # Messages and deletes from one address: a person writes a few a minute;
    # several people behind one network stay well under it.
    Rule(
        "WEBCHAT_MESSAGES_PER_CLIENT",
        "30/minute",
        client,
        (_WEBCHAT + "post_message", _WEBCHAT + "delete_session"),
        "webchat",
    ),
    # The widget polls every 3 s while a person has the conversation (20 a
    # minute), every 15 s otherwise: room for a few open chats per address.
    Rule(
        "WEBCHAT_POLLS_PER_CLIENT",
        "120/minute",
        client,
        (_WEBCHAT + "fetch_replies",),
        "webchat",
    ),
    # Password and code attempts from one address (the accounts' own lockout
    # counts per account); a team logging in at shift change fits.
    Rule(
        "CONSOLE_LOGINS_PER_CLIENT",
        "30/minute,200/hour",
        client,
        ("console.login", "console.code"),
        "console",
        methods=("POST",),
    ),
    # Attempts on the operators' line per calling number, counted where the
    # line decides (the PIN, after the code; an operator calls once per caller
    # they answer); refused already at the greeting and at the code.
    Rule(
        "OPERATOR_LINE_PER_NUMBER",
        "10/hour",
        calling_number,
        ("voice.operator_pin",),
        "operator_line",
        exempt_when=not_signed_by_twilio,
        checked_at=("voice.operator_line", "voice.operator_code"),
    ),
)


def from_environment() -> dict[str, Any]:
    """The limits' settings (config keys), read from the environment."""
    settings: dict[str, Any] = {
        rule.setting: os.environ.get(rule.setting) or rule.default for rule in RULES
    }
    # Shared by every worker and host when set; memory per process otherwise.
    settings["REDIS_URL"] = os.environ.get("REDIS_URL", "")
    # Keeps the line's counts apart from anything else in the same Redis.
    settings["RATE_LIMIT_KEY_PREFIX"] = os.environ.get(
        "RATE_LIMIT_KEY_PREFIX", "aliada"
    )
    return settings


def check_settings(config: dict[str, Any]) -> None:
    """Refuse to start with a limit Flask-Limiter cannot parse: it would log
    an error per request and let everything through."""
    for rule in RULES:
        value = config.get(rule.setting, rule.default)
        try:
            parsed = parse_many(value)
        except ValueError:
            parsed = []
        if not parsed:
            raise LimitsConfigurationError(
                f"{rule.setting}={value!r} is not a limit such as '30/minute' or "
                "'5/minute,30/hour'"
            )


def init_app(app: Flask) -> Limiter:
    """One limiter per app (its own store), applied to the rules' endpoints."""
    check_settings(app.config)
    redis_url = app.config.get("REDIS_URL") or ""
    limiter = Limiter(
        everyone,  # unused: every rule names who it counts
        storage_uri=redis_url or "memory://",
        storage_options=(
            {
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            }
            if redis_url
            else {}
        ),
        # Exact over any window of its length: no double burst at a boundary.
        strategy="moving-window",
        key_prefix=app.config.get("RATE_LIMIT_KEY_PREFIX", "aliada"),
        # Redis down: count in this process's memory until it is back, and
        # never turn the store's failure into an error for a person.
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter
    for rule in RULES:
        _apply(app, limiter, rule)
    _answer_refusals(app)
    return limiter


def _apply(app: Flask, limiter: Limiter, rule: Rule) -> None:
    def allowance() -> str:
        return str(current_app.config[rule.setting])

    def shared(**extra: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return limiter.shared_limit(
            allowance,
            scope=rule.setting,
            key_func=rule.counted_by,
            methods=list(rule.methods) if rule.methods else None,
            exempt_when=rule.exempt_when,
            **extra,
        )

    counting = shared()
    checking = shared(deduct_when=lambda _response: False)  # refuses, never counts
    for endpoint in rule.endpoints:
        app.view_functions[endpoint] = counting(app.view_functions[endpoint])
    for endpoint in rule.checked_at:
        app.view_functions[endpoint] = checking(app.view_functions[endpoint])


def retry_after_seconds() -> int:
    """Whole seconds until the spent allowance has room again (at least 1)."""
    limiter: Limiter = current_app.extensions[EXTENSION]
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.window.reset_time - time.time()))


def _answer_refusals(app: Flask) -> None:
    """A refused request is answered as its surface answers, and counted."""
    from hotline.console.blueprint import too_many_attempts
    from hotline.voice.limited import too_many_calls
    from hotline.webchat.routes import too_many_requests

    answers: dict[str, Callable[[int], Response]] = {
        "webchat": too_many_requests,
        "console": too_many_attempts,
        "operator_line": too_many_calls,
    }
    rules = {rule.setting: rule for rule in RULES}

    def refused(error: RateLimitExceeded) -> Response:
        rule = rules[str(error.limit.scope)]
        metrics.REJECTED.labels(request.path, rule.reason).inc()
        retry_after = retry_after_seconds()
        response = answers[rule.surface](retry_after)
        response.headers["Retry-After"] = str(retry_after)
        return response

    app.register_error_handler(RateLimitExceeded, refused)
