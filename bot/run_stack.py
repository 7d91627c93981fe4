"""``make run``: start the action server, Rasa and the hotline, wait until each
answers, print where to reach them, and stop all of them on Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

from bot.stack import HOTLINE_BIN, ROOT, Stack, StackConfig


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
    stack = Stack(config)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        stack.start()
        print("Starting the action server, Rasa (~40 s to load) and the hotline…")
        stack.wait_ready()
        hotline = config.hotline_url
        print(
            f"\nAliada is up.\n"
            f"  Web chat demo     : {hotline}/\n"
            f"  Web chat API      : {hotline}/webchat/api/v1/messages "
            f"(OpenAPI: {hotline}/webchat/api/v1/openapi.json)\n"
            f"  Twilio SMS        : {hotline}/twilio/sms "
            f"(fallback {hotline}/twilio/sms/fallback)\n"
            f"  Twilio voice      : {hotline}/twilio/voice\n"
            f"  Health, metrics   : {hotline}/readyz  {hotline}/metrics\n"
            f"  Rasa REST channel : {config.rasa_url}/webhooks/rest/webhook\n"
            f"  Try a text as Twilio sends it: "
            f".venv/hotline/bin/python -m hotline.simulate sms 'hola, necesito ayuda'\n"
            f"Press Ctrl-C to stop.\n",
            flush=True,
        )
        for process in stack.processes:
            process.wait()
    except KeyboardInterrupt:
        print("\nStopping…")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
