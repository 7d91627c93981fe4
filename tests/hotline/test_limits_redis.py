"""The limits in Redis (``REDIS_URL``), as production runs them: two app
instances (two gunicorn workers, or two hosts) share one count, so a flood
spread over workers is refused all the same; and a Redis that stops answering
never stops the line.

Skipped where Redis is absent, unless ALIADA_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from conftest import REQUIRE_SERVICES, SESSIONS, make_app, new_session

REDIS_URL = "redis://127.0.0.1:6379/3"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own, its keys deleted afterwards."""
    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        server.ping()
    except redis.RedisError as error:
        if REQUIRE_SERVICES:
            raise
        pytest.skip(f"Redis is not reachable: {error}")
    prefix = f"aliada-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    for key in server.scan_iter(match=f"*{prefix}*"):
        server.delete(key)
    server.close()


def test_two_workers_share_one_count(tmp_path: Path, redis_prefix: str) -> None:
    shared = {
        "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_KEY_PREFIX": redis_prefix,
        "WEBCHAT_SESSIONS_PER_CLIENT": "4 per hour",
    }
    first = make_app(tmp_path / "first", **shared).test_client()
    second = make_app(tmp_path / "second", **shared).test_client()

    statuses = [
        (first if n % 2 else second).post(SESSIONS).status_code for n in range(10)
    ]

    # Each worker alone would have allowed 4: together they allowed 4.
    assert statuses.count(201) == 4
    assert statuses[4:] == [429] * 6


def test_the_count_is_kept_in_redis_without_addresses(
    tmp_path: Path, redis_prefix: str
) -> None:
    line = make_app(
        tmp_path,
        REDIS_URL=REDIS_URL,
        RATE_LIMIT_KEY_PREFIX=redis_prefix,
        WEBCHAT_SESSIONS_PER_CLIENT="1 per hour",
    )
    client = line.test_client()
    client.post(SESSIONS, environ_base={"REMOTE_ADDR": "203.0.113.50"})
    keys = [
        key.decode()
        for key in redis.Redis.from_url(REDIS_URL).scan_iter(match=f"*{redis_prefix}*")
    ]
    assert keys
    assert not any("203.0.113.50" in key for key in keys)


def test_a_redis_that_stops_answering_never_stops_the_line(tmp_path: Path) -> None:
    """Nothing listens on port 9: each process counts in its own memory
    instead, and people are still answered."""
    line = make_app(
        tmp_path,
        REDIS_URL="redis://127.0.0.1:9/0",
        WEBCHAT_SESSIONS_PER_CLIENT="2 per hour",
    )
    client = line.test_client()
    session_id = new_session(client)
    answer = client.post(
        "/webchat/api/v1/messages", json={"session_id": session_id, "text": "hola"}
    )
    assert answer.status_code == 200
    assert [client.post(SESSIONS).status_code for _ in range(2)] == [201, 429]
