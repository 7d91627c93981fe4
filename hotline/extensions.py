"""Flask extensions, created unbound and bound to an app in ``create_app``."""

import sqlite3
from typing import Any

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# Objects stay usable after a commit without reloading: a request commits the
# person's message before asking the bot, then goes on with the same objects.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()


@event.listens_for(Engine, "connect")
def _sqlite_settings(connection: Any, _record: Any) -> None:
    """SQLite ignores ON DELETE CASCADE unless asked, on every connection; and
    its default journal costs ~17 ms a commit here, WAL about nothing (a power
    cut may lose the last commits, a crashed process loses none)."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
