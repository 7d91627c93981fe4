"""A local HTTP server standing in for Twilio's REST API (Messages.json): the
only part of Twilio the tests replace. It records what it receives."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass
class FakeTwilio:
    """Twilio's Messages.json on a local port: records what it receives and
    answers 201 with a new SID unless told otherwise."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    # (status, JSON answer or raw bytes), or "hang".
    answers: list[tuple[int, dict[str, Any] | bytes] | str] = field(
        default_factory=list
    )
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self) -> tuple[int, dict[str, Any] | bytes]:
        planned = self.answers.pop(0) if self.answers else None
        if planned == "hang":  # slower than the hotline waits
            self.release.wait(10)
            planned = None
        return planned or (201, {"sid": f"SM{len(self.received):032d}"})


def handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            fake.received.append(
                {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization", ""),
                    "form": dict(parse_qsl(self.rfile.read(length).decode())),
                }
            )
            status, body = fake.answer()
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def serve(fake: FakeTwilio) -> ThreadingHTTPServer:
    """Start the stand-in on a free port; the caller shuts it down."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(fake))
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    return server
