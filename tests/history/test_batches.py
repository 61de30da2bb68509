"""A batch's items are runs like any other, grouped by one batch id (migration m013_batches):
read back whole for their owner only, on every backend, and a store from before batches
upgrades."""

import sqlite3

from history import HistoryStore
from tests.history.support import new_run


def test_a_batch_is_read_back_whole_and_only_its_own_runs(store):
    items = [store.save_run(new_run(prompt=f"item {i}", batch="b-1")).id for i in range(3)]
    store.save_run(new_run(prompt="a lone run"))
    store.save_run(new_run(prompt="another batch", batch="b-2"))

    runs = store.batch_runs("anon:alice", "b-1")

    assert [run.id for run in runs] == items
    assert all(run.batch == "b-1" and run.comparison is None for run in runs)
    assert (
        store.get_run("anon:alice", store.list_runs("anon:alice", search="lone")[0].id).batch
        is None
    )


def test_another_owner_sees_nothing_of_a_batch_and_the_shared_scope_sees_it(store):
    store.save_run(new_run("anon:alice", batch="b-1"))
    store.save_run(new_run("anon:alice", batch="b-1"))

    assert store.batch_runs("anon:mallory", "b-1") == []
    assert len(store.batch_runs(None, "b-1")) == 2
    assert store.batch_runs("anon:alice", "no-such-batch") == []


def test_a_store_from_before_batches_keeps_its_runs_and_gains_them(tmp_path):
    store = HistoryStore(tmp_path)
    old = store.save_run(new_run(prompt="from before batches")).id
    store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    db.execute("DROP INDEX runs_by_batch")
    db.execute("ALTER TABLE runs DROP COLUMN batch")
    db.execute("DELETE FROM _migrations WHERE name = 'm013_batches'")
    db.close()

    store = HistoryStore(tmp_path)
    assert store.get_run("anon:alice", old).batch is None
    item = store.save_run(new_run(batch="b-1")).id
    assert [run.id for run in store.batch_runs("anon:alice", "b-1")] == [item]
    store.close()
