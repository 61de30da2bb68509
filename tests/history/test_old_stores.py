"""Histories made by the code of commit 3270aa9, which recorded its migrations by position, open
with today's code on SQLite and on PostgreSQL: every run comes back as that code read it, the
record is kept by name, and new runs are saved beside the old ones.

The fixtures (fixtures/sqlite, fixtures/postgres) were made by that code with
fixtures/make_old_stores.py; its `described` reads a store the same way then and now.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from history import HistoryStore
from history.legacy_migrations import POSITIONS
from history.lineage import LINEAGE
from history.migrations import MIGRATIONS
from tests.history.fixtures.make_old_stores import described
from tests.history.support import new_run
from tests.servers import create_database

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = sorted(function.__name__ for function in MIGRATIONS)
SINCE = {name for name in NAMES if name > "m007_comparisons"}
"""The migrations released after that code (each runs once on its store)."""


@dataclass
class OldStore:
    """A copy of one fixture: its folder (images, and the SQLite file) and, for PostgreSQL, the
    URL of a new database the dump was loaded into."""

    kind: str
    directory: Path
    expected: dict[str, Any]
    database_url: str | None = None
    opened: list[HistoryStore] = field(default_factory=list)

    @property
    def dialect(self) -> str:
        return "sqlite" if self.kind == "sqlite" else "postgresql"

    def open(self) -> HistoryStore:
        store = HistoryStore(self.directory, database_url=self.database_url)
        self.opened.append(store)
        return store

    @contextmanager
    def database(self) -> Iterator[Any]:
        """The database itself, bypassing the store (statements without parameters)."""
        if self.database_url:
            with psycopg.connect(self.database_url, autocommit=True) as db:
                yield db
            return
        db = sqlite3.connect(self.directory / "history.sqlite3", isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    def records(self) -> dict[str, Any]:
        """When each migration ran, by name (read through the old table as it is)."""
        with self.database() as db:
            columns = [row[0] for row in db.execute("SELECT * FROM _migrations").description]
            rows = db.execute("SELECT * FROM _migrations").fetchall()
        if "version" not in columns:
            return {name: applied_at for name, applied_at in rows}
        known = POSITIONS[self.dialect]
        return {
            today: applied_at
            for version, name, applied_at in rows
            for today in known[version - 1][1]
            if known[version - 1][0] == name
        }


@pytest.fixture(params=["sqlite", "postgres"])
def old(request, tmp_path) -> Iterator[OldStore]:
    source = FIXTURES / request.param
    directory = tmp_path / "history"
    shutil.copytree(source / "blobs", directory / "blobs")
    expected = json.loads((source / "expected.json").read_text())
    store = OldStore(request.param, directory, expected)
    if request.param == "sqlite":
        shutil.copyfile(source / "history.sqlite3", directory / "history.sqlite3")
    else:
        store.database_url = create_database(request.getfixturevalue("postgres_url"))
        with store.database() as db:
            db.execute((source / "history.sql").read_text())
    yield store
    for opened in store.opened:
        opened.close()


def test_every_run_comes_back_as_the_old_code_read_it(old):
    assert "version" in columns_of(old, "_migrations"), "the fixture records positions"
    store = old.open()

    now = described(store, old.directory)
    for run in now["runs"]:  # added since: every old run is the root of a tree of its own
        assert {name: run.pop(name) for name in LINEAGE} == {
            "root": run["id"], "parent": None, "result_index": None, "branch_label": None
        }  # fmt: skip
        assert run.pop("batch") is None  # added since: no old run is an item of a batch
    assert now == old.expected
    for run in old.expected["runs"]:
        for token, _created_at in run["shares"]:
            assert store.run_by_share(token).id == run["id"]
    listed = store.list_runs(None)
    store.ensure_thumbnails(listed)
    assert all(Path(run.thumbnail_path).is_file() for run in listed)


def test_the_record_of_positions_is_kept_by_name_with_when_each_ran(old):
    before = old.records()
    old.open()

    after = old.records()
    assert {name: after[name] for name in before} == before, "nothing ran again"
    assert sorted(before) == sorted(set(NAMES) - SINCE) and sorted(after) == NAMES
    assert "version" not in columns_of(old, "_migrations")


def test_stores_opening_an_old_database_together_rename_its_record_once(old):
    before = old.records()
    errors: list[Exception] = []

    def start() -> None:
        try:
            old.open()
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    after = old.records()
    assert {name: after[name] for name in before} == before and sorted(after) == NAMES


def test_an_old_store_has_the_schema_of_a_new_one(old, tmp_path, request):
    migrated = schema(old.open())
    database_url = None
    if old.database_url:
        database_url = create_database(request.getfixturevalue("postgres_url"))
    new = HistoryStore(tmp_path / "new", database_url=database_url)
    try:
        assert migrated == schema(new)
    finally:
        new.close()


def test_new_runs_are_saved_beside_the_old_ones(old):
    store = old.open()
    first = old.expected["runs"][-1]  # the oldest: a lighthouse at dusk, with one link
    old_input = old.directory / first["input_images"][0]["path"]

    saved = store.save_run(
        new_run(
            "anon:alice", prompt="a lighthouse, saved today", input_images=[old_input.read_bytes()]
        )
    )

    [newest, *older] = store.list_runs("anon:alice")
    assert newest.id == saved.id and all(run.id < saved.id for run in older)
    assert saved.input_paths == [old_input], "the same blob key, so the same file"
    assert saved == store.get_run("anon:alice", saved.id)
    searched = [run.prompt for run in store.list_runs(None, search="lighthouse")]
    assert searched == ["a lighthouse, saved today", "a lighthouse in fog", "a lighthouse at dusk"]
    assert store.count_runs() == len(old.expected["runs"]) + 1
    assert store.run_by_share(first["shares"][0][0]).id == first["id"]

    failed = next(run for run in old.expected["runs"] if run["status"] == "failed")
    jpeg = old.directory / failed["input_images"][0]["path"]
    assert store.delete_run("anon:alice", failed["id"]) and not jpeg.exists()
    assert store.get_run("anon:alice", failed["id"]) is None


OLDER_RELEASE = {"sqlite": 5, "postgresql": 3}
"""The last version recorded by the release before links and comparisons (9ce8b83)."""


def test_a_store_of_an_older_release_gains_what_it_lacks(old):
    with old.database() as db:
        db.execute("DROP TABLE shares")
        db.execute("DROP INDEX runs_by_comparison")
        db.execute("ALTER TABLE runs DROP COLUMN comparison")
        db.execute(f"DELETE FROM _migrations WHERE version > {OLDER_RELEASE[old.dialect]}")
    before = old.records()
    store = old.open()

    after = old.records()
    assert sorted(after) == NAMES
    assert {name: after[name] for name in before} == before
    assert set(after) - set(before) == {"m006_shares", "m007_comparisons", *SINCE}
    runs = store.list_runs(None)
    assert [run.id for run in runs] == [run["id"] for run in old.expected["runs"]]
    assert all(store.get_run(None, run.id).comparison is None for run in runs)
    token = store.share_run("anon:bob", runs[0].id)
    assert store.run_by_share(token).id == runs[0].id
    cell = store.save_run(new_run(comparison="cmp-new")).id
    assert [run.id for run in store.comparison_runs("anon:alice", "cmp-new")] == [cell]


def columns_of(old: OldStore, table: str) -> set[str]:
    with old.database() as db:
        return {row[0] for row in db.execute(f"SELECT * FROM {table}").description}


def schema(store: HistoryStore) -> list[tuple]:
    """Every table, column, index, constraint and trigger of the store's database."""
    if store._sql.dialect.name == "sqlite":
        queries = ["SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"]
    else:
        queries = [
            "SELECT table_name, column_name, data_type, collation_name, column_default,"
            " is_nullable, is_generated, generation_expression FROM information_schema.columns"
            " WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
            " ORDER BY indexname",
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace ORDER BY conname",
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname",
        ]
    with store._sql.read() as db:
        return [tuple(row) for query in queries for row in db.execute(query).fetchall()]
