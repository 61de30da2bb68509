"""The history's schema: one ordered list of named migrations, run alike by SQLite and PostgreSQL.

After simonw/llm's migrations.py: `@migration` appends a function to MIGRATIONS, and `migrate`
applies, in order, those whose names `_migrations` does not record, each in a write transaction
of its own that records its name (the transaction holds the store's write lock, so processes or
replicas opening one database at once never apply one twice). Each migration is written once for
both databases: it asks the dialect (dialects.py) for the few types they name differently, and
only the prompt search branches. A database whose `_migrations` still records positions has it
rewritten by name first (legacy_migrations.py). Append, never edit; a name once released stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from .dialects import Dialect
from .legacy_migrations import old_records

Migration = Callable[[Any, Dialect], None]
MIGRATIONS: list[Migration] = []


def migration(function: Migration) -> Migration:
    """Registers `function` as the last migration, under its name (which must be new)."""
    if any(known.__name__ == function.__name__ for known in MIGRATIONS):
        raise ValueError(f"a migration is already named {function.__name__}")
    MIGRATIONS.append(function)
    return function


def migrate(
    write: Callable[[], AbstractContextManager[Any]],
    sql: Dialect,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> list[str]:
    """Applies the migrations the database lacks, each in a `write()` transaction of its own;
    returns the names it applied."""
    with write() as db:
        done = recorded(db, sql)
    applied = []
    for function in migrations:
        name = function.__name__
        if name in done:
            continue
        with write() as db:
            if not db.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
                function(db, sql)
                db.execute("INSERT INTO _migrations (name) VALUES (?)", (name,))
                applied.append(name)
    return applied


def recorded(db: Any, sql: Dialect) -> set[str]:
    """The names of the migrations applied; makes `_migrations` if missing, and rewrites a table
    of positions by name."""
    renamed = old_records(db, sql)
    db.execute(
        "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY,"
        f" applied_at {sql.timestamp} NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    if renamed:
        db.executemany("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", renamed)
    return {row[0] for row in db.execute("SELECT name FROM _migrations")}


@migration
def m001_runs_and_images(db: Any, sql: Dialect) -> None:
    db.execute(
        f"""CREATE TABLE runs (
            id {sql.key} PRIMARY KEY,
            owner {sql.key} NOT NULL,
            owner_label TEXT,
            created_at {sql.real} NOT NULL,
            model TEXT NOT NULL,
            prompt TEXT NOT NULL,
            negative_prompt TEXT,
            params TEXT NOT NULL,
            seed {sql.big_integer},
            status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
            error TEXT,
            elapsed_s {sql.real},
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
        f"""CREATE TABLE blobs (
            digest {sql.key} PRIMARY KEY,
            ext TEXT NOT NULL,
            size {sql.big_integer} NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL
        )"""
    )
    db.execute(
        f"""CREATE TABLE run_images (
            run_id {sql.key} NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('input', 'output')),
            position INTEGER NOT NULL,
            digest {sql.key} NOT NULL REFERENCES blobs (digest),
            PRIMARY KEY (run_id, role, position)
        )"""
    )
    db.execute("CREATE INDEX run_images_by_digest ON run_images (digest)")


@migration
def m002_prompt_search(db: Any, sql: Dialect) -> None:
    """Full-text search over prompts, kept in step with `runs` by the database itself. SQLite:
    an FTS5 table and triggers. PostgreSQL: a generated tsvector under a GIN index ('simple'
    configuration: every word, no stemming, like FTS5's unicode61)."""
    if sql.name == "postgresql":
        db.execute(
            "ALTER TABLE runs ADD COLUMN search tsvector"
            " GENERATED ALWAYS AS (to_tsvector('simple', prompt)) STORED"
        )
        db.execute("CREATE INDEX runs_search ON runs USING GIN (search)")
        return
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


@migration
def m003_settings(db: Any, sql: Dialect) -> None:
    """Values the store keeps for itself, such as the key of its blob names.

    IF NOT EXISTS, like every migration after it, for a store whose record of it was lost (and
    SQLite stores from before this migration, which created the table on open)."""
    db.execute("CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT)")


@migration
def m004_images_by_run(db: Any, sql: Dialect) -> None:
    """A covering index from a run to its images' digests, for the per-owner byte caps, which
    sum the images of all of an owner's runs on every save (about 40% faster at 5,000 runs)."""
    db.execute("CREATE INDEX IF NOT EXISTS run_images_by_run ON run_images (run_id, digest)")


@migration
def m005_stopped(db: Any, sql: Dialect) -> None:
    """Whether the visitor pressed Stop while the run went on (its answer is kept all the same)."""
    if "stopped" not in sql.columns(db, "runs"):
        db.execute("ALTER TABLE runs ADD COLUMN stopped INTEGER NOT NULL DEFAULT 0")


