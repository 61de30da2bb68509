"""The history on PostgreSQL (HISTORY_DATABASE_URL), for several replicas sharing one history.

psycopg 3 with a connection pool (this module is imported only when a database URL is set).
Reads run on autocommit connections (no BEGIN/COMMIT round trips on the History tab's hot
path). Every write is one transaction that first takes a single transaction-scoped advisory
lock: writers on all replicas take turns exactly as SQLite's
BEGIN IMMEDIATE makes them, so a run is saved whole or not at all, its caps are enforced against
what is committed, and a crash anywhere rolls back that run alone. Saves are seconds apart
(each waits for a model), so one writer at a time costs nothing a visitor notices.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import tuple_row
from psycopg_pool import ConnectionPool, PoolTimeout

from .dialects import POSTGRESQL
from .migrations import migrate
from .sql import Database

WRITE_LOCK = 0x68697374_6F7279
"""The advisory lock every write transaction holds ("history" in hex)."""
POOL_MAX = 10
CONNECT_TIMEOUT_S = 30.0
ANSWER_TIMEOUT_S = 2
WRITE_WAIT_S = 3.0
"""How long a write waits for a pooled connection before asking whether the server is there at
all: if it is not, the write fails at once (the run is refused before sending, or its answer is
spooled: journal.py) instead of keeping the visitor waiting for the pool; if it is, the pool is
only busy and the write waits as usual."""


class Row:
    """A row readable by column name and by position, like sqlite3.Row."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: str | int) -> Any:
        return self._values[self._names[key] if isinstance(key, str) else key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def named_rows(cursor: Any) -> Any:
    """psycopg row factory making `Row`s."""
    names = {column.name: index for index, column in enumerate(cursor.description or ())}
    return lambda values: Row(names, values)


@lru_cache(maxsize=256)
def placeholders(sql: str) -> str:
    """The store's `?` placeholders as psycopg's `%s` (no statement holds a literal ? or %)."""
    return sql.replace("?", "%s")


class PgConnection:
    """A pooled connection speaking the store's SQL."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, values: Iterable[Any] = ()) -> Any:
        return self._conn.execute(placeholders(sql), tuple(values))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(placeholders(sql), list(rows))

    def tuples(self, sql: str, values: Iterable[Any] = ()) -> Any:
        cursor = self._conn.cursor(row_factory=tuple_row)
        return cursor.execute(placeholders(sql), tuple(values))


class PostgresDatabase(Database):
    dialect = POSTGRESQL
    search_clause = "search @@ to_tsquery('simple', ?)"

    def __init__(self, url: str, *, max_connections: int = POOL_MAX) -> None:
        try:  # once directly, so a wrong address fails at once and says so
            psycopg.connect(url, connect_timeout=int(CONNECT_TIMEOUT_S)).close()
        except psycopg.Error as error:
            raise ConnectionError(
                f"cannot connect to PostgreSQL at {describe(url)} (HISTORY_DATABASE_URL):"
                f" {type(error).__name__}"
            ) from None
        self._url = url
        self._pool = ConnectionPool(
            url,
            min_size=1,
            max_size=max_connections,
            kwargs={"autocommit": True, "row_factory": named_rows},
            open=False,
            name="history",
        )
        self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        migrate(self.write, self.dialect)  # under the lock: replicas starting together take turns

    @contextmanager
    def read(self) -> Iterator[PgConnection]:
        with self._pool.connection() as conn:
            yield PgConnection(conn)

    @contextmanager
    def write(self) -> Iterator[PgConnection]:
        with self._writer() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield PgConnection(conn)

    @contextmanager
    def _writer(self) -> Iterator[Any]:
        """A pooled connection for a write; raises PoolTimeout at once when the pool has none
        within WRITE_WAIT_S and the server does not answer."""
        try:
            conn = self._pool.getconn(timeout=WRITE_WAIT_S)
        except PoolTimeout:
            if not answers(self._url):
                raise
            conn = self._pool.getconn()
        try:
            yield conn
        finally:
            self._pool.putconn(conn)

    def search_term(self, text: str) -> str:
        return ts_query(text)

    def close(self) -> None:
        self._pool.close()


def ts_query(text: str) -> str:
    """The user's words as quoted tsquery lexemes joined by AND, the last one a prefix, so any
    input is safe (a word of punctuation alone yields no lexeme and is dropped)."""
    words = [word.replace("\\", "\\\\").replace("'", "''") for word in text.split()]
    terms = [f"'{word}'" for word in words]
    if terms:
        terms[-1] += ":*"
    return " & ".join(terms)


def answers(url: str) -> bool:
    """Whether the server at `url` takes a new connection within a couple of seconds."""
    try:
        psycopg.connect(url, connect_timeout=ANSWER_TIMEOUT_S).close()
    except psycopg.Error:
        return False
    return True


def describe(url: str) -> str:
    """host:port/dbname of a connection URL, never its password."""
    try:
        parts = conninfo_to_dict(url)
    except Exception:
        return "the configured address"
    return f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"
