"""``make run``: start the action server, Rasa and the hotline, wait until each
answers, print where to reach them, and stop all of them on Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import time
from pathlib import Path

from bot import dev_secrets
from bot.stack import HOTLINE_BIN, ROOT, Stack, StackConfig


def banner(config: StackConfig, development: set[str]) -> str:
    """Where to reach each server; ``development`` names the secrets that come
    from ``.hotline/`` rather than the environment."""
    lines = ["", "Aliada is up."]
    if config.hotline_bin:
        hotline = config.hotline_url
        lines += [
            f"  Web chat demo     : {hotline}/",
            f"  Operator console  : {hotline}/console/",
            f"  Web chat API      : {hotline}/webchat/api/v1/messages "
            f"(OpenAPI: {hotline}/webchat/api/v1/openapi.json)",
            f"  Twilio SMS        : {hotline}/twilio/sms "
            f"(fallback: {hotline}/twilio/sms/fallback)",
            f"  Twilio voice      : {hotline}/twilio/voice",
            f"  Health            : {hotline}/readyz",
            f"  Metrics           : {_metrics(hotline, development)}",
            "  Retention purge   : now and every 24 h "
            "(.venv/hotline/bin/flask --app hotline purge-check)",
            "  Try the line as Twilio calls it: "
            ".venv/hotline/bin/python -m hotline.simulate sms 'hola, necesito ayuda'",
        ]
        if "TWILIO_AUTH_TOKEN" in development:
            lines.append(
                f"  Twilio token      : development token in {dev_secrets.FOLDER}; "
                "set TWILIO_AUTH_TOKEN for a real number"
            )
    lines += [
        f"  Rasa REST channel : {config.rasa_url}/webhooks/rest/webhook",
        f"  Rasa HTTP API     : {config.rasa_url}/status and the rest, with a JWT "
        f"signed with RASA_JWT_SECRET{_kept('RASA_JWT_SECRET', development)}",
        f"  Action server     : {config.actions_url}/health",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


def _kept(variable: str, development: set[str]) -> str:
    if variable not in development:
        return ""
    return f" (kept in {dev_secrets.FOLDER / dev_secrets.FILES[variable]})"


def _metrics(hotline: str, development: set[str]) -> str:
    """How to read /metrics: only with the bearer token."""
    if "METRICS_TOKEN" not in development:
        return f"{hotline}/metrics (Authorization: Bearer $METRICS_TOKEN)"
    token_file = dev_secrets.FOLDER / dev_secrets.FILES["METRICS_TOKEN"]
    return f'curl -H "Authorization: Bearer $(cat {token_file})" {hotline}/metrics'


def until_one_stops(processes: list[subprocess.Popen], every: float = 0.5) -> None:
    """Return when any of the processes has exited. When one server stops,
    the rest must stop too: half a line answers nobody well, and the purge
    loop alone kept `make run` waiting after Rasa and the hotline were gone."""
    while all(process.poll() is None for process in processes):
        time.sleep(every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "aliada.tar.gz")
    parser.add_argument("--hotline-bin", type=Path, default=HOTLINE_BIN)
    parser.add_argument("--no-hotline", action="store_true", help="run the bot only")
    args = parser.parse_args()
    config = StackConfig(
        model=args.model,
        endpoints=ROOT / os.environ.get("RASA_ENDPOINTS", "bot/endpoints.yml"),
        tracker_store_url=os.environ.get(
            "TRACKER_STORE_URL", StackConfig.tracker_store_url
        ),
        hotline_bin=None if args.no_hotline else args.hotline_bin,
        hotline_port=int(os.environ.get("HOTLINE_PORT", 8000)),
    )
    # Each secret the environment does not set comes from .hotline/, shared
    # by every process of the stack and by the next start.
    development = set()
    for variable in dev_secrets.FILES:
        value, drawn = dev_secrets.configured_or_development(variable)
        config.extra_env[variable] = value
        if drawn:
            development.add(variable)
    stack = Stack(config)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        stack.start()
        print("Starting the action server, Rasa (~40 s to load) and the hotline…")
        stack.wait_ready()
        print(banner(config, development), flush=True)
        until_one_stops(stack.processes)
        print("\nA server of the line stopped; stopping the others…")
    except KeyboardInterrupt:
        print("\nStopping…")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
