"""A local HTTP server standing in for Twilio's REST API: sending a message
(POST Messages.json), deleting a message, call or recording (DELETE
.../{Sid}.json), listing a call's recordings (GET Recordings.json?CallSid=) and
the calls it started (GET Calls.json?ParentCallSid=).
The only part of Twilio the tests replace. It records what it receives."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class FakeTwilio:
    """Twilio's REST API on a local port: records what it receives and
    answers as Twilio does (201 with a new SID, 204 for a delete, the
    recordings it holds of a call) unless told otherwise."""

    url: str = ""
    received: list[dict[str, Any]] = field(default_factory=list)
    # (status, JSON answer or raw bytes), or "hang".
    answers: list[tuple[int, dict[str, Any] | bytes] | str] = field(
        default_factory=list
    )
    release: threading.Event = field(default_factory=threading.Event)
    # The recordings Twilio keeps, and the calls a call started (a <Dial>),
    # by CallSid (a test puts them there).
    recordings: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    def answer(self, default: tuple[int, dict[str, Any] | bytes] | None = None):
        planned = self.answers.pop(0) if self.answers else None
        if planned == "hang":  # slower than the hotline waits
            self.release.wait(10)
            planned = None
        return planned or default or (201, {"sid": f"SM{len(self.received):032d}"})

    def deleted(self) -> list[str]:
        """The paths of every DELETE received, e.g. ``.../Messages/SM....json``."""
        return [r["path"] for r in self.received if r["method"] == "DELETE"]

    def listing(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Recordings.json?CallSid= or Calls.json?ParentCallSid=, one page."""
        if path.endswith("/Calls.json"):
            parent = query.get("ParentCallSid", "")
            items = [{"sid": sid} for sid in self.children.get(parent, [])]
            return 200, {"calls": items, "next_page_uri": None}
        call = query.get("CallSid", "")
        items = [{"sid": sid} for sid in self.recordings.get(call, [])]
        return 200, {"recordings": items, "next_page_uri": None}


def handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _record(self, method: str) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length", 0))
            parts = urlsplit(self.path)
            received = {
                "method": method,
                "path": parts.path,
                "query": dict(parse_qsl(parts.query)),
                "authorization": self.headers.get("Authorization", ""),
                "form": dict(parse_qsl(self.rfile.read(length).decode())),
            }
            fake.received.append(received)
            return received

        def _send(self, status: int, body: dict[str, Any] | bytes) -> None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            if status == 204:
                data = b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            self._record("POST")
            self._send(*fake.answer())

        def do_DELETE(self) -> None:
            self._record("DELETE")
            self._send(*fake.answer((204, b"")))

        def do_GET(self) -> None:
            received = self._record("GET")
            self._send(*fake.answer(fake.listing(received["path"], received["query"])))

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
