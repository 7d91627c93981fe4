"""Throwaway PostgreSQL databases for measurements and tests: made beside a
server's URL, dropped afterwards, whatever happened in between."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

DRIVER = "postgresql+psycopg://"
PLAIN = "postgresql://"


def admin_url(url: str) -> str:
    """``url`` as psycopg takes it (no SQLAlchemy driver name)."""
    return url.replace(DRIVER, PLAIN)


@contextmanager
def throwaway_database(url: str, prefix: str) -> Iterator[str]:
    """A database of its own on ``url``'s server, named ``prefix_<random>``;
    its URL keeps ``url``'s driver name. Dropped on the way out, even with
    connections still open (a server that did not stop)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_url(url), autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
