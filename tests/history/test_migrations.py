"""Migrations: a fresh database, a re-open, and an upgrade from version 1 keeping every run."""

import sqlite3

from tests.history.support import new_run
from ui.history_migrations import MIGRATIONS, migrate
from ui.history_store import HistoryStore


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
