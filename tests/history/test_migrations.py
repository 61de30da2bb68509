"""Migrations: one list, by name, on every backend; a re-open, upgrades from part of the list, and
a SQLite store still recording positions (test_old_stores.py opens real ones of both kinds)."""

import sqlite3

import pytest

from history import HistoryStore
from history.dialects import SQLITE
from history.legacy_migrations import POSITIONS
from history.migrations import MIGRATIONS, migrate, migration
from history.sqlite import immediate
from tests.history.support import new_run

NAMES = [function.__name__ for function in MIGRATIONS]
POSITIONED = [old for old, _names in POSITIONS["sqlite"]]
"""The migrations of SQLite's last release that recorded positions (all of its list then)."""


def test_every_migration_is_recorded_once_by_name_and_a_reopen_applies_none(open_store, tmp_path):
    open_store(tmp_path).close()
    store = open_store(tmp_path)
    with store._sql.read() as db:
        recorded = [row[0] for row in db.execute("SELECT name FROM _migrations")]
    assert sorted(recorded) == sorted(NAMES)
    assert migrate(store._sql.write, store._sql.dialect) == []


def test_the_list_is_in_the_order_of_its_names_and_refuses_a_name_twice():
    assert sorted(NAMES) == NAMES and len(set(NAMES)) == len(NAMES)

    def m003_settings(db, sql):  # a second migration of a name already released
        raise AssertionError("never runs")

    with pytest.raises(ValueError, match="m003_settings"):
        migration(m003_settings)
    assert [function.__name__ for function in MIGRATIONS] == NAMES


def test_every_old_position_maps_to_names_in_the_list():
    for dialect, positions in POSITIONS.items():
        covered = [name for _old, names in positions for name in names]
        assert set(covered) <= set(NAMES) and len(covered) == len(set(covered)), dialect
        assert sorted(covered) == NAMES[: len(covered)], (
            f"{dialect}'s last release of positions made the first migrations, in order"
        )


def test_a_database_of_the_first_migration_is_upgraded_and_its_runs_become_searchable(tmp_path):
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    assert migrate(lambda: immediate(db), SQLITE, MIGRATIONS[:1]) == ["m001_runs_and_images"]
    db.execute(
        "INSERT INTO runs (id, owner, created_at, model, prompt, params, status, backend,"
        " requested_n) VALUES ('0001', 'anon:old', 1.0, 'qwen-image-2.0-pro', 'an old lighthouse',"
        " '{}', 'ok', 'api', 1)"
    )
    db.close()

    store = HistoryStore(tmp_path)
    store.save_run(new_run("anon:old", prompt="a new lighthouse"))
    found = [run.prompt for run in store.list_runs("anon:old", search="lighthouse")]
    assert found == ["a new lighthouse", "an old lighthouse"]
    store.close()


def test_a_store_whose_record_ends_at_m002_keeps_its_blob_key_and_files(tmp_path):
    """The migrations after m002 run again harmlessly: stores from before m003 made their
    settings table themselves when opened."""
    store = HistoryStore(tmp_path)
    run_id = store.save_run(new_run()).id
    path = store.get_run("anon:alice", run_id).input_paths[0]
    store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    db.execute("DELETE FROM _migrations WHERE name > 'm002_prompt_search'")
    db.close()

    store = HistoryStore(tmp_path)
    assert store.get_run("anon:alice", run_id).input_paths == [path] and path.is_file()
    assert store.save_run(new_run(input_images=[path.read_bytes()])).id != run_id
    assert store.get_run("anon:alice", store.list_runs("anon:alice")[0].id).input_paths == [path]
    store.close()


def test_a_fresh_database_has_every_table(tmp_path):
    HistoryStore(tmp_path).close()
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "runs",
        "run_images",
        "blobs",
        "runs_search",
        "settings",
        "shares",
        "_migrations",
    } <= tables


def test_a_store_without_links_gains_links_that_go_with_their_runs(tmp_path):
    store = HistoryStore(tmp_path)
    run_id = store.save_run(new_run()).id
    store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    db.execute("DROP TABLE shares")
    db.execute("DELETE FROM _migrations WHERE name IN ('m006_shares', 'm007_comparisons')")
    db.close()

    store = HistoryStore(tmp_path)
    token = store.share_run("anon:alice", run_id)
    assert store.run_by_share(token).id == run_id
    assert store.delete_run("anon:alice", run_id) and store.run_by_share(token) is None
    store.close()


def as_positions(path, versions) -> None:
    """Rewrites the store's `_migrations` as releases before names kept it: by position."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TABLE _migrations")
    db.execute(
        "CREATE TABLE _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    db.executemany(
        "INSERT INTO _migrations (version, name, applied_at) VALUES (?, ?, '2025-01-02 03:04:05')",
        versions,
    )
    db.close()


def test_a_record_of_positions_is_read_as_names_without_running_anything_again(tmp_path):
    store = HistoryStore(tmp_path)
    run_id = store.save_run(new_run()).id
    store.close()
    as_positions(tmp_path / "history.sqlite3", enumerate(POSITIONED, start=1))

    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    # m001 again would find its tables; those released since are applied (each finds its work
    # done: none fails)
    assert migrate(lambda: immediate(db), SQLITE) == NAMES[len(POSITIONED) :]
    rows = db.execute("SELECT name, applied_at FROM _migrations").fetchall()
    assert sorted(rows)[: len(POSITIONED)] == [(name, "2025-01-02 03:04:05") for name in POSITIONED]
    db.close()
    store = HistoryStore(tmp_path)
    assert store.get_run("anon:alice", run_id).prompt == "make it snow"
    store.close()


def test_an_unknown_position_is_refused_and_the_record_left_as_it_was(tmp_path):
    HistoryStore(tmp_path).close()
    versions = [*enumerate(POSITIONED, start=1), (len(POSITIONED) + 1, "m999_from_elsewhere")]
    as_positions(tmp_path / "history.sqlite3", versions)

    with pytest.raises(RuntimeError, match="m999_from_elsewhere"):
        HistoryStore(tmp_path)
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM _migrations WHERE version > 0").fetchone()[0] == len(
        versions
    )
