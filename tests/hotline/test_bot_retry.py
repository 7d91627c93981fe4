"""A Rasa replica gone under a message: the message is sent once more, within
the same budget, and the person gets one answer; a slow or failing Rasa is not
asked twice."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hotline.bot_client import BotClient, BotUnavailable

ANSWER = json.dumps([{"recipient_id": "x", "text": "Hola."}]).encode()

# What the fake Rasa does with the n-th message (0-based).
Behaviour = Callable[[BaseHTTPRequestHandler, int], None]


def answer(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(ANSWER)))
    handler.end_headers()
    handler.wfile.write(ANSWER)


def dies_first(handler: BaseHTTPRequestHandler, number: int) -> None:
    """The first replica dies with the message: no answer, connection gone."""
    if number == 0:
        handler.close_connection = True
        handler.connection.close()
        return
    answer(handler)


def status_first(status: int) -> Behaviour:
    def behaviour(handler: BaseHTTPRequestHandler, number: int) -> None:
        if number == 0:
            handler.send_response(status)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        answer(handler)

    return behaviour


def too_slow(handler: BaseHTTPRequestHandler, number: int) -> None:
    time.sleep(1.5)
    answer(handler)


@contextmanager
def fake_rasa(behaviour: Behaviour) -> Iterator[tuple[str, list[int]]]:
    """A Rasa REST channel on a free port; the list counts messages received."""
    received: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            number = len(received)
            received.append(number)
            behaviour(self, number)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def test_a_replica_that_dies_with_the_message_costs_no_answer() -> None:
    with fake_rasa(dies_first) as (url, received):
        turn = BotClient(url, timeout=5).send("someone", "hola", {})
    assert turn.texts == ["Hola."]
    assert len(received) == 2


@pytest.mark.parametrize("status", [502, 503])
def test_a_proxy_saying_the_replica_is_gone_gets_a_second_try(status: int) -> None:
    with fake_rasa(status_first(status)) as (url, received):
        turn = BotClient(url, timeout=5).send("someone", "hola", {})
    assert turn.texts == ["Hola."]
    assert len(received) == 2


def test_a_rasa_that_failed_is_not_asked_twice() -> None:
    """A 500 is Rasa's own failure with this message: a second try fails too."""
    failing = fake_rasa(status_first(500))
    with failing as (url, received), pytest.raises(BotUnavailable):
        BotClient(url, timeout=5).send("someone", "hola", {})
    assert len(received) == 1


def test_a_slow_turn_is_not_sent_again() -> None:
    """The replica may still be working on it, and the budget is spent."""
    with fake_rasa(too_slow) as (url, received), pytest.raises(BotUnavailable):
        BotClient(url, timeout=1).send("someone", "hola", {})
    assert len(received) == 1


def test_no_second_try_without_time_for_it() -> None:
    with fake_rasa(dies_first) as (url, received), pytest.raises(BotUnavailable):
        BotClient(url, timeout=0.5).send("someone", "hola", {})
    assert len(received) == 1
