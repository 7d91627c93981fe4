"""Under a flood, the people already in conversation keep being answered.

The hotline as production runs it (gunicorn, two workers, behind a proxy:
``PROXY_COUNT=1``) in front of the real Rasa and action server. A person is in
a conversation; then 40 clients (told apart by the proxy's ``X-Forwarded-For``)
flood the web chat: fresh sessions by the dozen, made-up session ids, and
messages in every session they got. Every message of the person gets the
bot's own answer while the flood is refused with 429s, made-up ids start
nothing, and no request fails.

The limits here count in each worker's memory (no ``REDIS_URL``), so a client
may get up to twice its allowance; ``test_limits_redis.py`` shows workers
sharing one count in Redis.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from conftest import hotline_on_gunicorn
from test_webchat_bot import response_text

from bot.stack import Stack

FLOOD_CLIENTS = 40
MIN_ROUNDS, MAX_ROUNDS = 8, 40  # each client's rounds: bounded, and long enough
SESSIONS_FOR_THE_LINE = 10  # per worker an hour: at most 20 in all
PERSON = {"X-Forwarded-For": "192.0.2.1"}
RIGHTS_QUESTION = "cuales son mis derechos"
TIMEOUT = 60


@pytest.fixture
def line_behind_a_proxy(bot_stack: Stack, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """gunicorn serving the hotline with tight limits; its URL and database."""
    with hotline_on_gunicorn(
        bot_stack,
        tmp_path,
        PROXY_COUNT="1",
        # A test machine under load: the bot's own answer, however slow.
        BOT_TIMEOUT_SECONDS="30",
        WEBCHAT_SESSIONS_PER_CLIENT="2 per hour",
        WEBCHAT_SESSIONS_GLOBAL=f"{SESSIONS_FOR_THE_LINE} per hour",
        WEBCHAT_MESSAGES_PER_CLIENT="5 per hour",
        REDIS_URL="",
    ) as url:
        yield f"{url}/webchat/api/v1", tmp_path / "hotline.db"


class Flood:
    """Clients flooding the web chat until the person is done (bounded)."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.person_done = threading.Event()
        self.refused_once = threading.Event()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.refused_clients: set[int] = set()
        self._lock = threading.Lock()

    def _record(self, kind: str, client: int, response: requests.Response) -> None:
        with self._lock:
            self.statuses[(kind, response.status_code)] += 1
            if response.status_code == 429:
                self.refused_clients.add(client)
                self.refused_once.set()

    def client(self, number: int) -> None:
        http = requests.Session()
        http.trust_env = False
        headers = {"X-Forwarded-For": f"198.51.100.{number}"}

        def post(kind: str, path: str, body: dict | None = None) -> requests.Response:
            response = http.post(
                f"{self.api}{path}", json=body, headers=headers, timeout=TIMEOUT
            )
            self._record(kind, number, response)
            return response

        sessions: list[str] = []
        for done in range(MAX_ROUNDS):
            if done >= MIN_ROUNDS and self.person_done.is_set():
                return
            fresh = post("session", "/sessions")
            if fresh.status_code == 201:
                sessions.append(fresh.json()["session_id"])
            made_up = secrets.token_urlsafe(32)
            post("made_up", "/messages", {"session_id": made_up, "text": "flood"})
            if sessions:
                message = {"session_id": sessions[-1], "text": f"flood {done}"}
                post("message", "/messages", message)


def ask(api: str, session_id: str) -> dict:
    answer = requests.post(
        f"{api}/messages",
        json={"session_id": session_id, "text": RIGHTS_QUESTION, "language": None},
        headers=PERSON,
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def conversations_in(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM conversations").fetchone()[0]


def test_a_conversation_goes_on_while_a_flood_is_refused(
    line_behind_a_proxy: tuple[str, Path],
) -> None:
    api, database = line_behind_a_proxy
    rights = response_text("utter_rights", "es")
    created = requests.post(f"{api}/sessions", headers=PERSON, timeout=TIMEOUT)
    assert created.status_code == 201
    session_id = created.json()["session_id"]
    first = ask(api, session_id)
    assert rights in [reply["text"] for reply in first["replies"]]

    flood = Flood(api)
    with ThreadPoolExecutor(max_workers=FLOOD_CLIENTS) as pool:
        clients = [pool.submit(flood.client, n) for n in range(1, FLOOD_CLIENTS + 1)]
        try:
            assert flood.refused_once.wait(timeout=120), "the flood was never refused"
            for _ in range(3):  # the person goes on while the flood is refused
                answer = ask(api, session_id)
                assert answer["handoff"] is None  # not the line's fallback
                assert rights in [reply["text"] for reply in answer["replies"]]
        finally:
            flood.person_done.set()
        for finished in clients:
            finished.result()

    statuses = flood.statuses
    total = sum(statuses.values())
    by_status = Counter()
    for (_kind, status), count in statuses.items():
        by_status[status] += count
    assert set(by_status) <= {200, 201, 404, 429}, statuses  # no request failed
    assert by_status[429] * 3 >= total, statuses  # at least a third refused
    assert flood.refused_clients == set(range(1, FLOOD_CLIENTS + 1))
    granted = statuses[("session", 201)]
    assert granted <= 2 * SESSIONS_FOR_THE_LINE, statuses
    assert statuses[("made_up", 200)] == 0  # made-up ids reach nothing
    # The person's conversation, and one for each session the flood used.
    assert conversations_in(database) <= granted + 1
    print(f"flood: {total} requests, {dict(statuses)}")  # for the record (-s)
