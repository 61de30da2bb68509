"""The store's database behind one seam, so store.py is the same store on SQLite and PostgreSQL.

The store writes each statement once, with `?` placeholders, in the SQL both dialects share.
What differs lives behind `Database`: connecting (one SQLite connection per thread; a psycopg
pool), the write transaction (SQLite's BEGIN IMMEDIATE; in PostgreSQL, a transaction holding one
advisory lock, so writers on every replica take turns as SQLite's do and the caps stay exact) and
full-text search (FTS5; a tsvector with a GIN index). sqlite.py and postgres.py are the two
sides; databases.py chooses one by the store's settings.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from typing import Any

from .dialects import Dialect


class Database(ABC):
    """Connections for reading and writing; each yields an object with `execute(sql, values)`
    (rows readable by name and by position) and `tuples(sql, values)` (plain tuples)."""

    dialect: Dialect
    """How the schema's migrations spell this database's types (dialects.py)."""
    search_clause: str
    """A WHERE clause keeping the runs whose prompt matches one `?`: `search_term(text)`."""

    @abstractmethod
    def read(self) -> AbstractContextManager[Any]: ...

    @abstractmethod
    def write(self) -> AbstractContextManager[Any]:
        """A transaction that holds the store's one write lock until it commits."""

    @abstractmethod
    def search_term(self, text: str) -> str: ...

    @abstractmethod
    def close(self) -> None: ...
