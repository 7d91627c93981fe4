"""``make run``: start the action server and Rasa, wait until both answer, and
stop both on Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

from bot.stack import ROOT, Stack, StackConfig


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "aliada.tar.gz")
    args = parser.parse_args()
    config = StackConfig(
        model=args.model,
        endpoints=ROOT / os.environ.get("RASA_ENDPOINTS", "bot/endpoints.yml"),
        tracker_store_url=os.environ.get(
            "TRACKER_STORE_URL", StackConfig.tracker_store_url
        ),
    )
    stack = Stack(config)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        stack.start()
        print("Starting the action server and Rasa (loading the model takes ~30 s)…")
        stack.wait_ready()
        print(
            f"\nAliada's bot is up.\n"
            f"  Rasa REST channel : {config.rasa_url}/webhooks/rest/webhook\n"
            f"  Action server     : {config.actions_url}/health\n"
            f"  Try it: curl -s {config.rasa_url}/webhooks/rest/webhook "
            """-H 'Content-Type: application/json' """
            """-d '{"sender": "try-1", "message": "hola, necesito ayuda"}'\n"""
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
