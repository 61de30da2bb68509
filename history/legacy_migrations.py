"""Databases made before migrations were recorded by name: their records, read as names.

Until then `_migrations` held one row per migration applied, keyed by its position in a tuple
(`version`, with its function's name beside it), and each database had a tuple of its own:
SQLite's third was m003_settings, PostgreSQL's m003_stopped, and PostgreSQL's first also made
what SQLite's third and fourth made. The tuples were only ever appended to, so a version meant
one migration in every release. `old_records` maps each to the names of the migrations
(migrations.py) that do the same, so nothing is run again; migrations.py writes them into the
table by name in the same transaction.
"""

from __future__ import annotations

from typing import Any

from .dialects import Dialect

POSITIONS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "sqlite": (
        ("m001_runs_and_images", ("m001_runs_and_images",)),
        ("m002_prompt_search", ("m002_prompt_search",)),
        ("m003_settings", ("m003_settings",)),
        ("m004_images_by_run", ("m004_images_by_run",)),
        ("m005_stopped", ("m005_stopped",)),
        ("m006_shares", ("m006_shares",)),
        ("m007_comparisons", ("m007_comparisons",)),
    ),
    "postgresql": (
        ("m001_runs_and_images", ("m001_runs_and_images", "m003_settings", "m004_images_by_run")),
        ("m002_prompt_search", ("m002_prompt_search",)),
        ("m003_stopped", ("m005_stopped",)),
        ("m004_shares", ("m006_shares",)),
        ("m005_comparisons", ("m007_comparisons",)),
    ),
}
"""Per database, version N's entry: the name recorded beside N, and what it is called now."""


def old_records(db: Any, sql: Dialect) -> list[tuple[str, Any]]:
    """When `_migrations` records positions: each migration it records, by today's name, with
    when it was applied, and the old table dropped. None for any other database. Runs in the
    opening write transaction, so an error leaves the database as it was."""
    if "version" not in sql.columns(db, "_migrations"):
        return []
    known = POSITIONS[sql.name]
    rows = db.execute("SELECT version, name, applied_at FROM _migrations ORDER BY version")
    records = []
    for version, name, applied_at in rows.fetchall():
        if not 1 <= version <= len(known) or known[version - 1][0] != name:
            raise RuntimeError(
                f"the history's _migrations records version {version} as {name!r}, which no"
                f" earlier release made on {sql.name}: the database is left as it is"
            )
        records += [(today, applied_at) for today in known[version - 1][1]]
    db.execute("DROP TABLE _migrations")
    return records
