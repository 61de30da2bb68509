"""Which database a store opens: PostgreSQL when it has a URL, else SQLite in its folder.

The one place that knows both sides (sqlite.py, postgres.py), so neither imports the other and
the store needs only this and the seam they share (sql.py). psycopg is imported only when a URL
is set.
"""

from __future__ import annotations

from pathlib import Path

from .sql import Database
from .sqlite import DATABASE_NAME, SqliteDatabase


def open_database(directory: Path, url: str | None, *, durable: bool = True) -> Database:
    """PostgreSQL at `url` (postgresql://...), else SQLite in `directory`."""
    if url:
        from .postgres import PostgresDatabase

        return PostgresDatabase(url)
    return SqliteDatabase(directory / DATABASE_NAME, durable=durable)
