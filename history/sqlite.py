"""The history on SQLite (the embedded default): one file in HISTORY_DIR, in WAL mode.

One connection per thread; every write is BEGIN IMMEDIATE, which takes the database's one write
lock, so writers take turns and a run is saved whole or not at all. The file and its -wal/-shm
are private (permissions.py). Prompts are searched with FTS5.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from .dialects import SQLITE
from .migrations import migrate
from .permissions import FILE_MODE, private_file, tighten
from .sql import Database

DATABASE_NAME = "history.sqlite3"


class SqliteConnection(sqlite3.Connection):
    def tuples(self, sql: str, values: Iterable[Any] = ()) -> sqlite3.Cursor:
        cursor = self.cursor()
        cursor.row_factory = None  # plain tuples: the History tab's hot path
        return cursor.execute(sql, tuple(values))


class SqliteDatabase(Database):
    """WAL mode, migrations by name (migrations.py), one connection per thread; the file and
    its -wal/-shm are private (permissions.py)."""

    dialect = SQLITE
    search_clause = "rowid IN (SELECT rowid FROM runs_search WHERE runs_search MATCH ?)"

    def __init__(self, path: Path, *, durable: bool = True) -> None:
        self.path = path
        self._local = threading.local()
        self._synchronous = "FULL" if durable else "OFF"
        private_file(path)  # before SQLite makes it with the umask's mode
        migrate(self.write, self.dialect)
        for suffix in ("-wal", "-shm"):  # SQLite makes new ones with the database's mode
            tighten(f"{path}{suffix}", FILE_MODE)

    def connection(self) -> SqliteConnection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(
                self.path, isolation_level=None, timeout=30.0, factory=SqliteConnection
            )
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={self._synchronous}")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def read(self) -> Iterator[SqliteConnection]:
        yield self.connection()

    def write(self) -> AbstractContextManager[SqliteConnection]:
        return immediate(self.connection())

    def search_term(self, text: str) -> str:
        return fts_query(text)

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


@contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A SQLite write transaction: BEGIN IMMEDIATE takes the database's one write lock."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def fts_query(text: str) -> str:
    """The user's words as quoted FTS5 terms, the last one a prefix, so any input is safe."""
    words = [word.replace('"', '""') for word in text.split()]
    terms = [f'"{word}"' for word in words]
    if terms:
        terms[-1] += "*"
    return " ".join(terms)
