"""The history's schema on PostgreSQL, as numbered migrations (applied by migrations.apply).

The same tables and columns as SQLite's (migrations.py), in PostgreSQL's types. Ids, owners and
digests compare bytewise (COLLATE "C"): ids sort by creation time whatever the database's locale,
and the listing's index stays cheap. Prompts are searched with PostgreSQL's own full-text search:
a stored tsvector column ('simple' configuration: every word, no stemming, like FTS5's unicode61)
under a GIN index. Append, never edit.
"""

from __future__ import annotations

from typing import Any

CREATE_MIGRATIONS_TABLE = (
    "CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
)


def m001_runs_and_images(db: Any) -> None:
    db.execute(
        """CREATE TABLE runs (
            id TEXT COLLATE "C" PRIMARY KEY,
            owner TEXT COLLATE "C" NOT NULL,
            owner_label TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            model TEXT NOT NULL,
            prompt TEXT NOT NULL,
            negative_prompt TEXT,
            params TEXT NOT NULL,
            seed BIGINT,
            status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
            error TEXT,
            elapsed_s DOUBLE PRECISION,
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
            digest TEXT COLLATE "C" PRIMARY KEY,
            ext TEXT NOT NULL,
            size BIGINT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE run_images (
            run_id TEXT COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('input', 'output')),
            position INTEGER NOT NULL,
            digest TEXT COLLATE "C" NOT NULL REFERENCES blobs (digest),
            PRIMARY KEY (run_id, role, position)
        )"""
    )
    db.execute("CREATE INDEX run_images_by_digest ON run_images (digest)")
    db.execute("CREATE INDEX run_images_by_run ON run_images (run_id, digest)")
    db.execute("CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT)")


def m002_prompt_search(db: Any) -> None:
    """Full-text search over prompts: a generated tsvector, kept in step by PostgreSQL itself."""
    db.execute(
        "ALTER TABLE runs ADD COLUMN search tsvector"
        " GENERATED ALWAYS AS (to_tsvector('simple', prompt)) STORED"
    )
    db.execute("CREATE INDEX runs_search ON runs USING GIN (search)")


def m003_stopped(db: Any) -> None:
    """Whether the visitor pressed Stop while the run went on (its answer is kept all the same)."""
    db.execute("ALTER TABLE runs ADD COLUMN IF NOT EXISTS stopped INTEGER NOT NULL DEFAULT 0")


def m004_shares(db: Any) -> None:
    """Links that show one run to whoever holds them (shares.py); a run's links go with it."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS shares (
            token TEXT COLLATE "C" PRIMARY KEY,
            run_id TEXT COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            created_at DOUBLE PRECISION NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS shares_by_run ON shares (run_id)")


def m005_comparisons(db: Any) -> None:
    """The comparison a run is a cell of (models × seeds, run together)."""
    db.execute('ALTER TABLE runs ADD COLUMN IF NOT EXISTS comparison TEXT COLLATE "C"')
    db.execute("CREATE INDEX IF NOT EXISTS runs_by_comparison ON runs (comparison, owner)")


MIGRATIONS = (
    m001_runs_and_images, m002_prompt_search, m003_stopped, m004_shares, m005_comparisons,
)  # fmt: skip
