"""A comparison's cells are runs like any other, grouped by one id: History reads the group back
for its owner only, on every backend, and a store from before comparisons upgrades."""

import sqlite3

from history import HistoryStore
from tests.history.support import new_run


def test_a_comparison_is_read_back_whole_and_only_its_own_runs(store):
    cells = [
        store.save_run(new_run(model=model, seed=seed, comparison="cmp-1")).id
        for model in ("qwen-image-2.0-pro", "wan2.7-image-pro")
        for seed in (1, 2)
    ]
    store.save_run(new_run(prompt="a lone run"))
    store.save_run(new_run(seed=3, comparison="cmp-2"))

    runs = store.comparison_runs("anon:alice", "cmp-1")

    assert [run.id for run in runs] == cells
    assert {(run.model, run.seed) for run in runs} == {
        ("qwen-image-2.0-pro", 1), ("qwen-image-2.0-pro", 2),
        ("wan2.7-image-pro", 1), ("wan2.7-image-pro", 2),
    }  # fmt: skip
    assert all(run.comparison == "cmp-1" and run.output_paths for run in runs)
    assert store.get_run("anon:alice", cells[0]).comparison == "cmp-1"
    lone = store.list_runs("anon:alice", search="lone")[0]
    assert store.get_run("anon:alice", lone.id).comparison is None


def test_another_owner_sees_nothing_of_a_comparison_and_the_shared_scope_sees_it(store):
    store.save_run(new_run("anon:alice", seed=1, comparison="cmp-1"))
    store.save_run(new_run("anon:alice", seed=2, comparison="cmp-1"))

    assert store.comparison_runs("anon:mallory", "cmp-1") == []
    assert len(store.comparison_runs(None, "cmp-1")) == 2
    assert store.comparison_runs("anon:alice", "no-such-comparison") == []


def test_a_deleted_cell_leaves_the_rest_of_its_comparison(store):
    first = store.save_run(new_run(seed=1, comparison="cmp-1")).id
    second = store.save_run(new_run(seed=2, comparison="cmp-1")).id
    assert store.delete_run("anon:alice", first)
    assert [run.id for run in store.comparison_runs("anon:alice", "cmp-1")] == [second]


def test_a_version_6_store_keeps_its_runs_and_gains_comparisons(tmp_path):
    store = HistoryStore(tmp_path)
    old = store.save_run(new_run(prompt="from before comparisons")).id
    store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    db.execute("DROP INDEX runs_by_comparison")
    db.execute("ALTER TABLE runs DROP COLUMN comparison")
    db.execute("DELETE FROM _migrations WHERE name = 'm007_comparisons'")
    db.close()

    store = HistoryStore(tmp_path)
    assert store.get_run("anon:alice", old).comparison is None
    cell = store.save_run(new_run(comparison="cmp-1")).id
    assert [run.id for run in store.comparison_runs("anon:alice", "cmp-1")] == [cell]
    store.close()