@migration
def m006_shares(db: Any, sql: Dialect) -> None:
    """Links that show one run to whoever holds them (shares.py); a run's links go with it."""
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS shares (
            token {sql.key} PRIMARY KEY,
            run_id {sql.key} NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
            created_at {sql.real} NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS shares_by_run ON shares (run_id)")


@migration
def m007_comparisons(db: Any, sql: Dialect) -> None:
    """The comparison a run is a cell of (models × seeds, run together); the grid is read back
    by owner and comparison."""
    if "comparison" not in sql.columns(db, "runs"):
        db.execute(f"ALTER TABLE runs ADD COLUMN comparison {sql.key}")
    db.execute("CREATE INDEX IF NOT EXISTS runs_by_comparison ON runs (comparison, owner)")


JOURNAL_STATUSES = "('ok', 'partial', 'failed', 'sending', 'interrupted')"


@migration
def m008_run_journal(db: Any, sql: Dialect) -> None:
    """Runs recorded before they are sent (journal.py): two more statuses, 'sending' (the
    request may be at the service) and 'interrupted' (its process died before the answer), and
    the process (`sender`) whose answer a 'sending' run waits for.

    SQLite cannot alter a CHECK constraint; widening one changes no stored row, so the table's
    definition is rewritten in place, as SQLite documents for this case (lang_altertable.html,
    "otheralter"), and the schema version is bumped so every connection reads it again."""
    if "sender" not in sql.columns(db, "runs"):
        db.execute(f"ALTER TABLE runs ADD COLUMN sender {sql.key}")
    db.execute("CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status)")
    if sql.name == "postgresql":
        db.execute("ALTER TABLE runs DROP CONSTRAINT IF EXISTS runs_status_check")
        db.execute(
            "ALTER TABLE runs ADD CONSTRAINT runs_status_check"
            f" CHECK (status IN {JOURNAL_STATUSES})"
        )
        return
    table = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'runs'")
    definition = table.fetchone()[0]
    widened = re.sub(
        r"CHECK\s*\(\s*status\s+IN\s*\([^)]*\)\s*\)",
        f"CHECK (status IN {JOURNAL_STATUSES})",
        definition,
    )
    if widened == definition:
        return
    version = db.execute("PRAGMA schema_version").fetchone()[0]
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'runs'", (widened,)
    )
    db.execute(f"PRAGMA schema_version = {int(version) + 1}")
    db.execute("PRAGMA writable_schema = OFF")


@migration
def m009_lineage(db: Any, sql: Dialect) -> None:
    """Where a run came from (edit threads, lineage.py): its parent run, which of the parent's
    results it edits (1-based), the root of its tree, so a whole tree is one indexed read, and
    what a replayed branch changed. Runs from before are roots of trees of their own."""
    columns = sql.columns(db, "runs")
    if "parent" not in columns:
        db.execute(f"ALTER TABLE runs ADD COLUMN parent {sql.key}")
    if "result_index" not in columns:
        db.execute("ALTER TABLE runs ADD COLUMN result_index INTEGER")
    if "root" not in columns:
        db.execute(f"ALTER TABLE runs ADD COLUMN root {sql.key}")
    if "branch_label" not in columns:
        db.execute("ALTER TABLE runs ADD COLUMN branch_label TEXT")
    db.execute("UPDATE runs SET root = id WHERE root IS NULL")
    # one owner's whole tree, oldest first, read from the index alone on SQLite (PostgreSQL
    # caps an index entry near 2.7 KB, which a long prompt would pass: there it finds the rows)
    covered = ", parent, result_index, prompt, model, seed, status, created_at, branch_label"
    db.execute(
        "CREATE INDEX IF NOT EXISTS runs_by_root ON runs"
        f" (root, owner, id{covered if sql.name == 'sqlite' else ''})"
    )


@migration
def m010_api_tokens(db: Any, sql: Dialect) -> None:
    """Personal API tokens (tokens.py): only each token's SHA-256 digest is kept, with the
    identity it acts for, its name (unique per identity, so it can be revoked by name) and when
    it was made."""
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS api_tokens (
            digest {sql.key} PRIMARY KEY,
            owner {sql.key} NOT NULL,
            owner_label TEXT,
            name TEXT NOT NULL,
            created_at {sql.real} NOT NULL,
            UNIQUE (owner, name)
        )"""
    )


@migration
def m011_presets(db: Any, sql: Dialect) -> None:
    """Team presets (presets.py): a named prompt template and parameters (JSON), its maker
    (names are unique per maker, so saving under a name replaces that preset), whether the
    team sees it, and when it was made and last changed."""
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS presets (
            id {sql.key} PRIMARY KEY,
            owner {sql.key} NOT NULL,
            owner_label TEXT,
            name TEXT NOT NULL,
            template TEXT NOT NULL,
            params TEXT NOT NULL,
            team INTEGER NOT NULL DEFAULT 0,
            created_at {sql.real} NOT NULL,
            updated_at {sql.real} NOT NULL,
            UNIQUE (owner, name)
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS presets_by_team ON presets (team)")


@migration
def m012_budgets(db: Any, sql: Dialect) -> None:
    """The budgets' ledger (budgets.py): the images each journalled run reserved (its n) or,
    once answered, made, by owner, model and UTC day; kept apart from `runs`, so deleting a run
    gives no images back. Summed per owner and day under the write lock before every send."""
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS budget_use (
            run_id {sql.key} PRIMARY KEY,
            owner {sql.key} NOT NULL,
            owner_label TEXT,
            model {sql.key} NOT NULL,
            day {sql.key} NOT NULL,
            images INTEGER NOT NULL,
            created_at {sql.real} NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS budget_use_by_day ON budget_use (day, owner, model)")


@migration
def m013_batches(db: Any, sql: Dialect) -> None:
    """The batch a run is an item of (one edit over many images, run together, ui/batch/); a
    batch is read back by owner and batch, as a comparison is."""
    if "batch" not in sql.columns(db, "runs"):
        db.execute(f"ALTER TABLE runs ADD COLUMN batch {sql.key}")
    db.execute("CREATE INDEX IF NOT EXISTS runs_by_batch ON runs (batch, owner)")


@migration
def m014_rate_limit(db: Any, sql: Dialect) -> None:
    """The rate limit's turns (rate_limit.py): per model, when its next request to the gateway
    may leave; taken under the write lock by every replica, pushed on by a 429's back-off."""
    db.execute(
        f"""CREATE TABLE IF NOT EXISTS rate_turns (
            model {sql.key} PRIMARY KEY,
            next_at {sql.real} NOT NULL
        )"""
    )
