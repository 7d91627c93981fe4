"""``make run``: start the action server, Rasa and the hotline, wait until each
answers, print where to reach them, and stop all of them on Ctrl-C."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
from pathlib import Path

from bot.stack import HOTLINE_BIN, ROOT, Stack, StackConfig

DEV_SECRETS = ROOT / ".hotline"


def local_secret(variable: str, file_name: str) -> tuple[str, bool]:
    """The configured secret, or a development one kept in ``.hotline/`` (True),
    so every gunicorn worker and every restart shares it and the simulator can
    sign requests without a Twilio account."""
    if value := os.environ.get(variable):
        return value, False
    path = DEV_SECRETS / file_name
    if not path.exists():
        DEV_SECRETS.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip(), True


def banner(config: StackConfig, development_token: bool) -> str:
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
            f"  Health, metrics   : {hotline}/readyz  {hotline}/metrics",
            "  Try the line as Twilio calls it: "
            ".venv/hotline/bin/python -m hotline.simulate sms 'hola, necesito ayuda'",
        ]
        if development_token:
            lines.append(
                f"  Twilio token      : development token in {DEV_SECRETS}; "
                "set TWILIO_AUTH_TOKEN for a real number"
            )
    lines += [
        f"  Rasa REST channel : {config.rasa_url}/webhooks/rest/webhook",
        f"  Action server     : {config.actions_url}/health",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)


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
    token, development_token = local_secret("TWILIO_AUTH_TOKEN", "twilio-dev-token")
    key_secret, _ = local_secret("CONVERSATION_KEY_SECRET", "conversation-key-secret")
    config.extra_env.update(TWILIO_AUTH_TOKEN=token, CONVERSATION_KEY_SECRET=key_secret)
    stack = Stack(config)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        stack.start()
        print("Starting the action server, Rasa (~40 s to load) and the hotline…")
        stack.wait_ready()
        print(banner(config, development_token), flush=True)
        for process in stack.processes:
            process.wait()
    except KeyboardInterrupt:
        print("\nStopping…")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
