"""What SQLite and PostgreSQL name differently in the history's schema, so it is written once.

The migrations (migrations.py) ask the `Dialect` in hand for a few types and for a table's
columns; the prompt search is the one migration that branches on `name`. Keys (run ids, owners,
digests, link tokens) compare bytewise: PostgreSQL's are COLLATE "C", so ids sort by creation
time whatever the database's locale and the listing's index stays cheap (SQLite's text compares
bytewise already).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Dialect:
    name: str
    key: str
    """Text compared bytewise: run ids, owners, digests, link tokens."""
    real: str
    """A 64-bit float: times and durations."""
    big_integer: str
    """A 64-bit integer: seeds, byte counts."""
    timestamp: str
    """When a migration was applied."""
    columns_query: str
    """The names of a table's columns (one `?`, the table's name); no row if it does not exist."""

    def columns(self, db: Any, table: str) -> set[str]:
        return {row[0] for row in db.execute(self.columns_query, (table,))}


SQLITE = Dialect(
    name="sqlite",
    key="TEXT",
    real="REAL",
    big_integer="INTEGER",
    timestamp="TEXT",
    columns_query="SELECT name FROM pragma_table_info(?)",
)
POSTGRESQL = Dialect(
    name="postgresql",
    key='TEXT COLLATE "C"',
    real="DOUBLE PRECISION",
    big_integer="BIGINT",
    timestamp="TIMESTAMPTZ",
    columns_query="SELECT column_name FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND table_name = ?",
)
