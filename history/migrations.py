"""The history database's schema, as numbered migrations applied in order on open.

Each migration runs once, in its own write transaction, and is recorded in `_migrations`; a
database from any earlier version opens and upgrades without losing a run. Append, never edit.
These are SQLite's; postgres_schema.py holds PostgreSQL's, applied by the same `apply`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

Migration = Callable[[Any], None]


def m001_runs_and_images(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            owner_label TEXT,
            created_at REAL NOT NULL,
            model TEXT NOT NULL,
            prompt TEXT NOT NULL,
            negative_prompt TEXT,
            params TEXT NOT NULL,
            seed INTEGER,
            status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
            error TEXT,
            elapsed_s REAL,
            request_id TEXT,
            backend TEXT NOT NULL,
            requested_n INTEGER NOT NULL,
            revised_prompts TEXT NOT NULL DEFAULT '[]',
            notes TEXT NOT NULL DEFAULT '[]',
            cover TEXT
        )"""
    )
    db.execute("CREATE INDEX runs_by_owner ON runs (owner, id)")
    db.execute("CREATE INDEX runs_by_model ON runs (model, id)")
    db.execute(
        """CREATE TABLE blobs (
            digest TEXT PRIMARY KEY,
            ext TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE run_images (
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('input', 'output')),
            position INTEGER NOT NULL,
            digest TEXT NOT NULL REFERENCES blobs (digest),
            PRIMARY KEY (run_id, role, position)
        )"""
    )
    db.execute("CREATE INDEX run_images_by_digest ON run_images (digest)")


def m002_prompt_search(db: sqlite3.Connection) -> None:
    """Full-text search over prompts, kept in step with `runs` by triggers."""
    db.execute(
        "CREATE VIRTUAL TABLE runs_search USING fts5"
        " (prompt, content='runs', content_rowid='rowid')"
    )
    db.execute("INSERT INTO runs_search (rowid, prompt) SELECT rowid, prompt FROM runs")
    db.execute(
        """CREATE TRIGGER runs_search_insert AFTER INSERT ON runs BEGIN
            INSERT INTO runs_search (rowid, prompt) VALUES (new.rowid, new.prompt);
        END"""
    )
    db.execute(
        """CREATE TRIGGER runs_search_delete AFTER DELETE ON runs BEGIN
            INSERT INTO runs_search (runs_search, rowid, prompt)
            VALUES ('delete', old.rowid, old.prompt);
        END"""
    )


def m003_settings(db: sqlite3.Connection) -> None:
    """Values the store keeps for itself, such as the key of its blob names.

    IF NOT EXISTS: stores from before this migration created the table on open."""
    db.execute("CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT)")


def m004_images_by_run(db: sqlite3.Connection) -> None:
    """A covering index from a run to its images' digests, for the per-owner byte caps, which
    sum the images of all of an owner's runs on every save (about 40% faster at 5,000 runs)."""
    db.execute("CREATE INDEX IF NOT EXISTS run_images_by_run ON run_images (run_id, digest)")


def m005_stopped(db: sqlite3.Connection) -> None:
    """Whether the visitor pressed Stop while the run went on (its answer is kept all the same).
    Idempotent, like the migrations before it, for a store whose record of them was lost."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    if "stopped" not in columns:
        db.execute("ALTER TABLE runs ADD COLUMN stopped INTEGER NOT NULL DEFAULT 0")


def m006_shares(db: sqlite3.Connection) -> None:
    """Links that show one run to whoever holds them (shares.py); a run's links go with it.
    Idempotent, like the migrations before it."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS shares (
            token TEXT PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            created_at REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS shares_by_run ON shares (run_id)")


def m007_comparisons(db: sqlite3.Connection) -> None:
    """The comparison a run is a cell of (models × seeds, run together); the grid is read back
    by owner and comparison. Idempotent, like the migrations before it."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(runs)")}
    if "comparison" not in columns:
        db.execute("ALTER TABLE runs ADD COLUMN comparison TEXT")
    db.execute("CREATE INDEX IF NOT EXISTS runs_by_comparison ON runs (comparison, owner)")


MIGRATIONS: tuple[Migration, ...] = (
    m001_runs_and_images,
    m002_prompt_search,
    m003_settings,
    m004_images_by_run,
    m005_stopped,
    m006_shares,
    m007_comparisons,
)


def migrate(db: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Applies the migrations this SQLite database lacks; returns its version afterwards."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    return apply(lambda: immediate(db), migrations)


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


def apply(
    transaction: Callable[[], AbstractContextManager[Any]], migrations: tuple[Migration, ...]
) -> int:
    """Runs each migration not yet recorded, each in a `transaction()` of its own (which holds
    the write lock, so two processes opening one database at once never apply one twice)."""
    for version, migration in enumerate(migrations, start=1):
        with transaction() as db:
            done = db.execute("SELECT 1 FROM _migrations WHERE version = ?", (version,)).fetchone()
            if not done:
                migration(db)
                db.execute(
                    "INSERT INTO _migrations (version, name) VALUES (?, ?)",
                    (version, migration.__name__),
                )
    return len(migrations)
