"""Migrations: a fresh database, a re-open, and an upgrade from version 1 keeping every run."""

import sqlite3

from history import HistoryStore
from history.migrations import MIGRATIONS, migrate
from tests.history.support import new_run


def test_reopening_applies_nothing_twice(tmp_path):
    HistoryStore(tmp_path).close()
    store = HistoryStore(tmp_path)
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0] == len(MIGRATIONS)
    store.close()


def test_a_version_1_database_is_upgraded_and_its_runs_become_searchable(tmp_path):
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    migrate(db, MIGRATIONS[:1])
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


def test_a_version_2_store_keeps_its_blob_key_and_files(tmp_path):
    """Stores from before migration 3 made their settings table themselves when opened."""
    store = HistoryStore(tmp_path)
    run_id = store.save_run(new_run())
    path = store.get_run("anon:alice", run_id).input_paths[0]
    store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    db.execute("DELETE FROM _migrations WHERE version > 2")
    db.close()

    store = HistoryStore(tmp_path)
    assert store.get_run("anon:alice", run_id).input_paths == [path] and path.is_file()
    assert store.save_run(new_run(input_images=[path.read_bytes()])) != run_id
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


def test_a_version_5_store_gains_links_that_go_with_their_runs(tmp_path):
    store = HistoryStore(tmp_path)
    run_id = store.save_run(new_run())
    store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    db.execute("DROP TABLE shares")
    db.execute("DELETE FROM _migrations WHERE version > 5")
    db.close()

    store = HistoryStore(tmp_path)
    token = store.share_run("anon:alice", run_id)
    assert store.run_by_share(token).id == run_id
    assert store.delete_run("anon:alice", run_id) and store.run_by_share(token) is None
    store.close()
